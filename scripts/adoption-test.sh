#!/usr/bin/env bash
# The adoption test: installs the plugins into a stock Backstage app the way
# docs/install.md tells an adopter to, and checks the app builds and its
# backend serves the plugin. Each step is printed with its time; a failing
# step stops the test with the last lines of its log
# (.local/adoption/logs/<step>.log). Part of `make test` (stage adoption).
#
#  1. pack      build and pack the five plugins, npm publish --dry-run each
#  2. create    a stock app with @backstage/create-app (pinned version)
#  3. bump      the app to this repository's Backstage release
#  4. wire      the plugins into the app as the install guide says
#  5. install   yarn install
#  6. tsc       type-check the app
#  7. bundle    build the app's frontend bundle
#  8. start     start the app's backend; wait for readiness
#  9. api       the plugin's health, and its API as the guest user
# 10. export    the backend plugin, scaffolder module and frontend plugin as
#               dynamic plugins (Red Hat Developer Hub's `rhdh-cli plugin
#               export`, cached outside the repo by version)
# 11. dynamic   the app's backend loads them instead
#               (@backstage/backend-dynamic-feature-service)
# 12. dstart    start it again; wait for readiness
# 13. dapi      health and API again, the scaffolder module's actions, and
#               the frontend plugin's remote served to dynamic frontends
set -uo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TJ_ROOT"
# shellcheck source=scripts/lib/services.sh
. scripts/lib/services.sh

CREATE_APP_VERSION=0.9.2
RHDH_CLI_VERSION=1.9.1
RHDH_CLI_DIR="${TENANT_JOBS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tenant-jobs}/rhdh-cli-$RHDH_CLI_VERSION"
WORK="$TJ_ROOT/.local/adoption"
APP="$WORK/app"
LOGS="$WORK/logs"
PORT="${TENANT_JOBS_ADOPTION_PORT:-7027}"
BASE="http://127.0.0.1:$PORT"
NAME=adoption-backend
started=$(date +%s)
started_cluster=0

