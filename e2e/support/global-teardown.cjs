// Runs once after the e2e suite: stops the TLS BuildKit daemons global setup started, with their build state.
// CROSSBAKE_E2E_KEEP_BUILDKITD=1 keeps them for a look afterwards; the next run reuses them while current.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const repo = path.resolve(__dirname, '../..');

module.exports = async () => {
  // Each e2e file's private plugin state (support/workspace.ts): nothing of it is needed after the suite.
  for (const name of fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('crossbake-e2e-state-'))) {
    fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
  if (process.env.CROSSBAKE_E2E_KEEP_BUILDKITD === '1') return;
  execFileSync('bash', [path.join(repo, 'e2e/rig/buildkit.sh'), 'stop'], { cwd: repo, stdio: 'inherit' });
};
