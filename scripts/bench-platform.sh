#!/usr/bin/env bash
# `yarn bench:platform`: the first page of the platform view with 10 tenants
# and 100000 runs in the database, timed in Chromium. Not part of
# `make test`. Prints a table; writes artifacts/bench/platform.json and
# artifacts/bench/platform-view-100k.png.
#
#  1. Refuses to run when something already answers on the backend's or
#     the app's port (7007, 3000): it measures only what it started.
#  2. The local cluster up (scripts/cluster), Debian's Chromium there.
#  3. The demo backend as scripts/e2e.sh starts it (`yarn workspace backend
#     start`, OpenTelemetry loaded), but on app-config.yaml +
#     app-config.dev-sqlite.yaml (SQLite files in a fresh
#     .local/bench-platform/sqlite, as `make dev` keeps them) +
#     app-config.bench-platform.yaml (seven more tenants from
#     examples/bench-org.yaml), with TENANT_JOBS_DEMO_HISTORY=100000 and
#     TENANT_JOBS_DEMO_HISTORY_TENANTS=all: 100000 finished runs spread over
#     the ten tenants, with their usage, recorded at startup. The app's dev
#     server as scripts/e2e.sh starts it.
#  4. Waits until the history is recorded and GET /admin/tenants lists the
#     ten tenants, counts the runs in the SQLite file, then runs
#     packages/e2e-tests/src/platform.bench.test.ts (signed in as dave).
#  5. Stops what it started (and the cluster, if it started it).
#
# Settings: BENCH_RUNS (default 100000, at most 100000), BENCH_SAMPLES
# (default 5), BENCH_KEEP=1 (leave the backend and app running afterwards,
# e.g. to EXPLAIN the queries on .local/bench-platform/sqlite).
# Extra arguments go to jest.
set -euo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TJ_ROOT"
# shellcheck source=scripts/lib/services.sh
. scripts/lib/services.sh

RUNS="${BENCH_RUNS:-100000}"
BACKEND_PORT=7007
BACKEND="http://127.0.0.1:$BACKEND_PORT"
WORK="$TJ_ROOT/.local/bench-platform"
SQLITE_DIR="$WORK/sqlite"
BACKEND_NAME=bench-platform-backend
APP_NAME=bench-platform-app
TENANTS=10
log() { echo "[bench:platform] $(date +%T) $*" >&2; }

# Anything at all that answers there (any status) is someone else's server.
answers() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$1" || true)" != 000 ]
}
for url in "$BACKEND" "http://localhost:$BACKEND_PORT" "$APP_URL"; do
  if answers "$url"; then
    log "something already answers at $url: stop it first (a dev server, an e2e run?)."
    log "This benchmark measures only a backend and app it starts itself, on ports $BACKEND_PORT and ${APP_URL##*:}."
    exit 1
  fi
done

scripts/ensure-chromium.sh

