#!/usr/bin/env bash
# The demo portal on the embedded defaults: backend on :7007, app on :3000.
set -euo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TJ_ROOT"
echo "[dev] app: http://localhost:3000  backend: http://localhost:7007" >&2
exec yarn backstage-cli repo start "$@"
