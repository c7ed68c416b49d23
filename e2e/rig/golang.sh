#!/usr/bin/env bash
# The rig's stand-in for Docker Hub's golang:latest (unreachable here): Debian bookworm's Go toolchain
# (golang-1.19-go, golang-1.19-src) and make, with their libc, on the rig's busybox base, for linux/amd64, linux/arm64
# and linux/arm/v7, pushed to the rig registry. Laid out like the official image (GOPATH=/go, WORKDIR /go,
# /usr/local/go, /go/bin first on PATH), so a Dockerfile written for golang:latest reads the same here.
#
# GO111MODULE=auto is set on purpose: the classic cross-build example predates Go modules and builds a
# folder without go.mod, which Go >= 1.16 refuses ("go.mod file not found") unless GO111MODULE=auto.
# With auto, a folder that has a go.mod still builds in module mode, so both kinds can be tested.
#
# Idempotent: skipped when the registry already holds the image of this recipe (a tag named after the hash
# of this file). Run alone (`bash e2e/rig/golang.sh`) or by the e2e global setup; either way after setup.sh's
# registry and base image exist. The private apt is setup.sh's own, sourced for its helpers.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
GO_PACKAGE=golang-1.19

# setup.sh's helpers (log, die, private_apt, apt_download, standin_*): one private apt for the whole rig.
# shellcheck source=setup.sh
source "$HERE/setup.sh" # also RIG_DIR, REGISTRY, BASE_IMAGE and PLATFORMS
GOLANG_IMAGE="$REGISTRY/crossbake/golang"

RECIPE=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)

push_golang_image() {
  standin_current "$GOLANG_IMAGE" "$RECIPE" && return 0
  docker buildx imagetools inspect "$BASE_IMAGE" >/dev/null 2>&1 || die "$BASE_IMAGE is missing: run e2e/rig/setup.sh first"
  log "building $GOLANG_IMAGE:latest ($GO_PACKAGE from bookworm) for $PLATFORMS"
  private_apt
  local ctx="$RIG_DIR/golang" debs="$RIG_DIR/apt/debs" arch
  rm -rf "$ctx" && mkdir -p "$ctx/src"
  apt_download "$GO_PACKAGE-src/bookworm"
  dpkg -x "$(ls "$debs/$GO_PACKAGE-src_"*_all.deb | tail -n1)" "$ctx/src"
  for arch in amd64 arm64 armhf; do
    # make too, as the official image installs it: Dockerfiles build with `RUN make`.
    apt_download "$GO_PACKAGE-go:$arch/bookworm" "libc6:$arch/bookworm" "make:$arch/bookworm"
    mkdir -p "$ctx/$arch"
    dpkg -x "$(ls "$debs/$GO_PACKAGE-go_"*_"$arch".deb | tail -n1)" "$ctx/$arch"
    dpkg -x "$(ls "$debs"/libc6_*_"$arch".deb | tail -n1)" "$ctx/$arch"
    dpkg -x "$(ls "$debs"/make_*_"$arch".deb | tail -n1)" "$ctx/$arch"
    mkdir -p "$ctx/$arch/usr/local" && ln -sfn "/usr/lib/go-${GO_PACKAGE#golang-}" "$ctx/$arch/usr/local/go"
    rm -rf "$ctx/$arch/usr/share/doc" "$ctx/$arch/usr/share/lintian" "$ctx/$arch/usr/share/man"
    # Like golang:latest (Go >= 1.20 ships no precompiled standard library): every build compiles the
    # packages it imports. Debian's Go 1.19 would otherwise hand an emulated build precompiled archives
    # that a cross-compile cannot use, which no build from the real image sees.
    rm -rf "$ctx/$arch/usr/lib/go-${GO_PACKAGE#golang-}/pkg/linux_"*
  done
  ln -sfn armhf "$ctx/armv7"
  cat >"$ctx/Dockerfile" <<EOF
FROM $BASE_IMAGE
ARG TARGETARCH
ARG TARGETVARIANT
# The sources are the same for every platform: one shared layer.
COPY src/ /
COPY \${TARGETARCH}\${TARGETVARIANT}/ /
ENV GOPATH=/go
ENV PATH=/go/bin:/usr/local/go/bin:/usr/bin:/bin
ENV GO111MODULE=auto
WORKDIR /go
EOF
  standin_push "$GOLANG_IMAGE" "$RECIPE" "$ctx"
}

mkdir -p "$RIG_DIR"
push_golang_image
