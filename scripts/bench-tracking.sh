#!/usr/bin/env bash
# `yarn bench:tracking`: the tracking benchmark against the local cluster,
# with SQLite and the throwaway PostgreSQL. Not part of `make test`.
# Prints a table; writes artifacts/bench/tracking.json.
set -euo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TJ_ROOT"
scripts/cluster/cluster.sh up >&2
pg_env="$(scripts/ensure-postgres.sh)"
eval "$pg_env"
cd plugins/tenant-jobs-backend
exec yarn backstage-cli package test --watchAll=false --runInBand \
  --testPathPatterns '\.bench\.test\.' --testPathIgnorePatterns '/node_modules/' "$@"
