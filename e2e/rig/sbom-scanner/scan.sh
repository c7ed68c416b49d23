#!/bin/sh
# The rig's stand-in for docker/buildkit-syft-scanner (Docker Hub, unreachable here): BuildKit's SBOM generator
# protocol (moby/buildkit docs/attestations/sbom-protocol.md, as BuildKit v0.25 reads it), busybox sh and awk only.
# It proves the plumbing (sbom: true → an SPDX attestation in the index, signed with the list); it catalogues
# only dpkg and apk databases, nothing like syft.
# Writes one in-toto statement (predicateType https://spdx.dev/Document, SPDX 2.3 JSON) per target:
# $BUILDKIT_SCAN_DESTINATION/<basename of target>.spdx.json, for BUILDKIT_SCAN_SOURCE and each entry of
# BUILDKIT_SCAN_SOURCE_EXTRAS. Packages listed: dpkg (var/lib/dpkg/status) and apk (lib/apk/db/installed).
set -eu
: "${BUILDKIT_SCAN_DESTINATION:?required}" "${BUILDKIT_SCAN_SOURCE:?required}"
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)

scan() { # $1 = root of one target
  name=$(basename "$1")
  out="$BUILDKIT_SCAN_DESTINATION/$name.spdx.json"
  ns="https://crossbake.invalid/spdx/$name-$(date +%s)-$$"
  {
    [ ! -f "$1/var/lib/dpkg/status" ] || awk -v T=deb '
      /^Package: /{p=$2} /^Version: /{v=$2} /^Architecture: /{a=$2}
      /^Status: .* installed$/{ok=1}
      /^$/{ if (ok && p!="") print T "\t" p "\t" v "\t" a; p=v=a=""; ok=0 }
      END{ if (ok && p!="") print T "\t" p "\t" v "\t" a }' "$1/var/lib/dpkg/status"
    [ ! -f "$1/lib/apk/db/installed" ] || awk -v T=apk '
      /^P:/{p=substr($0,3)} /^V:/{v=substr($0,3)} /^A:/{a=substr($0,3)}
      /^$/{ if (p!="") print T "\t" p "\t" v "\t" a; p=v=a="" }
      END{ if (p!="") print T "\t" p "\t" v "\t" a }' "$1/lib/apk/db/installed"
  } | awk -F '\t' -v name="$name" -v ns="$ns" -v now="$now" '
    function esc(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, "\\t", s); return s }
    BEGIN {
      printf "{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"predicateType\":\"https://spdx.dev/Document\",\"subject\":[],\"predicate\":{"
      printf "\"spdxVersion\":\"SPDX-2.3\",\"dataLicense\":\"CC0-1.0\",\"SPDXID\":\"SPDXRef-DOCUMENT\",\"name\":\"%s\",", esc(name)
      printf "\"documentNamespace\":\"%s\",\"creationInfo\":{\"created\":\"%s\",\"creators\":[\"Tool: crossbake-sbom-standin\"]},\"packages\":[", esc(ns), now
    }
    {
      purl = ($1 == "deb") ? "pkg:deb/" esc($2) "@" esc($3) "?arch=" esc($4) : "pkg:apk/" esc($2) "@" esc($3) "?arch=" esc($4)
      printf "%s{\"name\":\"%s\",\"SPDXID\":\"SPDXRef-Package-%s-%d\",\"versionInfo\":\"%s\",\"downloadLocation\":\"NOASSERTION\",\"filesAnalyzed\":false,\"externalRefs\":[{\"referenceCategory\":\"PACKAGE-MANAGER\",\"referenceType\":\"purl\",\"referenceLocator\":\"%s\"}]}", (NR>1?",":""), esc($2), $1, NR, esc($3), purl
    }
    END { printf "]}}\n" }' > "$out"
}

scan "$BUILDKIT_SCAN_SOURCE"
if [ -n "${BUILDKIT_SCAN_SOURCE_EXTRAS:-}" ] && [ -d "$BUILDKIT_SCAN_SOURCE_EXTRAS" ]; then
  for extra in "$BUILDKIT_SCAN_SOURCE_EXTRAS"/*; do [ -d "$extra" ] && scan "$extra"; done
fi
