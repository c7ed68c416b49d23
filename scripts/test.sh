#!/usr/bin/env bash
# The test command (README: `npm test`). From a fresh clone: installs, builds, type-checks, runs the unit
# tests, then the e2e suite, which sets up the real rig (engine, buildx, QEMU, registry) itself.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build
npm run typecheck

mkdir -p tmp/test-results
status=0
npx jest -c packages/nx-crossbake/jest.config.cjs --json --outputFile=tmp/test-results/unit.json || status=$?
# The benchmarks' own parsers and report (node's test runner; they build nothing).
node --test bench/ || status=$?
if [ "$status" -eq 0 ] || [ "${CROSSBAKE_E2E_ALWAYS:-}" = 1 ]; then
  npx jest -c e2e/jest.config.cjs --runInBand --json --outputFile=tmp/test-results/e2e.json || status=$?
fi

# One closing line over both suites, in the plain form CI reads.
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of ["unit", "e2e"]) {
    const path = `tmp/test-results/${f}.json`;
    if (!fs.existsSync(path)) continue;
    const r = JSON.parse(fs.readFileSync(path, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests;
  }
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
'
exit "$status"
