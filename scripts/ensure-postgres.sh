#!/usr/bin/env bash
# Starts (or reuses) a throwaway PostgreSQL from Debian's packages on
# 127.0.0.1 for the store tests, and prints the environment that points
# Backstage's TestDatabases at it:
#   eval "$(scripts/ensure-postgres.sh)"
# Data lives in .local/postgres; `scripts/ensure-postgres.sh stop` stops it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${TENANT_JOBS_TEST_PG_PORT:-55432}"
DIR="$ROOT/.local/postgres"

pg_bin() { find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1; }

BIN="$(pg_bin)"
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "[postgres] not installed: run 'sudo apt-get install -y postgresql'" >&2
    exit 1
  fi
  echo "[postgres] installing Debian's postgresql package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  BIN="$(pg_bin)"
fi
MAJOR="$("$BIN/postgres" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')"

# PostgreSQL refuses to run as root: run it as the package's own user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = stop ]; then
  [ -f "$DIR/data/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null || true
  exit 0
fi

if ! as_pg "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR"
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 >"$DIR/initdb.log" 2>&1
  fi
  as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $PORT -k $DIR" start >/dev/null
  echo "[postgres] PostgreSQL $MAJOR started on 127.0.0.1:$PORT" >&2
fi
echo "export TENANT_JOBS_TEST_PG_MAJOR=$MAJOR"
echo "export BACKSTAGE_TEST_DATABASE_POSTGRES${MAJOR}_CONNECTION_STRING=postgresql://postgres@127.0.0.1:$PORT"
