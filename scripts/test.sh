#!/usr/bin/env bash
# `make test`: every check and suite, in order: type-check, lint, unit,
# integration (real local cluster), e2e (real browser), adoption (the
# plugins installed into a stock app, and as dynamic plugins). A failing stage does
# not stop the others; the run ends with one line of totals over all suites,
# `N passed, N failed`, and a non-zero exit when anything failed.
# Select stages with TEST_STAGES="typecheck lint unit integration dev-restart e2e adoption".
set -uo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TJ_ROOT"

REPORTS="$TJ_ROOT/.local/reports"
rm -rf "$REPORTS"
mkdir -p "$REPORTS"
STAGES="${TEST_STAGES:-typecheck lint unit integration dev-restart e2e adoption}"
export CI="${CI:-true}" # jest: no watch mode, no interactive output

# stage NAME KIND COMMAND... : KIND is `check` (one pass/fail) or `jest`
# (the command writes $REPORTS/NAME.json).
stage() {
  local name="$1" kind="$2" start rc
  shift 2
  case " $STAGES " in *" $name "*) ;; *) return 0 ;; esac
  printf '\n==> %s\n' "$name"
  start=$(date +%s)
  if [ "$kind" = jest ]; then
    "$@" --json --outputFile "$REPORTS/$name.json"
  else
    "$@"
  fi
  rc=$?
  printf '%s\t%s\t%s\t%s\n' "$name" "$kind" "$rc" "$(($(date +%s) - start))" >>"$REPORTS/stages.tsv"
}

# A real PostgreSQL for the store tests, beside SQLite.
case " $STAGES " in *" unit "* | *" integration "*)
  pg_env="$(scripts/ensure-postgres.sh)" || exit 1
  eval "$pg_env"
  trap 'scripts/ensure-postgres.sh stop' EXIT
  ;;
esac

# Debian's Prometheus: promtool for the checks of the alert rules (unit
# stage) and the server for the scrape test (integration stage).
case " $STAGES " in *" unit "* | *" integration "*)
  scripts/ensure-prometheus.sh ||
    echo "[test] Prometheus is missing: the monitoring tests will fail" >&2
  ;;
esac

stage typecheck check yarn tsc
# Lint, then the API reports (report.api.md, report.sql.md) and the code
# generated from the OpenAPI description against their sources: changing
# an API without `yarn build:api-reports` / `yarn build:openapi` fails here.
lint_and_reports() {
  local rc=0
  yarn backstage-cli repo lint || rc=1
  yarn check:api-reports || rc=1
  yarn check:openapi || rc=1
  # The backend's folders import each other in one direction only.
  node scripts/architecture-report.mjs --fail-on-cycles >/dev/null || rc=1
  node --test scripts/*.test.mjs scripts/jobs/*.test.mjs || rc=1
  return "$rc"
}
stage lint check lint_and_reports
stage unit jest yarn backstage-cli repo test --watchAll=false \
  --testPathIgnorePatterns '\.(integration|e2e|bench)\.test\.'
stage integration jest scripts/integration.sh
# make dev's state on disk: the Jobs tab shows the same runs after a restart.
stage dev-restart check scripts/dev-restart-check.sh
stage e2e jest scripts/e2e.sh
# An adopter's install: packed plugins into a stock create-app app, then
# loaded as dynamic plugins (docs/install.md, docs/dynamic-plugins.md).
stage adoption check scripts/adoption-test.sh

node scripts/summarize-tests.mjs "$REPORTS"
