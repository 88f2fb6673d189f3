#!/usr/bin/env bash
# `yarn bench:submit`: the submit benchmark against the demo backend as an
# operator runs it, beside raw client-node creates in the same run. Not part
# of `make test`. Prints a table; writes artifacts/bench/submit.json.
#
#  1. The local cluster up (scripts/cluster).
#  2. The demo backend built (`yarn build:backend` when the root package.json
#     has it, else `yarn workspace backend build`, which is what it runs):
#     packages/backend/dist/skeleton.tar.gz and bundle.tar.gz.
#  3. Installed as Backstage's own Dockerfile does it, into .local/bench/app:
#     the skeleton, then `yarn workspaces focus --all --production` (from the
#     yarn cache; the registry only for what it lacks), then the bundle. The
#     demo's config files, catalog files (examples/, templates/) and
#     packages/backend/src/instrumentation.js are copied beside it.
#  4. Started with plain node, OpenTelemetry loaded first as `make dev` does:
#     `node --require ../../instrumentation.js .` in packages/backend (the
#     catalog's file locations are relative to it), NODE_ENV=production, on
#     app-config.yaml + app-config.dev-sqlite.yaml (SQLite files in a fresh
#     .local/bench/sqlite) + scripts/bench/app-config.bench.yaml. No app dev
#     server, no backstage-cli.
#  5. alice's token from the demo sign-in (as scripts/dev-restart-check.sh),
#     then scripts/bench/submitBench.mjs: ABBA blocks of our submit route
#     against raw client-node creates of the same Job, at 1 and 8 clients.
#
# Settings: BENCH_SUBMITS (per block, default 200), BENCH_CLIENTS (default
# 1,8), BENCH_DATABASE (sqlite, the default as in `make dev`, or postgres:
# the tests' throwaway server, databases tenant_jobs_bench_*, dropped first),
# BENCH_PORT (default 7027), BENCH_METRICS_PORT (default 9474),
# BENCH_SKIP_BUILD=1 (reuse packages/backend/dist), BENCH_REUSE_APP=1 (start
# .local/bench/app as it is, e.g. to try a change in its dist), BENCH_KEEP=1
# (leave the backend running afterwards), BENCH_NODE_ENV (default
# production), BENCH_TELEMETRY=off (start without instrumentation.js, to
# see what it costs), BENCH_PROFILE=1 (also export the backend's spans to
# scripts/bench/otlpSink.mjs and print where the time of a submission goes;
# exporting costs time, so that run's throughput is not the one to quote),
# BENCH_CLEAR_EVENTS=1 (delete the Events earlier runs left in the tenant's
# namespace first; see scripts/bench/submitBench.mjs for the cleanup between
# blocks and its BENCH_FINISH_WAIT and BENCH_SETTLE_MAX).
set -euo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TJ_ROOT"
# shellcheck source=scripts/lib/services.sh
. scripts/lib/services.sh

PORT="${BENCH_PORT:-7027}"
METRICS_PORT="${BENCH_METRICS_PORT:-9474}"
SINK_PORT="${BENCH_SINK_PORT:-4328}"
BASE="http://127.0.0.1:$PORT"
WORK="$TJ_ROOT/.local/bench"
APP="$WORK/app"
NAME=bench-backend
SINK=bench-otlp-sink
DATABASE="${BENCH_DATABASE:-sqlite}"
PG_PREFIX=tenant_jobs_bench_
log() { echo "[bench:submit] $(date +%T) $*" >&2; }

cleanup() {
  if [ "${BENCH_KEEP:-0}" != 1 ]; then
    stop_service "$NAME"
  else
    log "the backend keeps running at $BASE (pid $(cat "$TJ_LOGS/$NAME.pid" 2>/dev/null)); stop it with: kill -TERM -- -PID"
  fi
  stop_service "$SINK"
}
trap cleanup EXIT

http_ok "$BASE/.backstage/health/v1/readiness" && {
  log "something already answers on port $PORT; set BENCH_PORT"
  exit 1
}

scripts/cluster/cluster.sh up >&2

# 2. Build.
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] && [ "${BENCH_REUSE_APP:-0}" != 1 ]; then
  build=(yarn workspace backend build)
  if node -e 'process.exit(require("./package.json").scripts?.["build:backend"] ? 0 : 1)'; then
    build=(yarn build:backend)
  else
    log "no build:backend script in package.json: yarn workspace backend build (what it runs)"
  fi
  log "${build[*]}"
  "${build[@]}" >&2 || {
    log "the build failed; BENCH_SKIP_BUILD=1 reuses the last bundle in packages/backend/dist, if there is one"
    exit 1
  }
fi
for f in packages/backend/dist/skeleton.tar.gz packages/backend/dist/bundle.tar.gz; do
  [ -f "$f" ] || { log "missing $f: build first"; exit 1; }
done

