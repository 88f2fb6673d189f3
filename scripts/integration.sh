#!/usr/bin/env bash
# Integration suites against the real local cluster: starts it (or reuses a
# running one), runs every *.integration.test.ts with its kubeconfig, and
# stops the cluster again if this run started it.
# Usage: scripts/integration.sh [jest args...]
set -uo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TJ_ROOT"

if ! scripts/cluster/cluster.sh status >/dev/null 2>&1; then
  scripts/cluster/cluster.sh up || exit 1
  trap 'scripts/cluster/cluster.sh down >/dev/null 2>&1 || true' EXIT
fi
# One suite at a time: they share the cluster, and the recovery suite kills
# and restarts its kube-apiserver on purpose.
yarn backstage-cli repo test --watchAll=false --runInBand \
  --testSequencer "$TJ_ROOT/scripts/jest/integrationSequencer.js" \
  --testPathPatterns '\.integration\.test\.' "$@"
