#!/usr/bin/env bash
# Brings up the real rig the e2e suite and the example need, from nothing, and is safe to run again:
#   Docker engine (containerd image store) + buildx, QEMU in binfmt_misc, a registry on 127.0.0.1:5000,
#   a small multi-platform base image (busybox) pushed to that registry, and BuildKit's image for the
#   docker-container and remote drivers (buildkit.sh image; the e2e suite starts its daemons with
#   buildkit.sh start).
#
# Where a Docker engine with buildx already answers (Docker Desktop, a CI runner), it is used as it is and
# only the registry and base image are added. On a bare Debian machine (root) the engine comes from
# Debian's packages: dockerd/containerd/buildx from sid, unpacked into a private prefix (never installed
# system-wide, which would pull sid's libc), everything else from the system's own suite.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RIG_DIR=${CROSSBAKE_RIG_DIR:-/var/lib/crossbake-rig}
REGISTRY=${CROSSBAKE_REGISTRY:-127.0.0.1:5000}
# A second registry that requires a login (htpasswd), for the registry-login e2e tests.
AUTH_REGISTRY=${CROSSBAKE_AUTH_REGISTRY:-127.0.0.1:5001}
BASE_IMAGE="$REGISTRY/crossbake/busybox:1"
BINFMT_IMAGE="$REGISTRY/crossbake/binfmt:qemu-7.2-1"
PREFIX="$RIG_DIR/prefix"
PLATFORMS=linux/amd64,linux/arm64,linux/arm/v7

log() { printf '[rig] %s\n' "$*" >&2; }
die() { printf '[rig] error: %s\n' "$*" >&2; exit 1; }

engine_ready() { docker info >/dev/null 2>&1 && docker buildx version >/dev/null 2>&1; }
registry_ready() { curl -fsS "http://$REGISTRY/v2/" >/dev/null 2>&1; }

wait_for() { # wait_for <seconds> <what> <command...>
  local secs=$1 what=$2; shift 2
  for ((i = 0; i < secs * 2; i++)); do "$@" && return 0; sleep 0.5; done
  die "$what did not come up within ${secs}s"
}

# The system's Debian mirror, read from its apt configuration, so nothing here names a host.
debian_mirror() {
  local uri
  uri=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v -- '-security' | head -n1 || true)
  [ -n "$uri" ] || uri=$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | head -n1 || true)
  [ -n "$uri" ] || die "no Debian mirror found in /etc/apt"
  echo "$uri"
}