started=()
started_cluster=0
cleanup() {
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    log "BENCH_KEEP=1: the backend ($BACKEND) and app ($APP_URL) keep running;" \
      "stop them with: kill -TERM -- -\$(cat $TJ_LOGS/$BACKEND_NAME.pid) -\$(cat $TJ_LOGS/$APP_NAME.pid)"
    return
  fi
  for name in "${started[@]}"; do stop_service "$name"; done
  if [ "$started_cluster" = 1 ]; then
    scripts/cluster/cluster.sh down >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

if ! scripts/cluster/cluster.sh status >/dev/null 2>&1; then
  scripts/cluster/cluster.sh up >&2
  started_cluster=1
fi

rm -rf "$SQLITE_DIR"
mkdir -p "$SQLITE_DIR"
log "starting the backend (SQLite in $SQLITE_DIR, $RUNS runs over every tenant) and the app"
TENANT_JOBS_DEV_SQLITE_DIR="$SQLITE_DIR" \
  TENANT_JOBS_DEMO_HISTORY="$RUNS" \
  TENANT_JOBS_DEMO_HISTORY_TENANTS=all \
  start_service "$BACKEND_NAME" yarn workspace backend start \
  --config "$TJ_ROOT/app-config.yaml" \
  --config "$TJ_ROOT/app-config.dev-sqlite.yaml" \
  --config "$TJ_ROOT/app-config.bench-platform.yaml"
started+=("$BACKEND_NAME")
# No browser of its own: the dev server only serves.
BROWSER=none start_service "$APP_NAME" yarn workspace app start
started+=("$APP_NAME")
wait_for_url "$BACKEND_NAME" "$BACKEND/.backstage/health/v1/readiness" 600
wait_for_url "$APP_NAME" "$APP_URL" 900
# The dev server answers before its first build is done.
waited=0
until grep -q 'compiled successfully' "$TJ_LOGS/$APP_NAME.log"; do
  [ "$waited" -lt 900 ] || {
    log "the app's dev server did not finish its first build in ${waited}s; see $TJ_LOGS/$APP_NAME.log"
    exit 1
  }
  sleep 2
  waited=$((waited + 2))
done

# The history is recorded by a startup hook: wait for its log line.
waited=0
until grep -q 'demo history of .* finished runs\|demo history of runs is recorded already' \
  "$TJ_LOGS/$BACKEND_NAME.log"; do
  if grep -q 'Could not record the demo history' "$TJ_LOGS/$BACKEND_NAME.log"; then
    grep 'Could not record the demo history' "$TJ_LOGS/$BACKEND_NAME.log" >&2
    exit 1
  fi
  [ "$waited" -lt 900 ] || {
    log "no demo history after ${waited}s; see $TJ_LOGS/$BACKEND_NAME.log"
    exit 1
  }
  sleep 2
  waited=$((waited + 2))
done
grep -o 'Recorded a demo history of [^"]*' "$TJ_LOGS/$BACKEND_NAME.log" | head -1 >&2 || true

# dave's token, then the ten tenants once the catalog has read bench-org.yaml.
token=""
tenants=0
for _ in $(seq 1 150); do
  if [ -z "$token" ] && answer="$(curl -sf -H "x-tenant-jobs-demo-user: dave" \
    "$BACKEND/api/auth/demo/refresh")"; then
    token="$(node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>console.log(JSON.parse(s).backstageIdentity.token))' <<<"$answer")"
  fi
  if [ -n "$token" ]; then
    tenants="$(curl -sf -H "authorization: Bearer $token" "$BACKEND/api/tenant-jobs/admin/tenants" |
      node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>{try{console.log(JSON.parse(s).items.length)}catch{console.log(0)}})' || true)"
    [ "$tenants" = "$TENANTS" ] && break
  fi
  sleep 2
done
[ "$tenants" = "$TENANTS" ] || {
  log "GET /admin/tenants lists $tenants tenants, not $TENANTS; see $TJ_LOGS/$BACKEND_NAME.log"
  exit 1
}

# The runs in the database, from the SQLite file itself.
counts="$(cd packages/backend && node -e '
  const Database = require("better-sqlite3");
  const db = new Database(process.argv[1], { readonly: true, fileMustExist: true });
  const total = db.prepare("select count(*) as n from tenant_jobs_runs").get().n;
  const by = db.prepare("select tenant_id, count(*) as n from tenant_jobs_runs group by tenant_id order by tenant_id").all();
  console.log(total);
  console.log(by.map(r => `${r.tenant_id} ${r.n}`).join(", "));
' "$SQLITE_DIR/tenant-jobs.sqlite")"
db_runs="$(head -1 <<<"$counts")"
db_by_tenant="$(tail -1 <<<"$counts")"
log "tenant_jobs_runs: $db_runs rows ($db_by_tenant)"

BENCH_BACKEND_URL="http://localhost:$BACKEND_PORT" \
  BENCH_DB_RUNS="$db_runs" \
  BENCH_DB_RUNS_BY_TENANT="$db_by_tenant" \
  BENCH_TENANTS="$TENANTS" \
  BENCH_SETUP="yarn workspace backend start (backstage-cli, OpenTelemetry loaded) on app-config.yaml + app-config.dev-sqlite.yaml + app-config.bench-platform.yaml (SQLite files); yarn workspace app start (dev server); headless /usr/bin/chromium, 1440x1000" \
  yarn backstage-cli repo test --watchAll=false --testPathPatterns platform.bench "$@"
