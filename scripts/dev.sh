#!/usr/bin/env bash
# The demo portal on the embedded defaults: the local Kubernetes (built on
# first use, then reused; `make cluster-down` stops it), the backend on
# :7007 and the app on :3000.
set -euo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TJ_ROOT"
scripts/cluster/cluster.sh up
echo "[dev] app: http://localhost:3000  backend: http://localhost:7007  kubeconfig: $TENANT_JOBS_KUBECONFIG" >&2
# OpenTelemetry first (packages/backend/src/instrumentation.js): metrics on
# http://127.0.0.1:9464/metrics, traces when OTEL_EXPORTER_OTLP_ENDPOINT is set.
exec yarn backstage-cli repo start --require ./src/instrumentation.js "$@"
