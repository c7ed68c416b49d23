#!/usr/bin/env bash
# The test command (README: `npm test`). From a fresh clone: installs, then runs every phase — build,
# typecheck, lint, the unit tests, the self-tests of bench/ and scripts/, then the e2e suite, which sets up the real rig
# (engine, buildx, QEMU, registry) itself. The e2e suite runs only when every phase before it passed
# (CROSSBAKE_E2E_ALWAYS=1: regardless).
#
# It closes with one line per phase and one line over all of them (scripts/test-summary.js), in the plain form
# CI reads: `tests: N passed, N failed, N skipped`. A phase that did not run, or crashed before writing its
# results, is said on its own line and counts as failed; the exit code is non-zero whenever a phase failed
# or did not run.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

results=tmp/test-results
# Nothing from an earlier run may stand in for a phase of this one.
rm -rf "$results"
mkdir -p "$results"
failed=()

# One line of phases.tsv: <phase> <kind> <exit code, or - > [why it did not run]. Kinds: check (counts one
# test), jest (<phase>.json), tap (<phase>.tap).
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-}" >>"$results/phases.tsv"; }

# phase <name> <kind> <command…>: runs it and records its exit code.
phase() {
  local name=$1 kind=$2 code=0
  shift 2
  printf '\n== phase %s: %s\n' "$name" "$*"
  "$@" || code=$?
  record "$name" "$kind" "$code"
  if [ "$code" -ne 0 ]; then failed+=("$name"); fi
}

phase build check npm run build
phase typecheck check npm run typecheck
phase lint check npm run lint
phase unit jest npx jest -c packages/nx-crossbake/jest.config.cjs --json --outputFile="$results/unit.json"
# Node's test runner: the benchmarks' own parsers and report (they build nothing), and the proof that the lint's
# layer rule bites. Spec on the terminal, tap into the results for the count.
phase self-tests tap node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$results/self-tests.tap" bench/ scripts/layers.test.js
if [ "${#failed[@]}" -eq 0 ] || [ "${CROSSBAKE_E2E_ALWAYS:-}" = 1 ]; then
  phase e2e jest npx jest -c e2e/jest.config.cjs --runInBand --json --outputFile="$results/e2e.json"
else
  record e2e jest - "earlier phases failed: ${failed[*]}; CROSSBAKE_E2E_ALWAYS=1 runs it regardless"
fi

echo
# Exits 1 when any phase failed or did not run (its last line is the closing line).
node scripts/test-summary.js "$results"
