#!/usr/bin/env bash
# `yarn bench:simulation`: the tracker against a stub apiserver (no control
# plane), at 10,000 and 100,000 active runs by default. Not part of
# `make test`. Prints a table; writes artifacts/bench/simulation.json.
# Sizes and rates: BENCH_SIM_SIZES, BENCH_SIM_RATES, BENCH_SIM_SECONDS.
set -euo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TJ_ROOT/plugins/tenant-jobs-backend"
# --expose-gc: heap per tracked run is measured after a collection
NODE_OPTIONS="${NODE_OPTIONS:-} --expose-gc" exec yarn backstage-cli package test \
  --watchAll=false --runInBand --testPathPatterns 'trackingSimulation\.bench\.test\.' \
  --testPathIgnorePatterns '/node_modules/' "$@"
