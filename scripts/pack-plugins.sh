#!/usr/bin/env bash
# Builds the five plugin packages and packs them as they would be
# published: `yarn pack` (workspace ranges become versions, publishConfig
# applies) into .local/packages/, then `npm publish --dry-run` on each
# tarball. Prints each package's files in short. Used by the adoption test
# (scripts/adoption-test.sh); run it alone before a release.
# Usage: scripts/pack-plugins.sh [--quiet]
set -euo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TJ_ROOT"

OUT="$TJ_ROOT/.local/packages"
PLUGINS=(tenant-jobs-common tenant-jobs-node tenant-jobs-backend
  scaffolder-backend-module-tenant-jobs tenant-jobs)
log() { echo "[pack] $*" >&2; }

rm -rf "$OUT"
mkdir -p "$OUT"

log "type declarations (yarn tsc)"
rm -rf dist-types
yarn tsc >&2
for plugin in "${PLUGINS[@]}"; do
  log "build plugins/$plugin"
  (cd "plugins/$plugin" && yarn backstage-cli package build >&2)
done

for plugin in "${PLUGINS[@]}"; do
  name="$(node -p "require('./plugins/$plugin/package.json').name")"
  log "pack $name"
  (cd "plugins/$plugin" && yarn pack --out "$OUT/%s-%v.tgz" >&2)
done

for tarball in "$OUT"/*.tgz; do
  log "npm publish --dry-run $(basename "$tarball")"
  # npm lists the tarball's files on stderr; keep the summary lines
  if ! report="$(npm publish --dry-run --access public "$tarball" 2>&1)"; then
    echo "$report" >&2
    log "npm publish --dry-run failed for $(basename "$tarball")"
    exit 1
  fi
  # The summary, and any warning npm has about the package
  echo "$report" | grep -E 'npm (warn|notice (name|version|filename|package size|unpacked size|total files):)' |
    sed 's/^npm notice /  /' >&2
done
ls "$OUT"/*.tgz
