#!/usr/bin/env bash
# Checks that the demo keeps what the Jobs tab shows through a restart, as
# `make dev` runs it: the demo backend on app-config.yaml plus
# app-config.dev-sqlite.yaml (SQLite files on disk), on its own port and a
# fresh directory. alice launches runs from Acme Warehouse ETL; the backend
# is killed with SIGKILL and started again on the same files; the runs the
# component's Jobs tab lists (GET /runs?entityRef=...) must be the same,
# with the same submitter, parameters, entity and tier. Part of `make test`.
set -uo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TJ_ROOT"
# shellcheck source=scripts/lib/services.sh
. scripts/lib/services.sh

PORT="${TENANT_JOBS_DEV_CHECK_PORT:-7117}"
BASE="http://127.0.0.1:$PORT"
ENTITY='component:default/acme-warehouse-etl'
DIR="$TJ_ROOT/.local/dev-check/sqlite"
NAME=dev-check-backend

started_cluster=0
cleanup() {
  stop_service "$NAME"
  if [ "$started_cluster" = 1 ]; then
    scripts/cluster/cluster.sh down >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
fail() {
  echo "[dev-check] FAILED: $*" >&2
  exit 1
}

if ! scripts/cluster/cluster.sh status >/dev/null 2>&1; then
  scripts/cluster/cluster.sh up >&2 || fail "the local cluster did not start"
  started_cluster=1
fi
rm -rf "$DIR"
mkdir -p "$DIR"

start_backend() {
  ! http_ok "$BASE/.backstage/health/v1/readiness" ||
    fail "something already answers on port $PORT; set TENANT_JOBS_DEV_CHECK_PORT"

  # As make dev starts it (scripts/dev.sh), on another port, without the
  # metrics endpoint another backend may hold.
  TENANT_JOBS_DEV_SQLITE_DIR="$DIR" \
    APP_CONFIG_backend_listen_port="$PORT" \
    APP_CONFIG_backend_baseUrl="$BASE" \
    TENANT_JOBS_TELEMETRY=off \
    start_service "$NAME" yarn workspace backend start \
    --config ../../app-config.yaml --config ../../app-config.dev-sqlite.yaml
  # Killed on purpose below: no job report from this shell.
  disown
  wait_for_url "$NAME" "$BASE/.backstage/health/v1/readiness" 300 ||
    fail "the backend did not start"
  # The plugin is ready once it reads tenants from the catalog.
  for _ in $(seq 1 60); do
    http_ok "$BASE/api/tenant-jobs/health" && return 0
    sleep 2
  done
  fail "the tenant-jobs plugin did not become healthy"
}

# token USER : a demo user's token, once the catalog knows the user.
token() {
  local answer
  for _ in $(seq 1 60); do
    if answer="$(curl -sf -H "x-tenant-jobs-demo-user: $1" \
      "$BASE/api/auth/demo/refresh")"; then
      echo "$answer" | json 'd.backstageIdentity.token'
      return 0
    fi
    sleep 2
  done
  return 1
}

# The Jobs tab's first page of the component: id, status-independent fields.
jobs_tab() {
  curl -sf -G -H "Authorization: Bearer $1" \
    --data-urlencode "entityRef=$ENTITY" --data-urlencode 'limit=50' \
    "$BASE/api/tenant-jobs/runs" |
    json 'JSON.stringify(d.items.map(r=>({id:r.id,submittedBy:r.submittedBy,entityRef:r.entityRef,tier:r.tier,parameters:r.parameters,createdAt:r.createdAt})))'
}

start_backend
TOKEN="$(token alice)" || fail "no token for alice"
[ -n "$TOKEN" ] || fail "no token for alice"
for source in events-db orders-db clicks-db; do
  body="$(node -e 'console.log(JSON.stringify({tenantId:"acme-analytics",jobType:"data-etl",tier:"small",entityRef:process.argv[1],parameters:{source:process.argv[2],destination:"warehouse"}}))' "$ENTITY" "$source")"
  status="$(curl -s -o /dev/null -w '%{http_code}' -X POST \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "$body" "$BASE/api/tenant-jobs/runs")"
  [ "$status" = 201 ] || fail "launching a data ETL from $source answered $status"
done
before="$(jobs_tab "$TOKEN")" || fail "the Jobs tab could not be read"
count="$(echo "$before" | json 'd.length')"
[ "$count" = 3 ] || fail "the Jobs tab lists $count runs before the restart, not 3"

# Killed as a crash would: no shutdown hooks.
pid="$(cat "$TJ_LOGS/$NAME.pid")"
kill -KILL -- "-$pid" 2>/dev/null
rm -f "$TJ_LOGS/$NAME.pid"
for _ in $(seq 1 20); do
  http_ok "$BASE/.backstage/health/v1/readiness" || break
  sleep 0.5
done
start_backend
TOKEN="$(token alice)" || fail "no token for alice after the restart"
after="$(jobs_tab "$TOKEN")" || fail "the Jobs tab could not be read after the restart"
[ "$after" = "$before" ] ||
  fail "the Jobs tab changed through the restart: before $before, after $after"
echo "[dev-check] the Jobs tab of $ENTITY lists the same $count runs after a SIGKILL and restart, from $(ls "$DIR" | tr '\n' ' ')"
