#!/usr/bin/env bash
# Integration suites against the real local cluster: starts (or reuses) it,
# then runs every *.integration.test.ts with its kubeconfig.
# Usage: scripts/integration.sh [jest args...]
set -uo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TJ_ROOT"
scripts/cluster/cluster.sh up || exit 1
yarn backstage-cli repo test --watchAll=false --testPathPatterns '\.integration\.test\.' "$@"
