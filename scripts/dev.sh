#!/usr/bin/env bash
# The demo portal on the embedded defaults: the local Kubernetes (built on
# first use, then reused; `make cluster-down` stops it), the backend on
# :7007 and the app on :3000, its state kept on disk (see DATABASE below).
# `scripts/dev.sh reset` (make dev-reset) stops the cluster and forgets it.
set -euo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TJ_ROOT"

# Where the demo keeps its state: DATABASE=sqlite (default, files under
# .local/dev/sqlite), postgres (the tests' throwaway server) or memory
# (nothing kept). `make dev-reset` (scripts/dev.sh reset) forgets it.
DATABASE="${DATABASE:-sqlite}"
SQLITE_DIR="$TJ_ROOT/.local/dev/sqlite"
PG_PREFIX=tenant_jobs_dev_

postgres_url() {
  scripts/ensure-postgres.sh >/dev/null
  echo "postgresql://postgres@127.0.0.1:${TENANT_JOBS_TEST_PG_PORT:-55432}"
}

if [ "${1:-}" = reset ]; then
  scripts/cluster/cluster.sh --all down
  rm -rf "$SQLITE_DIR"
  echo "[dev] removed $SQLITE_DIR" >&2
  pg_bin="$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1)"
  port="${TENANT_JOBS_TEST_PG_PORT:-55432}"
  if [ -n "$pg_bin" ] && "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
    for db in $("$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -Atc \
      "SELECT datname FROM pg_database WHERE datname LIKE '${PG_PREFIX}%'"); do
      "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "DROP DATABASE \"$db\"" >/dev/null
      echo "[dev] dropped the PostgreSQL database $db" >&2
    done
  fi
  exit 0
fi

config=(--config "$TJ_ROOT/app-config.yaml")
case "$DATABASE" in
  sqlite)
    mkdir -p "$SQLITE_DIR"
    export TENANT_JOBS_DEV_SQLITE_DIR="$SQLITE_DIR"
    config+=(--config "$TJ_ROOT/app-config.dev-sqlite.yaml")
    where="SQLite files in $SQLITE_DIR"
    ;;
  postgres)
    TENANT_JOBS_DEV_POSTGRES_URL="$(postgres_url)"
    export TENANT_JOBS_DEV_POSTGRES_URL
    config+=(--config "$TJ_ROOT/app-config.dev-postgres.yaml")
    where="PostgreSQL databases ${PG_PREFIX}* at $TENANT_JOBS_DEV_POSTGRES_URL"
    ;;
  memory) where="memory (nothing is kept)" ;;
  *)
    echo "[dev] DATABASE must be sqlite, postgres or memory, not '$DATABASE'" >&2
    exit 2
    ;;
esac

# CLUSTERS=2: a second local cluster, tenant-jobs-2, and the demo tenant
# initech-labs pinned to it (app-config.two-clusters.yaml); one by default.
# With MULTIKUEUE=true the second is instead the first's MultiKueue worker
# (app-config.multikueue.yaml).
CLUSTERS="${CLUSTERS:-1}"
if [ "${MULTIKUEUE:-false}" = true ] && [ "$CLUSTERS" != 2 ]; then
  echo "[dev] MULTIKUEUE=true needs a worker cluster: add CLUSTERS=2" >&2
  exit 2
fi
case "$CLUSTERS" in
  1) scripts/cluster/cluster.sh up ;;
  2)
    scripts/cluster/cluster.sh --clusters 2 up
    TENANT_JOBS_KUBECONFIG_2="$TJ_ROOT/.local/cluster/tenant-jobs-2/kubeconfig"
    export TENANT_JOBS_KUBECONFIG_2
    if [ "${MULTIKUEUE:-false}" = true ]; then
      # Kueue on both (built once, cached), the first dispatching to the second.
      scripts/cluster/cluster.sh multikueue-up tenant-jobs-2
      config+=(--config "$TJ_ROOT/app-config.multikueue.yaml")
      echo "[dev] MultiKueue: every tenant on local, their Jobs run on the worker local-2" >&2
    else
      config+=(--config "$TJ_ROOT/app-config.two-clusters.yaml")
      echo "[dev] initech-labs runs on the second cluster, local-2 (kubeconfig: $TENANT_JOBS_KUBECONFIG_2)" >&2
    fi
    ;;
  *)
    echo "[dev] CLUSTERS must be 1 or 2, not '$CLUSTERS'" >&2
    exit 2
    ;;
esac
echo "[dev] app: http://localhost:3000  backend: http://localhost:7007  kubeconfig: $TENANT_JOBS_KUBECONFIG" >&2
echo "[dev] state: $where; 'make dev-reset' starts clean" >&2
# OpenTelemetry first (packages/backend/src/instrumentation.js): metrics on
# http://127.0.0.1:9464/metrics, traces when OTEL_EXPORTER_OTLP_ENDPOINT is set.
exec yarn backstage-cli repo start "${config[@]}" --require ./src/instrumentation.js "$@"
