#!/usr/bin/env bash
# Browser end-to-end tests: makes sure Chromium is there, starts the demo
# backend and app unless they already answer, runs the e2e suites with
# playwright-core, and stops what it started. Screenshots: artifacts/e2e/.
# Usage: scripts/e2e.sh [jest args...]
set -uo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TJ_ROOT"
# shellcheck source=scripts/lib/services.sh
. scripts/lib/services.sh

scripts/ensure-chromium.sh || exit 1

# shellcheck source=scripts/lib/clusters.sh
. scripts/lib/clusters.sh

started=()
cleanup() {
  for name in "${started[@]}"; do stop_service "$name"; done
  stop_started_clusters
}
trap cleanup EXIT

# The portal's backend runs tenant jobs on two local clusters, as `make dev
# CLUSTERS=2` does: initech-labs on the second (clusters.e2e stops it).
ensure_clusters tenant-jobs tenant-jobs-2 || exit 1
export TENANT_JOBS_KUBECONFIG_2="$TJ_ROOT/.local/cluster/tenant-jobs-2/kubeconfig"

if ! http_ok "$BACKEND_READY_URL"; then
  # A history of 10000 finished runs for one component, recorded at
  # startup (packages/backend/src/modules/demoRunHistory), so the Jobs tab
  # is measured against a big table.
  TENANT_JOBS_DEMO_HISTORY="${TENANT_JOBS_DEMO_HISTORY:-10000}" \
    start_service e2e-backend yarn workspace backend start \
    --config "$TJ_ROOT/app-config.yaml" \
    --config "$TJ_ROOT/app-config.two-clusters.yaml"
  started+=(e2e-backend)
fi
if ! http_ok "$APP_URL"; then
  # No browser of its own: the dev server only serves.
  BROWSER=none start_service e2e-app yarn workspace app start
  started+=(e2e-app)
fi
wait_for_url e2e-backend "$BACKEND_READY_URL" 300 || exit 1
wait_for_url e2e-app "$APP_URL" 600 || exit 1

# One suite at a time: they share the portal, its database and the cluster.
yarn backstage-cli repo test --watchAll=false --runInBand --testPathPatterns '\.e2e\.test\.' "$@"
