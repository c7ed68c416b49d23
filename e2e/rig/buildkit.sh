#!/usr/bin/env bash
# BuildKit for the rig's docker-container and remote builders.
#
#   buildkit.sh image   make $IMAGE available in the rig's registry (setup.sh runs this)
#   buildkit.sh start   start the TLS BuildKit daemons of the e2e suite; reuses running ones that are current
#   buildkit.sh stop    remove them, with their state
#   buildkit.sh status  print each daemon's endpoint and what it serves
#
# The image is moby/buildkit:buildx-stable-1, copied from Docker Hub where it can be reached, otherwise built
# from the stand-in archive in the shared folder (../shared/rig/buildkit-standin.tar.zst beside the clone,
# README there). The daemons are containers of that image on the host's network, listening on 127.0.0.1
# only, with mutual TLS: one for the `remote` driver, two to be the nodes of a multi-node builder.
# e2e/support/rig.ts mirrors the names, ports and paths below for the tests; keep the two in step.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RIG_DIR=${CROSSBAKE_RIG_DIR:-/var/lib/crossbake-rig}
REGISTRY=${CROSSBAKE_REGISTRY:-127.0.0.1:5000}
AUTH_REGISTRY=${CROSSBAKE_AUTH_REGISTRY:-127.0.0.1:5001}
IMAGE="$REGISTRY/moby/buildkit:buildx-stable-1"
UPSTREAM_IMAGE=${CROSSBAKE_BUILDKIT_UPSTREAM:-docker.io/moby/buildkit:buildx-stable-1}
# auto: Docker Hub first, then the stand-in; upstream or standin: only that one.
SOURCE=${CROSSBAKE_BUILDKIT_SOURCE:-auto}
PULL_TIMEOUT=${CROSSBAKE_BUILDKIT_PULL_TIMEOUT:-90}
SHARED_DIR=${CROSSBAKE_SHARED_DIR:-$(cd "$HERE/../.." && pwd)/../shared}
STANDIN="$SHARED_DIR/rig/buildkit-standin.tar.zst"
# Marks an image built from the stand-in.
STANDIN_LABEL=org.crossbake.buildkit-standin

BK_DIR="$RIG_DIR/buildkit"
TLS_DIR="$BK_DIR/tls"
CONFIG="$BK_DIR/buildkitd.toml"
NAME_PREFIX=${CROSSBAKE_BUILDKITD_PREFIX:-crossbake-buildkitd}
PORT=${CROSSBAKE_BUILDKITD_PORT:-1234}
DAEMONS=("remote:$PORT" "node-a:$((PORT + 1))" "node-b:$((PORT + 2))")
SERVER_NAME=localhost
# Every daemon must list these, or its builds would fail later and far from the cause.
REQUIRED_PLATFORMS=(linux/amd64 linux/arm64 linux/arm/v7)
CONFIG_LABEL=org.crossbake.rig.config
IN=/etc/buildkit/tls # where a daemon sees the certificates

log() { printf '[rig] %s\n' "$*" >&2; }
die() { printf '[rig] error: %s\n' "$*" >&2; exit 1; }

TMP=
trap '[ -z "$TMP" ] || rm -rf "$TMP"' EXIT

# ---------------------------------------------------------------------------------------------- the image

image_labels() { docker buildx imagetools inspect --format '{{json .Image}}' "$IMAGE" 2>/dev/null; }

ensure_image() {
  local want="" current
  # The label records the archive's checksum and how it was built, so either changing is noticed.
  [ ! -f "$STANDIN" ] || want="$(sha256sum "$STANDIN" | cut -c1-64) base=scratch"
  if current=$(image_labels); then
    # The real image carries no stand-in label and is kept; a stand-in is kept while it is current.
    if ! grep -q "$STANDIN_LABEL" <<<"$current" || [ -z "$want" ] || grep -qF "\"$want\"" <<<"$current"; then return 0; fi
    log "$IMAGE was built from an older stand-in or recipe: building it again"
  elif [ "$SOURCE" != standin ] && copy_upstream; then
    return 0
  fi
  [ "$SOURCE" != upstream ] || die "$UPSTREAM_IMAGE could not be copied to $IMAGE (CROSSBAKE_BUILDKIT_SOURCE=upstream)"
  push_standin "$want"
}