# 3. Install as an operator's image would.
if [ "${BENCH_REUSE_APP:-0}" != 1 ] || [ ! -d "$APP/node_modules" ]; then
  rm -rf "$APP"
  mkdir -p "$APP"
  cp .yarnrc.yml "$APP/"
  tar xzf packages/backend/dist/skeleton.tar.gz -C "$APP"
  tar xzf packages/backend/dist/bundle.tar.gz -C "$APP" package.json yarn.lock
  log "installing the bundle's production dependencies in $APP"
  (cd "$APP" && yarn workspaces focus --all --production >"$WORK/install.log" 2>&1) || {
    tail -30 "$WORK/install.log" >&2
    exit 1
  }
  tar xzf packages/backend/dist/bundle.tar.gz -C "$APP"
  cp app-config.yaml app-config.dev-sqlite.yaml app-config.dev-postgres.yaml \
    scripts/bench/app-config.bench.yaml "$APP/"
  cp packages/backend/src/instrumentation.js "$APP/"
  cp -r examples templates "$APP/"
else
  log "reusing $APP as it is (BENCH_REUSE_APP=1)"
fi

# A fresh database, as `make dev` keeps it (DATABASE=sqlite|postgres).
db_env=()
case "$DATABASE" in
  sqlite)
    rm -rf "$WORK/sqlite"
    mkdir -p "$WORK/sqlite"
    db_env=(TENANT_JOBS_DEV_SQLITE_DIR="$WORK/sqlite")
    db_config=app-config.dev-sqlite.yaml
    ;;
  postgres)
    eval "$(scripts/ensure-postgres.sh)"
    pg_port="${TENANT_JOBS_TEST_PG_PORT:-55432}"
    pg_bin="$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d | sort -V | tail -1)"
    for db in $("$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -Atc \
      "SELECT datname FROM pg_database WHERE datname LIKE '${PG_PREFIX}%'"); do
      "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qc "DROP DATABASE \"$db\"" >/dev/null
    done
    db_env=(TENANT_JOBS_DEV_POSTGRES_URL="postgresql://postgres@127.0.0.1:$pg_port"
      APP_CONFIG_backend_database_prefix="$PG_PREFIX")
    db_config=app-config.dev-postgres.yaml
    ;;
  *)
    log "BENCH_DATABASE must be sqlite or postgres, not '$DATABASE'"
    exit 2
    ;;
esac

# 4. Start it.
telemetry=(--require ../../instrumentation.js)
[ "${BENCH_TELEMETRY:-on}" = off ] && telemetry=()
otlp_env=()
if [ "${BENCH_PROFILE:-0}" = 1 ]; then
  start_service "$SINK" node scripts/bench/otlpSink.mjs "$SINK_PORT"
  wait_for_url "$SINK" "http://127.0.0.1:$SINK_PORT/summary" 30
  otlp_env=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT"
    OTEL_BSP_SCHEDULE_DELAY=500)
fi
rm -f "$TJ_LOGS/$NAME.pid"
log "starting the backend: node ${telemetry[*]} packages/backend (NODE_ENV=${BENCH_NODE_ENV:-production}, $DATABASE) on $BASE"
(
  cd "$APP/packages/backend"
  env NODE_ENV="${BENCH_NODE_ENV:-production}" \
    "${db_env[@]}" \
    TENANT_JOBS_METRICS_PORT="$METRICS_PORT" \
    APP_CONFIG_backend_listen_port="$PORT" \
    APP_CONFIG_backend_baseUrl="$BASE" \
    "${otlp_env[@]}" \
    setsid bash -c 'echo $$ >"$0"; exec "$@"' "$TJ_LOGS/$NAME.pid" \
    node "${telemetry[@]}" . \
    --config ../../app-config.yaml \
    --config "../../$db_config" \
    --config ../../app-config.bench.yaml \
    >"$TJ_LOGS/$NAME.log" 2>&1 &
)
# The pid (and process group) of node itself, written by the child.
for _ in $(seq 1 50); do [ -s "$TJ_LOGS/$NAME.pid" ] && break; sleep 0.1; done
wait_for_url "$NAME" "$BASE/.backstage/health/v1/readiness" 300
ready=0
for _ in $(seq 1 90); do
  if http_ok "$BASE/api/tenant-jobs/health"; then
    ready=1
    break
  fi
  sleep 2
done
[ "$ready" = 1 ] || {
  log "the tenant-jobs plugin did not become healthy; see $TJ_LOGS/$NAME.log"
  exit 1
}

# 5. alice's token, once the catalog knows her.
token=""
for _ in $(seq 1 60); do
  if answer="$(curl -sf -H "x-tenant-jobs-demo-user: alice" \
    "$BASE/api/auth/demo/refresh")"; then
    token="$(node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>console.log(JSON.parse(s).backstageIdentity.token))' <<<"$answer")"
    break
  fi
  sleep 2
done
[ -n "$token" ] || {
  log "no token for alice"
  exit 1
}

BENCH_BASE="$BASE" BENCH_TOKEN="$token" \
  BENCH_METRICS_URL="http://127.0.0.1:$METRICS_PORT/metrics" \
  BENCH_SINK_URL="$([ "${BENCH_PROFILE:-0}" = 1 ] && echo "http://127.0.0.1:$SINK_PORT" || true)" \
  BENCH_BACKEND_PID="$(cat "$TJ_LOGS/$NAME.pid")" \
  BENCH_SETUP="bundle from packages/backend/dist installed in $APP; node ${telemetry[*]} packages/backend; NODE_ENV=${BENCH_NODE_ENV:-production}; app-config.yaml + $db_config + app-config.bench.yaml ($DATABASE)" \
  node scripts/bench/submitBench.mjs
