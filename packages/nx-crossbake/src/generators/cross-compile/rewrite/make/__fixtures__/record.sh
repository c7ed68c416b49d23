#!/usr/bin/env bash
# Records what GNU make itself prints for `make -n <args>` on each corpus Makefile of cases.json, for
# ../run.spec.ts to compare its own reading with. The target is linux/arm/v7 (GOARCH=arm GOARM=7); `go env X`
# answers from that environment, as the go tool in the image would; nothing else (git, date) is there, so
# what they print is left out of both readings (run.spec.ts matches it as unknown).
# Run from this folder with GNU make 4.x: bash record.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
corpus="$here/../../../__fixtures__/corpus/go"
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
printf '#!/bin/sh\n[ "$1" = env ] && eval "echo \\$$2" && exit 0\nexit 1\n' > "$bin/go"
chmod +x "$bin/go"
for id in $(node -p 'Object.keys(require("./cases.json")).join(" ")'); do
  work=$(mktemp -d)
  cp "$corpus/$id/Makefile" "$corpus/$id/go.mod" "$work/" 2>/dev/null || cp "$corpus/$id/Makefile" "$work/"
  mapfile -t args < <(node -e 'for (const a of require("./cases.json")[process.argv[1]].args) console.log(a)' "$id")
  mapfile -t env < <(node -e 'for (const [k, v] of Object.entries(require("./cases.json")[process.argv[1]].env)) console.log(`${k}=${v}`)' "$id")
  (cd "$work" && env -i PATH="$bin:/usr/bin:/bin" HOME="$work" GOOS=linux GOARCH=arm GOARM=7 "${env[@]}" \
    make -n --no-print-directory "${args[@]}" > "$here/$id.make-n.txt" 2>/dev/null) || echo "$id: make -n failed" >&2
  rm -rf "$work"
done

# The snippets of snippets.json: small Makefiles, each showing one rule of GNU make's reading.
node -e '
const { execFileSync } = require("node:child_process");
const fs = require("node:fs"), os = require("node:os"), path = require("node:path");
const out = {};
for (const [name, s] of Object.entries(require("./snippets.json"))) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "snippet-"));
  fs.writeFileSync(path.join(dir, "Makefile"), s.makefile);
  out[name] = execFileSync("make", ["-n", "--no-print-directory", ...(s.args ?? [])], {
    cwd: dir, env: { PATH: "/usr/bin:/bin", ...(s.env ?? {}) }, encoding: "utf8",
  });
  fs.rmSync(dir, { recursive: true });
}
fs.writeFileSync("snippets.make-n.json", JSON.stringify(out, null, 2) + "\n");
'