# All its platforms, registry to registry: nothing goes through the engine's image store.
copy_upstream() {
  log "copying $UPSTREAM_IMAGE to $IMAGE (at most ${PULL_TIMEOUT}s)"
  local out
  if out=$(timeout -k 5 "$PULL_TIMEOUT" docker buildx imagetools create --builder default -t "$IMAGE" "$UPSTREAM_IMAGE" 2>&1); then
    return 0
  fi
  log "$UPSTREAM_IMAGE is out of reach: $(tail -n1 <<<"$out")"
  return 1
}

push_standin() {
  local label=$1 ctx
  [ -f "$STANDIN" ] || die "$IMAGE is not in the registry, $UPSTREAM_IMAGE could not be pulled, and there is no stand-in at $STANDIN (set CROSSBAKE_SHARED_DIR to the folder holding rig/buildkit-standin.tar.zst)"
  command -v zstd >/dev/null || die "zstd is needed to unpack $STANDIN: apt-get install zstd (setup.sh does, as root)"
  log "building $IMAGE from $STANDIN"
  TMP=$(mktemp -d)
  tar -I zstd -xf "$STANDIN" -C "$TMP" || die "could not unpack $STANDIN"
  ctx="$TMP/buildkit-standin"
  (cd "$ctx/rootfs" && sha256sum -c --quiet ../SHA256SUMS) || die "$STANDIN does not match its SHA256SUMS"
  mkdir -p "$BK_DIR"
  # BASE=scratch, as the stand-in's README allows: the rig's busybox sets PATH=/bin, where neither the
  # entrypoint (buildkitd) nor the `buildctl dial-stdio` buildx execs would be found.
  docker buildx build --builder default --platform linux/amd64 --provenance=false \
    --build-arg BASE=scratch --label "$STANDIN_LABEL=$label" \
    -t "$IMAGE" --push "$ctx" >"$BK_DIR/image-build.log" 2>&1 \
    || { tail -n 30 "$BK_DIR/image-build.log" >&2; die "building $IMAGE from the stand-in failed"; }
  rm -rf "$TMP" && TMP=
}

# ------------------------------------------------------------------------------------------ certificates

# A CA, a server certificate for 127.0.0.1 and localhost, a client certificate: remade when any is missing,
# does not chain to the CA, does not match its key, lacks a name, or expires within a week.
certs_current() {
  local pair cert key sans
  for pair in ca.pem:ca-key.pem server-cert.pem:server-key.pem client-cert.pem:client-key.pem; do
    cert="$TLS_DIR/${pair%%:*}" key="$TLS_DIR/${pair##*:}"
    [ -s "$cert" ] && [ -s "$key" ] || return 1
    openssl x509 -checkend 604800 -noout -in "$cert" >/dev/null 2>&1 || return 1
    [ "$(openssl x509 -noout -pubkey -in "$cert" 2>/dev/null)" = "$(openssl pkey -pubout -in "$key" 2>/dev/null)" ] || return 1
  done
  openssl verify -CAfile "$TLS_DIR/ca.pem" -purpose sslserver "$TLS_DIR/server-cert.pem" >/dev/null 2>&1 || return 1
  openssl verify -CAfile "$TLS_DIR/ca.pem" -purpose sslclient "$TLS_DIR/client-cert.pem" >/dev/null 2>&1 || return 1
  sans=$(openssl x509 -noout -ext subjectAltName -in "$TLS_DIR/server-cert.pem" 2>/dev/null) || return 1
  grep -q 'IP Address:127.0.0.1' <<<"$sans" && grep -q "DNS:$SERVER_NAME" <<<"$sans"
}