cleanup() {
  stop_service "$NAME"
  if [ "$started_cluster" = 1 ]; then
    scripts/cluster/cluster.sh down >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

# step NAME COMMAND... : runs COMMAND with its output in $LOGS/NAME.log
step() {
  local name="$1" t0 rc
  shift
  t0=$(date +%s)
  printf '[adoption] %-8s ' "$name"
  "$@" >"$LOGS/$name.log" 2>&1
  rc=$?
  if [ "$rc" != 0 ]; then
    echo "FAILED after $(($(date +%s) - t0))s (exit $rc); last lines of $LOGS/$name.log:"
    tail -40 "$LOGS/$name.log" | sed 's/^/    /'
    exit 1
  fi
  echo "ok  $(($(date +%s) - t0))s  $(tail -1 "$LOGS/$name.log" | cut -c1-150)"
}

rm -rf "$WORK"
mkdir -p "$LOGS"

create_app() {
  # create-app cannot fetch its yarn.lock seed offline: it warns and goes on
  (cd "$WORK" && echo app | COREPACK_DEFAULT_TO_LATEST=0 \
    npx -y "@backstage/create-app@$CREATE_APP_VERSION" --skip-install --path "$APP") &&
    echo "created a Backstage $(node -p "require('$APP/backstage.json').version") app with create-app $CREATE_APP_VERSION"
}

install_app() {
  # The app's yarn comes from its own .yarnrc.yml (yarnPath)
  # A new app has no lockfile entries for what was added: not immutable
  # (CI=true makes yarn immutable by default)
  (cd "$APP" && YARN_ENABLE_IMMUTABLE_INSTALLS=false yarn install) &&
    echo "installed $(find "$APP/node_modules" -maxdepth 2 -name package.json | wc -l) packages"
}

typecheck_app() {
  (cd "$APP" && yarn tsc) && echo "tsc: no errors"
}

bundle_app() {
  (cd "$APP" && yarn workspace app build) &&
    echo "bundle: $(du -sh "$APP/packages/app/dist" | cut -f1) in packages/app/dist"
}

# start_backend [CONFIG...] : the app's backend on $PORT with its own
# app-config.yaml, ours and CONFIG
start_backend() {
  local configs=(--config ../../app-config.yaml --config ../../app-config.tenant-jobs.yaml)
  for extra in "$@"; do configs+=(--config "../../$extra"); done
  stop_service "$NAME"
  (
    cd "$APP/packages/backend" || exit 1
    APP_CONFIG_backend_listen_port="$PORT" APP_CONFIG_backend_baseUrl="$BASE" \
      start_service "$NAME" yarn start "${configs[@]}"
  )
  wait_for_url "$NAME" "$BASE/.backstage/health/v1/readiness" 300 || return 1
  echo "backend ready at $BASE"
}

# get PATH [TOKEN] : the status and body of GET $BASE/PATH
get() {
  curl -s -w '\n%{http_code}' ${2:+-H "Authorization: Bearer $2"} "$BASE$1"
}

check_api() {
  local answer token dry
  for _ in $(seq 1 60); do
    answer="$(get /api/tenant-jobs/health)"
    [ "${answer##*$'\n'}" = 200 ] && break
    sleep 2
  done
  echo "GET /api/tenant-jobs/health: ${answer##*$'\n'} $(echo "${answer%$'\n'*}" | json d.status)"
  [ "${answer##*$'\n'}" = 200 ] || return 1
  token="$(curl -sf -X POST "$BASE/api/auth/guest/refresh" | json d.backstageIdentity.token)" || return 1
  answer="$(get /api/tenant-jobs/job-types "$token")"
  echo "GET /api/tenant-jobs/job-types as guest: ${answer##*$'\n'} $(echo "${answer%$'\n'*}" | json "d.items.map(j => j.id).join(', ')")"
  [ "${answer##*$'\n'}" = 200 ] || return 1
  answer="$(get /api/tenant-jobs/runs "$token")"
  echo "GET /api/tenant-jobs/runs as guest: ${answer##*$'\n'} $(echo "${answer%$'\n'*}" | json "d.items.length + ' runs'")"
  [ "${answer##*$'\n'}" = 200 ] || return 1
  # The catalog reads the tenant's Group a few seconds after the start
  for _ in $(seq 1 60); do
    dry="$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d '{"tenantId":"data-team","jobType":"data-etl","tier":"small","parameters":{"source":"events-db","destination":"warehouse"},"dryRun":true}' \
      "$BASE/api/tenant-jobs/runs")"
    [[ "$dry" == *"No tenant 'data-team' in the catalog"* ]] || break
    sleep 2
  done
  echo "POST /api/tenant-jobs/runs as guest, a dry run in data-team: ${dry##*$'\n'} $(echo "${dry%$'\n'*}" | json "d.jobName ? 'Job ' + d.jobName + ' in ' + d.namespace : JSON.stringify(d)")"
  [ "${dry##*$'\n'}" = 200 ] || return 1
  echo "api: health, job types, runs and a dry run answered"
}

export_dynamic() {
  local cli="$RHDH_CLI_DIR/node_modules/.bin/rhdh-cli" root="$APP/dynamic-plugins-root" plugin name
  if [ ! -x "$cli" ]; then
    echo "installing @red-hat-developer-hub/cli@$RHDH_CLI_VERSION into $RHDH_CLI_DIR (once per machine)"
    npm install --prefix "$RHDH_CLI_DIR" --no-audit --no-fund \
      "@red-hat-developer-hub/cli@$RHDH_CLI_VERSION" || return 1
  fi
  mkdir -p "$root"
  (cd plugins/tenant-jobs-backend && "$cli" plugin export --clean) || return 1
  # Only -common/-node named after the package itself are embedded unasked
  (cd plugins/scaffolder-backend-module-tenant-jobs &&
    "$cli" plugin export --clean --embed-package @tenant-jobs/plugin-tenant-jobs-common) || return 1
  (cd plugins/tenant-jobs && "$cli" plugin export --clean) || return 1
  for plugin in tenant-jobs-backend scaffolder-backend-module-tenant-jobs tenant-jobs; do
    name="$(node -p "require('./plugins/$plugin/dist-dynamic/package.json').name.replace('@', '').replace('/', '-')")"
    # Moved out of the repository: linters would read its bundled packages
    mv "plugins/$plugin/dist-dynamic" "$root/$name"
    echo "$name: $(du -sh "$root/$name" | cut -f1)"
  done
  # The frontend export leaves its federated build in the plugin's dist/
  (cd plugins/tenant-jobs && yarn backstage-cli package build) || return 1
  echo "exported 3 dynamic plugins into $root"
}

check_dynamic() {
  local loaded
  # Loaded by the loader, not imported: its log names each package
  loaded="$(grep -o "loaded dynamic backend plugin '[^']*'" "$TJ_LOGS/$NAME.log" | sort -u)"
  echo "$loaded"
  [ "$(echo "$loaded" | grep -c tenant-jobs)" = 2 ] || return 1
  check_api || return 1
  local token actions remotes
  token="$(curl -sf -X POST "$BASE/api/auth/guest/refresh" | json d.backstageIdentity.token)" || return 1
  actions="$(curl -sf -H "Authorization: Bearer $token" "$BASE/api/scaffolder/v2/actions" |
    json "d.map(a => a.id).filter(id => id.startsWith('tenant-jobs:')).join(', ')")" || return 1
  echo "scaffolder actions from the dynamic module: $actions"
  [[ "$actions" == *tenant-jobs:run:create* ]] || return 1
  remotes="$(curl -sf "$BASE/.backstage/dynamic-features/remotes" | json "d.map(r => r.packageName + ' ' + r.exposedModules.join(',')).join('; ')")" || return 1
  echo "frontend remotes: $remotes"
  [[ "$remotes" == *plugin-tenant-jobs* ]] || return 1
  echo "dynamic: the backend plugin, its scaffolder module and the frontend remote answered"
}

if ! scripts/cluster/cluster.sh status >/dev/null 2>&1; then
  scripts/cluster/cluster.sh up >&2 || exit 1
  started_cluster=1
fi

step pack scripts/pack-plugins.sh
step create create_app
step bump node scripts/adoption/bump-release.mjs "$APP"
step wire node scripts/adoption/wire-app.mjs "$APP" "$TJ_ROOT/.local/packages"
step install install_app
step tsc typecheck_app
step bundle bundle_app
step start start_backend
step api check_api
step export export_dynamic
step dynamic node scripts/adoption/dynamic.mjs "$APP" "$APP/dynamic-plugins-root"
step dstart start_backend app-config.dynamic.yaml
step dapi check_dynamic
echo "[adoption] passed in $(($(date +%s) - started))s"
