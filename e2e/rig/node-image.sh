#!/usr/bin/env bash
# The rig's stand-in for Docker Hub's node:latest (unreachable here): Debian bookworm's `nodejs` and `npm`
# with the libraries and node-* modules they depend on, on the rig's busybox base, for linux/amd64,
# linux/arm64 and linux/arm/v7, pushed to the rig registry as crossbake/node:latest. The cross-compile e2e
# of Node installs (e2e/cross-compile-node.e2e.ts) builds FROM it.
#
# The packages come from setup.sh's private apt. Their dependencies are resolved here from bookworm's own
# package lists, not with apt's solver: that would install into this machine's dpkg database, which holds
# one architecture. Left out on purpose: what npm needs only to build native modules (gyp, python3, the -dev
# packages, which would add a C toolchain per architecture) and what runs only in maintainer scripts
# (debconf, ca-certificates): `npm ci` of a lockfile without native modules never reaches them.
#
# Idempotent: skipped when the registry already holds the image of this recipe (a tag named after the hash
# of this file). Run alone (`bash e2e/rig/node-image.sh`) or by the e2e global setup; either way after setup.sh's
# registry and base image exist.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Never followed: build-time tooling of node-gyp and maintainer-script helpers (see above).
NOT_FOLLOWED="ca-certificates debconf perl-base dpkg gyp python3 libnode-dev libuv1-dev libssl-dev eslint webpack terser handlebars"

# setup.sh's helpers (log, die, private_apt, apt_download, standin_*): one private apt for the whole rig.
# shellcheck source=setup.sh
source "$HERE/setup.sh" # also RIG_DIR, REGISTRY, BASE_IMAGE and PLATFORMS
NODE_IMAGE="$REGISTRY/crossbake/node"

RECIPE=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)

# The closure of `npm` and `nodejs` in one architecture's bookworm package list: every Pre-Depends and
# Depends, the first of each set of alternatives, a virtual package by its first provider.
closure() { # closure <arch>
  local list
  list=$(ls "$RIG_DIR"/apt/lists/*_dists_bookworm_main_binary-"$1"_Packages* | head -n1)
  /usr/lib/apt/apt-helper cat-file "$list" | NOT_FOLLOWED="$NOT_FOLLOWED" node -e '
    const text = require("fs").readFileSync(0, "utf8");
    const skip = new Set(process.env.NOT_FOLLOWED.split(" "));
    const depends = new Map(), provider = new Map();
    for (const para of text.split(/\n\n+/)) {
      const field = (n) => (para.match(new RegExp(`^${n}: (.*)$`, "m")) || [])[1];
      const name = field("Package");
      if (!name || depends.has(name)) continue;
      depends.set(name, [field("Pre-Depends"), field("Depends")].filter(Boolean).join(","));
      for (const p of (field("Provides") || "").split(",")) {
        const v = p.trim().split(/[ (]/)[0];
        if (v && !provider.has(v)) provider.set(v, name);
      }
    }
    const seen = new Set(), queue = ["npm", "nodejs"];
    while (queue.length) {
      const name = depends.has(queue[0]) ? queue.shift() : provider.get(queue.shift());
      if (!name || seen.has(name) || skip.has(name)) continue;
      seen.add(name);
      for (const dep of depends.get(name).split(",")) queue.push(dep.split("|")[0].trim().split(/[ (:]/)[0]);
    }
    console.log([...seen].filter(Boolean).sort().join("\n"));
  '
}

push_node_image() {
  standin_current "$NODE_IMAGE" "$RECIPE" && return 0
  docker buildx imagetools inspect "$BASE_IMAGE" >/dev/null 2>&1 || die "$BASE_IMAGE is missing: run e2e/rig/setup.sh first"
  log "building $NODE_IMAGE:latest (nodejs and npm from bookworm) for $PLATFORMS"
  private_apt
  local ctx="$RIG_DIR/node-image" debs="$RIG_DIR/apt/debs" arch deb shared=() own
  rm -rf "$ctx" && mkdir -p "$ctx/shared/usr/bin"
  # The modules npm is made of are the same for every architecture: one shared layer.
  mapfile -t shared < <(closure amd64 | grep -E '^(npm|node-.*|libjs-.*)$')
  apt_download "${shared[@]/%//bookworm}"
  for deb in "${shared[@]}"; do dpkg -x "$(ls "$debs/${deb}_"*_all.deb | tail -n1)" "$ctx/shared"; done
  # npm's `#!/usr/bin/env node`: busybox's env, which the base image has at /bin only.
  ln -sfn /bin/busybox "$ctx/shared/usr/bin/env"
  rm -rf "$ctx/shared/usr/share/doc" "$ctx/shared/usr/share/man" "$ctx/shared/usr/share/lintian"
  for arch in amd64 arm64 armhf; do
    mapfile -t own < <(closure "$arch" | grep -vE '^(npm|node-.*|libjs-.*)$')
    apt_download "${own[@]/%/:$arch/bookworm}"
    mkdir -p "$ctx/$arch"
    for deb in "${own[@]}"; do dpkg -x "$(ls "$debs/${deb}_"*_"$arch".deb | tail -n1)" "$ctx/$arch"; done
    rm -rf "$ctx/$arch/usr/share/doc" "$ctx/$arch/usr/share/man" "$ctx/$arch/usr/share/lintian" "$ctx/$arch/usr/include"
  done
  ln -sfn armhf "$ctx/armv7"
  cat >"$ctx/Dockerfile" <<EOF
FROM $BASE_IMAGE
ARG TARGETARCH
ARG TARGETVARIANT
COPY shared/ /
COPY \${TARGETARCH}\${TARGETVARIANT}/ /
ENV PATH=/usr/local/bin:/usr/bin:/bin
ENV HOME=/root
CMD ["node"]
EOF
  standin_push "$NODE_IMAGE" "$RECIPE" "$ctx"
}

mkdir -p "$RIG_DIR"
push_node_image