ossl() { openssl "$@" 2>>"$BK_DIR/openssl.log" || die "openssl $1 failed: see $BK_DIR/openssl.log"; }

make_certs() {
  command -v openssl >/dev/null || die "openssl is needed for the daemons' certificates: apt-get install openssl"
  log "making a CA, a server and a client certificate in $TLS_DIR"
  local d who old_umask ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
  TMP=$(mktemp -d "$BK_DIR/tls.XXXXXX") && d=$TMP
  old_umask=$(umask) && umask 077 # keys readable by their owner only
  cat >"$d/ext.cnf" <<EOF
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:$SERVER_NAME
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
EOF
  ossl req -x509 "${ec[@]}" -keyout "$d/ca-key.pem" -out "$d/ca.pem" -days 3650 -subj "/CN=crossbake rig CA" \
    -config "$d/ext.cnf" -extensions ca
  for who in server client; do
    ossl req -new "${ec[@]}" -keyout "$d/$who-key.pem" -out "$d/$who.csr" -subj "/CN=crossbake-buildkitd-$who" -config "$d/ext.cnf"
    ossl x509 -req -in "$d/$who.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" -set_serial "0x$(openssl rand -hex 16)" \
      -days 825 -extfile "$d/ext.cnf" -extensions "$who" -out "$d/$who-cert.pem"
  done
  umask "$old_umask"
  rm -f "$d"/*.csr "$d/ext.cnf" && chmod 644 "$d"/*.pem && chmod 600 "$d"/*-key.pem && chmod 755 "$d"
  rm -rf "$TLS_DIR" && mv "$d" "$TLS_DIR" && TMP=
}

# ----------------------------------------------------------------------------------------------- daemons

# buildkitd in a container reads neither dockerd's insecure-registries nor its mirrors: it needs its own
# config to reach the rig's plain-HTTP registries, under both names users write them with.
write_config() {
  local registry port host text="# Written by e2e/rig/buildkit.sh: the rig's registries speak plain HTTP."$'\n'
  for registry in "$REGISTRY" "$AUTH_REGISTRY"; do
    port=${registry##*:}
    case ${registry%:*} in
      127.0.0.1 | localhost) set -- "127.0.0.1:$port" "localhost:$port" ;;
      *) set -- "$registry" ;;
    esac
    for host in "$@"; do text+="[registry.\"$host\"]"$'\n'"  http = true"$'\n'; done
  done
  [ "$(cat "$CONFIG" 2>/dev/null)"$'\n' = "$text" ] || printf '%s' "$text" >"$CONFIG"
}

# What makes a running daemon current: its image, port, config and certificates.
fingerprint() { # fingerprint <image id> <port>
  { echo "$1 $2"; cat "$CONFIG" "$TLS_DIR/ca.pem" "$TLS_DIR/server-cert.pem" "$TLS_DIR/client-cert.pem"; } | sha256sum | cut -c1-64
}

run_daemon() { # run_daemon <name> <port> <fingerprint>
  local f mounts=(-v "$CONFIG:/etc/buildkit/buildkitd.toml:ro")
  # The client pair is mounted too, so readiness is proven with buildctl over TLS from inside.
  for f in ca.pem server-cert.pem server-key.pem client-cert.pem client-key.pem; do
    mounts+=(-v "$TLS_DIR/$f:$IN/$f:ro")
  done
  docker run -d --name "$1" --label "$CONFIG_LABEL=$3" --privileged --network host "${mounts[@]}" "$IMAGE" \
    --addr "tcp://127.0.0.1:$2" --tlscacert "$IN/ca.pem" --tlscert "$IN/server-cert.pem" --tlskey "$IN/server-key.pem" \
    >/dev/null
}

workers() { # workers <name> <port>: the platforms the daemon reports, asked over mutual TLS
  docker exec "$1" buildctl --addr "tcp://127.0.0.1:$2" --tlsservername "$SERVER_NAME" --tlscacert "$IN/ca.pem" \
    --tlscert "$IN/client-cert.pem" --tlskey "$IN/client-key.pem" debug workers --format '{{range .}}{{range .Platforms}}{{.OS}}/{{.Architecture}}{{if .Variant}}/{{.Variant}}{{end}} {{end}}{{end}}' 2>/dev/null
}

missing_platforms() { # missing_platforms "<platform> …": the required ones not in that list
  local p
  for p in "${REQUIRED_PLATFORMS[@]}"; do [[ " $1 " == *" $p "* ]] || printf '%s ' "$p"; done
}

wait_ready() { # wait_ready <name> <port>
  local i platforms missing
  for ((i = 0; i < 60; i++)); do
    [ "$(docker inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = true ] \
      || { docker logs --tail 20 "$1" >&2 2>&1 || true; die "BuildKit daemon $1 stopped (is port $2 taken?)"; }
    if platforms=$(workers "$1" "$2") && [ -n "$platforms" ]; then
      missing=$(missing_platforms "$platforms")
      # start restarts a daemon that lacks one, so running it again after registering QEMU is enough.
      [ -z "$missing" ] || die "$1 serves ${platforms% } but not ${missing% }: register QEMU (e2e/rig/setup.sh), then run '$0 start' again (a daemon detects emulators only when it starts)"
      return 0
    fi
    sleep 0.5
  done
  docker logs --tail 20 "$1" >&2 2>&1 || true
  die "BuildKit daemon $1 did not answer on tcp://127.0.0.1:$2 within 30s"
}

# Two suites starting (or one stopping) at once must not race on the same containers.
lock() { mkdir -p "$BK_DIR" && exec 9>"$BK_DIR/.lock" && flock 9; }

start() {
  lock
  certs_current || make_certs
  write_config
  docker pull -q "$IMAGE" >/dev/null 2>&1 || die "cannot pull $IMAGE: run e2e/rig/setup.sh"
  local image_id entry name port want state started=()
  image_id=$(docker image inspect -f '{{.Id}}' "$IMAGE")
  for entry in "${DAEMONS[@]}"; do
    name="$NAME_PREFIX-${entry%%:*}" port=${entry##*:}
    want=$(fingerprint "$image_id" "$port")
    state=$(docker inspect -f "{{.State.Running}} {{index .Config.Labels \"$CONFIG_LABEL\"}}" "$name" 2>/dev/null || true)
    if [ "$state" = "true $want" ] && [ -z "$(missing_platforms "$(workers "$name" "$port" || true)")" ]; then continue; fi
    [ -z "$state" ] || docker rm -f -v "$name" >/dev/null
    run_daemon "$name" "$port" "$want"
    started+=("$name:$port")
  done
  for entry in "${started[@]}"; do wait_ready "${entry%%:*}" "${entry##*:}"; done
  log "BuildKit daemons ready (${#started[@]} started, $((${#DAEMONS[@]} - ${#started[@]})) reused): $(status_line)"
}

stop() {
  local entry names=()
  lock
  for entry in "${DAEMONS[@]}"; do names+=("$NAME_PREFIX-${entry%%:*}"); done
  # -v: each daemon's build state is an anonymous volume.
  docker rm -f -v "${names[@]}" >/dev/null 2>&1 || true
}

status_line() {
  local entry
  for entry in "${DAEMONS[@]}"; do printf '%s=tcp://127.0.0.1:%s ' "$NAME_PREFIX-${entry%%:*}" "${entry##*:}"; done
}

status() {
  local entry name port
  for entry in "${DAEMONS[@]}"; do
    name="$NAME_PREFIX-${entry%%:*}" port=${entry##*:}
    printf '%s tcp://127.0.0.1:%s %s\n' "$name" "$port" "$(workers "$name" "$port" || echo 'not running')"
  done
}

case ${1:-} in
  image) ensure_image ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: $0 image|start|stop|status" ;;
esac
