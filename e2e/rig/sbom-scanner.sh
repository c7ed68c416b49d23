#!/usr/bin/env bash
# The rig's stand-in for BuildKit's SBOM scanner, docker/buildkit-syft-scanner:stable-1 (Docker Hub, unreachable
# here): sbom-scanner/scan.sh on the rig's busybox, pushed to the rig registry as
# $REGISTRY/docker/buildkit-syft-scanner:stable-1, where a builder whose buildkitd.toml names the rig registry as
# Docker Hub's mirror (setup option `registry-mirrors`) finds it for `sbom: true`. BuildKit runs the scanner on
# its worker's own platform; it is built for every rig platform all the same.
#
# Idempotent: skipped when the registry already holds the image of this recipe (a hash of this file and the
# scanner). Run alone or by the e2e global setup, after setup.sh's registry and base image exist.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=setup.sh
source "$HERE/setup.sh" # log, die, standin_*; RIG_DIR, REGISTRY, BASE_IMAGE and PLATFORMS
SCANNER_IMAGE="$REGISTRY/docker/buildkit-syft-scanner"
RECIPE=$(cat "${BASH_SOURCE[0]}" "$HERE/sbom-scanner/scan.sh" | sha256sum | cut -c1-12)

push_scanner_image() {
  if standin_current "$SCANNER_IMAGE" "$RECIPE" && docker buildx imagetools inspect "$SCANNER_IMAGE:stable-1" >/dev/null 2>&1; then return 0; fi
  docker buildx imagetools inspect "$BASE_IMAGE" >/dev/null 2>&1 || die "$BASE_IMAGE is missing: run e2e/rig/setup.sh first"
  local ctx="$RIG_DIR/sbom-scanner"
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp "$HERE/sbom-scanner/scan.sh" "$ctx/scan.sh"
  cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM $BASE_IMAGE
COPY scan.sh /scan.sh
ENTRYPOINT ["/bin/sh", "/scan.sh"]
DOCKERFILE
  standin_push "$SCANNER_IMAGE" "$RECIPE" "$ctx"
  docker buildx imagetools create -t "$SCANNER_IMAGE:stable-1" "$SCANNER_IMAGE:latest" >/dev/null 2>&1 \
    || die "could not tag $SCANNER_IMAGE:stable-1"
}

mkdir -p "$RIG_DIR"
push_scanner_image
