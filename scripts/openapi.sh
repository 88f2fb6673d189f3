#!/usr/bin/env bash
# The code generated from the REST API's OpenAPI description,
# plugins/tenant-jobs-backend/src/schema/openapi.yaml, with Backstage's
# repo-tools (`package schema openapi generate`):
#   - the backend's typed router, src/schema/openapi/generated/router.ts
#     (createOpenApiRouter) with its request and response types;
#   - the client, DefaultApiClient, in tenant-jobs-common's
#     src/schema/openapi/generated, for the frontend and the scaffolder module.
#
#   scripts/openapi.sh          lint the spec and regenerate both (yarn build:openapi)
#   scripts/openapi.sh --check  lint the spec and fail when the generated code is not
#                               what it gives, leaving the files as they were
#                               (yarn check:openapi)
#
# The generator is openapi-generator (Java). Its jar, at the version
# repo-tools pins, is fetched from Maven Central with mvn into the local
# Maven repository and handed to the generator's npm wrapper, which would
# otherwise download it itself. Java and Maven come from Debian's packages.
set -euo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TJ_ROOT"

SPEC_PACKAGE=plugins/tenant-jobs-backend
CLIENT_PACKAGE=plugins/tenant-jobs-common
GENERATED=("$SPEC_PACKAGE/src/schema/openapi" "$CLIENT_PACKAGE/src/schema/openapi")

log() { printf '[openapi] %s\n' "$*" >&2; }

ensure_debian_package() {
  local command="$1" package="$2"
  command -v "$command" >/dev/null && return 0
  if [ "$(id -u)" != 0 ]; then
    log "$command is missing: run 'sudo apt-get install -y $package'"
    exit 1
  fi
  log "installing Debian's $package package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "$package" >/dev/null
}

ensure_generator() {
  local version wrapper jar
  version="$(node -p 'require("@backstage/repo-tools/openapitools.json")["generator-cli"].version')"
  wrapper="$(node -p 'require("path").dirname(require.resolve("@openapitools/openapi-generator-cli/package.json"))')"
  jar="$wrapper/versions/$version.jar"
  ensure_debian_package java default-jre-headless
  [ -s "$jar" ] && return 0
  ensure_debian_package mvn maven
  log "fetching openapi-generator-cli $version with mvn"
  mkdir -p "$wrapper/versions"
  mvn -q -B dependency:copy \
    "-Dartifact=org.openapitools:openapi-generator-cli:$version:jar" \
    "-DoutputDirectory=$wrapper/versions" >&2
  mv "$wrapper/versions/openapi-generator-cli-$version.jar" "$jar"
}

generate() {
  local output
  # repo-tools reports a failed generation but exits 0: read what it says.
  output="$(cd "$SPEC_PACKAGE" && yarn run -T backstage-repo-tools \
    package schema openapi generate --server --client-package "$CLIENT_PACKAGE" 2>&1)" || {
    printf '%s\n' "$output" >&2
    return 1
  }
  printf '%s\n' "$output" >&2
  if grep -qi 'failed' <<<"$output" ||
    [ ! -f "$SPEC_PACKAGE/src/schema/openapi/generated/router.ts" ] ||
    [ ! -f "$CLIENT_PACKAGE/src/schema/openapi/generated/apis/Api.client.ts" ]; then
    log "generation failed"
    return 1
  fi
  # The generator escapes the query parameter `from` of GET /runs and GET
  # /stats as `_from` (a reserved word in its TypeScript templates), so the
  # request types would name a parameter the API does not have and the
  # client would never send it. `from` is a valid property name: keep it.
  sed -i -E 's/\b_from(\??:)/from\1/; s/@param _from -/@param from -/' \
    "$SPEC_PACKAGE/src/schema/openapi/generated/apis/Api.server.ts" \
    "$CLIENT_PACKAGE/src/schema/openapi/generated/apis/Api.client.ts"
  if grep -rq '_from' "${GENERATED[@]}"; then
    log "the generated code still names '_from'"
    return 1
  fi
}

# Backstage's rules for OpenAPI descriptions (Spectral), as its own repo lints them.
lint_spec() {
  yarn backstage-repo-tools repo schema openapi lint "$SPEC_PACKAGE" >&2 || {
    log "$SPEC_PACKAGE/src/schema/openapi.yaml breaks Backstage's OpenAPI rules (above)"
    return 1
  }
}

ensure_generator

if [ "${1:-}" != --check ]; then
  lint_spec
  generate
  log "generated ${GENERATED[*]}"
  exit 0
fi

# --check: lint, regenerate, compare with what was there, and put that back.
lint_spec
snapshot="$(mktemp -d)"
restore() {
  for dir in "${GENERATED[@]}"; do
    rm -rf "$dir"
    if [ -d "$snapshot/$dir" ]; then
      mkdir -p "$(dirname "$dir")"
      cp -a "$snapshot/$dir" "$dir"
    fi
  done
  rm -rf "$snapshot"
}
for dir in "${GENERATED[@]}"; do
  if [ -d "$dir" ]; then
    mkdir -p "$snapshot/$(dirname "$dir")"
    cp -a "$dir" "$snapshot/$dir"
  fi
done
trap restore EXIT
generate >/dev/null 2>&1 || {
  log "the generation failed; run 'yarn build:openapi' to see why"
  exit 1
}
stale=0
for dir in "${GENERATED[@]}"; do
  if ! diff -r -q "$snapshot/$dir" "$dir" >&2; then stale=1; fi
done
if [ "$stale" = 1 ]; then
  log "the generated OpenAPI code is not what $SPEC_PACKAGE/src/schema/openapi.yaml gives:"
  log "run 'yarn build:openapi' and commit the changes"
  exit 1
fi
log "the generated OpenAPI code matches $SPEC_PACKAGE/src/schema/openapi.yaml"