# A private apt (own sources, lists and cache) used only for `apt-get download`: sid's engine packages and
# busybox for foreign architectures, without touching the system's sources or dpkg architectures.
private_apt() {
  local dir="$RIG_DIR/apt" mirror
  mirror=$(debian_mirror)
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/debs"
  cat >"$dir/sources.list" <<EOF
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main
deb [arch=amd64,arm64,armhf signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bookworm main
EOF
  APT=(apt-get -q -o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache"
    -o APT::Sandbox::User=root -o APT::Architectures::=amd64 -o APT::Architectures::=arm64 -o APT::Architectures::=armhf)
  if [ ! -f "$dir/.updated" ]; then
    "${APT[@]}" update >"$dir/update.log" 2>&1 || { cat "$dir/update.log" >&2; die "private apt update failed"; }
    touch "$dir/.updated"
  fi
}

apt_download() { # apt_download <package[:arch]>... into $RIG_DIR/apt/debs
  (cd "$RIG_DIR/apt/debs" && "${APT[@]}" download "$@" >/dev/null)
}

# The stand-in images (golang.sh, node-image.sh) are current when the registry holds the tag of their recipe
# (a hash of the script that builds them).
standin_current() { # standin_current <image> <recipe>
  docker buildx imagetools inspect "$1:recipe-$2" >/dev/null 2>&1 && docker buildx imagetools inspect "$1:latest" >/dev/null 2>&1
}

standin_push() { # standin_push <image> <recipe> <context folder>: built for $PLATFORMS, pushed as :latest and :recipe-<recipe>
  local log_file="$RIG_DIR/$(basename "$1")-build.log"
  docker buildx build --platform "$PLATFORMS" -t "$1:latest" -t "$1:recipe-$2" --push "$3" >"$log_file" 2>&1 \
    || { tail -n 30 "$log_file" >&2; die "building the stand-in $1 failed"; }
  log "pushed $1:latest ($(docker buildx imagetools inspect "$1:latest" --format '{{json .Manifest.Digest}}'))"
}

# cosign, for signing what the e2e suite pushes (issue #22): sid's package (bookworm has none) unpacked into a
# prefix of its own, as the engine is, never installed. Lists fetched on an earlier day may name a version sid
# has since replaced: the lists are fetched again once before giving up.
install_cosign() {
  local bin="$RIG_DIR/cosign/usr/bin/cosign" deb
  if [ ! -x "$bin" ]; then
    log "fetching cosign from sid into $RIG_DIR/cosign"
    private_apt
    apt_download cosign 2>/dev/null || { rm -f "$RIG_DIR/apt/.updated"; private_apt; apt_download cosign; } || die "could not download cosign from sid"
    deb=$(ls "$RIG_DIR"/apt/debs/cosign_*.deb | tail -n1)
    mkdir -p "$RIG_DIR/cosign"
    dpkg -x "$deb" "$RIG_DIR/cosign"
    dpkg-deb -f "$deb" Version >"$RIG_DIR/cosign/VERSION"
  fi
  # `cosign version` says "devel" in Debian's build: the package's version is the one recorded.
  "$bin" version >/dev/null 2>&1 || die "cosign from sid does not run here ($bin version failed)"
}

install_system_packages() {
  local missing=()
  for p in runc tini iptables qemu-user-static binfmt-support docker-registry curl apache2-utils openssh-client zstd openssl; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get -q update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

install_engine() {
  [ "$(id -u)" = 0 ] || die "no Docker engine answers and installing one needs root"
  install_system_packages
  if [ ! -x "$PREFIX/usr/sbin/dockerd" ]; then
    log "fetching docker.io, containerd, docker-buildx and docker-cli from sid into $PREFIX"
    private_apt
    apt_download docker.io containerd docker-buildx docker-cli
    mkdir -p "$PREFIX"
    for deb in "$RIG_DIR"/apt/debs/{docker.io,containerd,docker-buildx,docker-cli}_*.deb; do dpkg -x "$deb" "$PREFIX"; done
  fi
  # The CLI finds buildx in a standard plugin folder; a machine without a docker CLI gets sid's.
  mkdir -p /usr/local/lib/docker/cli-plugins
  ln -sf "$PREFIX/usr/libexec/docker/cli-plugins/docker-buildx" /usr/local/lib/docker/cli-plugins/docker-buildx
  command -v docker >/dev/null || ln -sf "$PREFIX/usr/bin/docker" /usr/local/bin/docker

  mkdir -p "$RIG_DIR/docker" "$RIG_DIR/exec"
  cat >"$RIG_DIR/daemon.json" <<EOF
{
  "features": { "containerd-snapshotter": true },
  "insecure-registries": ["$REGISTRY", "$AUTH_REGISTRY"],
  "data-root": "$RIG_DIR/docker",
  "exec-root": "$RIG_DIR/exec",
  "pidfile": "$RIG_DIR/dockerd.pid"
}
EOF
  log "starting dockerd (log: $RIG_DIR/dockerd.log)"
  # dockerd finds containerd, its shim, runc and docker-init on PATH.
  mkdir -p "$PREFIX/bin" && ln -sf /usr/bin/tini-static "$PREFIX/bin/docker-init"
  PATH="$PREFIX/bin:$PREFIX/usr/bin:$PREFIX/usr/sbin:$PATH" setsid nohup \
    "$PREFIX/usr/sbin/dockerd" --config-file "$RIG_DIR/daemon.json" >"$RIG_DIR/dockerd.log" 2>&1 </dev/null &
  wait_for 60 dockerd engine_ready || { tail -n 30 "$RIG_DIR/dockerd.log" >&2; exit 1; }
}

qemu_registered() { # every foreign platform we build for has an emulator with the F (fix binary) flag
  for f in qemu-aarch64 qemu-arm; do
    grep -q '^enabled' "/proc/sys/fs/binfmt_misc/$f" 2>/dev/null || return 1
    grep -q '^flags:.*F' "/proc/sys/fs/binfmt_misc/$f" || return 1
  done
}

setup_qemu() {
  qemu_registered && return 0
  [ "$(id -u)" = 0 ] || die "QEMU is not registered in binfmt_misc and registering it needs root"
  install_system_packages
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  log "registering QEMU emulators in binfmt_misc"
  update-binfmts --enable qemu-aarch64 && update-binfmts --enable qemu-arm
  qemu_registered || die "qemu-aarch64/qemu-arm are not registered with the F flag: see /proc/sys/fs/binfmt_misc"
}

setup_registry() {
  registry_ready && return 0
  command -v docker-registry >/dev/null || install_system_packages
  mkdir -p "$RIG_DIR/registry/data"
  cat >"$RIG_DIR/registry/config.yml" <<EOF
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $RIG_DIR/registry/data }
  delete: { enabled: true }
http:
  addr: $REGISTRY
EOF
  log "starting docker-registry on $REGISTRY"
  setsid nohup docker-registry serve "$RIG_DIR/registry/config.yml" >"$RIG_DIR/registry.log" 2>&1 </dev/null &
  wait_for 30 registry registry_ready
}

# Its user is `crossbake`; the password is made once and kept, readable by root only, in the rig folder.
auth_registry_ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' "http://$AUTH_REGISTRY/v2/")" = 401 ]; }

setup_auth_registry() {
  local dir="$RIG_DIR/auth-registry"
  auth_registry_ready && return 0
  command -v htpasswd >/dev/null || install_system_packages
  mkdir -p "$dir/data" && chmod 700 "$dir"
  [ -s "$dir/password" ] || (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$dir/password")
  htpasswd -Bbn crossbake "$(cat "$dir/password")" >"$dir/htpasswd"
  cat >"$dir/config.yml" <<EOF
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $dir/data }
http:
  addr: $AUTH_REGISTRY
auth:
  htpasswd: { realm: crossbake, path: $dir/htpasswd }
EOF
  log "starting docker-registry with htpasswd auth on $AUTH_REGISTRY"
  setsid nohup docker-registry serve "$dir/config.yml" >"$RIG_DIR/auth-registry.log" 2>&1 </dev/null &
  wait_for 30 "auth registry" auth_registry_ready
}

# An engine this rig started earlier, with an older daemon.json, learns the auth registry on reload.
reload_insecure_registries() {
  [ -f "$RIG_DIR/daemon.json" ] && [ -f "$RIG_DIR/dockerd.pid" ] || return 0
  grep -q "$AUTH_REGISTRY" "$RIG_DIR/daemon.json" && return 0
  sed -i "s#\"$REGISTRY\"\]#\"$REGISTRY\", \"$AUTH_REGISTRY\"]#" "$RIG_DIR/daemon.json"
  kill -HUP "$(cat "$RIG_DIR/dockerd.pid")" && sleep 1
}

# No Docker Hub here: the base image is busybox-static for each architecture, copied FROM scratch.
push_base_image() {
  docker buildx imagetools inspect "$BASE_IMAGE" >/dev/null 2>&1 && return 0
  log "building base image $BASE_IMAGE for $PLATFORMS"
  private_apt
  local ctx="$RIG_DIR/base" arch dir
  rm -rf "$ctx" && mkdir -p "$ctx"
  for arch in amd64 arm64 armhf; do
    apt_download "busybox-static:$arch/bookworm"
    dir="$ctx/$arch"
    mkdir -p "$dir/x" "$dir/rootfs/bin" "$dir/rootfs/tmp"
    dpkg -x "$(ls "$RIG_DIR"/apt/debs/busybox-static_*_"$arch".deb | tail -n1)" "$dir/x"
    cp "$(find "$dir/x" -path '*bin/busybox' -type f | head -n1)" "$dir/rootfs/bin/busybox"
    for applet in $("$ctx/amd64/rootfs/bin/busybox" --list); do
      [ "$applet" = busybox ] || ln -sf busybox "$dir/rootfs/bin/$applet"
    done
  done
  cat >"$ctx/Dockerfile" <<'EOF'
FROM scratch
ARG TARGETARCH
ARG TARGETVARIANT
COPY ${TARGETARCH}${TARGETVARIANT}/rootfs/ /
ENV PATH=/bin
CMD ["sh"]
EOF
  # TARGETARCH+TARGETVARIANT for arm/v7 is "armv7": point it at the armhf tree.
  ln -sfn armhf "$ctx/armv7"
  docker buildx build --platform "$PLATFORMS" -t "$BASE_IMAGE" --push "$ctx" >"$RIG_DIR/base-build.log" 2>&1 \
    || { tail -n 30 "$RIG_DIR/base-build.log" >&2; die "building the base image failed"; }
}

# The emulator installer the e2e suite points `qemu-image` at: tonistiigi/binfmt's interface, built from
# Debian's qemu-user-static.
push_binfmt_image() {
  docker buildx imagetools inspect "$BINFMT_IMAGE" >/dev/null 2>&1 && return 0
  log "building emulator installer image $BINFMT_IMAGE"
  local ctx="$RIG_DIR/binfmt-installer"
  rm -rf "$ctx" && mkdir -p "$ctx/x"
  dpkg -x "$(ls /var/cache/apt/archives/qemu-user-static_*.deb 2>/dev/null | tail -n1 || true)" "$ctx/x" 2>/dev/null || {
    private_apt
    apt_download qemu-user-static/bookworm
    dpkg -x "$(ls "$RIG_DIR"/apt/debs/qemu-user-static_*.deb | tail -n1)" "$ctx/x"
  }
  cp "$ctx/x/usr/bin/qemu-aarch64-static" "$ctx/x/usr/bin/qemu-arm-static" "$HERE/binfmt-installer/install.sh" "$HERE/binfmt-installer/Dockerfile" "$ctx/"
  mkdir -p "$ctx/qemu-binfmt"
  ln -s /usr/bin/qemu-aarch64-static "$ctx/qemu-binfmt/aarch64-binfmt-P"
  ln -s /usr/bin/qemu-arm-static "$ctx/qemu-binfmt/arm-binfmt-P"
  docker buildx build --platform linux/amd64 --build-arg "BASE=$BASE_IMAGE" -t "$BINFMT_IMAGE" --push "$ctx" >"$RIG_DIR/binfmt-build.log" 2>&1 \
    || { tail -n 30 "$RIG_DIR/binfmt-build.log" >&2; die "building the emulator installer image failed"; }
}

main() {
  mkdir -p "$RIG_DIR"
  if engine_ready; then log "using the Docker engine that is already running"; reload_insecure_registries; else install_engine; fi
  setup_qemu
  setup_registry
  setup_auth_registry
  push_base_image
  push_binfmt_image
  command -v ssh-agent >/dev/null || install_system_packages # the ssh-forwarding e2e runs a real agent
  # zstd unpacks the BuildKit stand-in; openssl makes the TLS certificates of the remote daemons.
  { command -v zstd && command -v openssl; } >/dev/null || install_system_packages
  # QEMU is registered above, before any daemon of this image starts: buildkitd probes emulators only then.
  bash "$HERE/buildkit.sh" image
  install_cosign
  log "ready: engine $(docker version -f '{{.Server.Version}}'), buildx $(docker buildx version | awk '{print $2}'), registries $REGISTRY and $AUTH_REGISTRY (login), base $BASE_IMAGE, BuildKit $REGISTRY/moby/buildkit:buildx-stable-1, cosign $(cat "$RIG_DIR/cosign/VERSION")"
}

# Sourced (by golang.sh and node-image.sh, the e2e suite's stand-in images, for the helpers above), it only
# defines them.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi
