// Runs once before the e2e suite: the rig (engine, buildx, QEMU, registries, base and BuildKit images), the
// TLS BuildKit daemons of the remote and multi-node cases (global-teardown.cjs stops them), the golang and node
// stand-in images of the cross-compile cases, and one template
// workspace per Nx version of the matrix (nx-matrix.cjs), each with nx and the plugin installed from its npm
// pack tarball, as a user would install it.
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { NX_MATRIX, NODE_BIN_FILE, templateDir } = require('./nx-matrix.cjs');

const repo = path.resolve(__dirname, '../..');
// CROSSBAKE_E2E_DIR moves it (support/workspace.ts reads the same variable), so two suites can run at once.
const work = process.env.CROSSBAKE_E2E_DIR ? path.resolve(process.env.CROSSBAKE_E2E_DIR) : path.join(repo, 'tmp', 'e2e');
const run = (cmd, args, cwd = repo) => execFileSync(cmd, args, { cwd, stdio: 'inherit' });

/** Like `run`, but lets the other steps go on meanwhile; stdout is returned, stderr shown. */
function start(cmd, args, { cwd = repo, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) ${signal ? `was killed by ${signal}` : `exited with ${code}`}`)),
    );
  });
}

const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)}s`;

/** Installs one Nx version's template; `nodeBin` first on PATH makes npm, and nx's postinstall, run on that Node. */
async function installTemplate(version, tarball, nodeBin) {
  const { packages } = NX_MATRIX[version];
  const dir = templateDir(work, version);
  fs.mkdirSync(dir, { recursive: true });
  const devDependencies = { ...packages, 'nx-crossbake': `file:../${tarball}` };
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: `e2e-template-nx${version}`, private: true, devDependencies }, null, 2),
  );
  const env = nodeBin ? { ...process.env, PATH: `${nodeBin}:${process.env.PATH}` } : process.env;
  const started = Date.now();
  await start('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, env }).catch((error) => {
    throw new Error(
      `[e2e] installing the Nx ${version} template (${Object.entries(packages)
        .map(([n, v]) => `${n}@${v}`)
        .join(', ')}) failed: ${error.message}`,
    );
  });
  // What npm resolved is what the suite tests: a registry that served another version must not go unnoticed.
  for (const [name, wanted] of Object.entries(packages)) {
    const installed = require(path.join(dir, 'node_modules', name, 'package.json')).version;
    if (installed !== wanted) throw new Error(`[e2e] the Nx ${version} template has ${name}@${installed}, not ${wanted}`);
  }
  if (nodeBin) fs.writeFileSync(path.join(dir, NODE_BIN_FILE), nodeBin);
  return `Nx ${version} template ${seconds(started)}`;
}

module.exports = async () => {
  const started = Date.now();
  run('bash', [path.join(repo, 'e2e/rig/setup.sh')]);
  // After setup.sh, which registers QEMU: a daemon detects emulators only when it starts.
  run('bash', [path.join(repo, 'e2e/rig/buildkit.sh'), 'start']);

  const rigReady = seconds(started);
  // The stand-ins for golang:latest and node:latest of the cross-compile e2e files (idempotent; a minute or two
  // each on a fresh machine) and for BuildKit's SBOM scanner (signing e2e, seconds), built while the plugin
  // packs and the templates install. One after the other: they share setup.sh's private apt.
  const rig = path.join(repo, 'e2e/rig');
  const standins = start('bash', ['-c', 'bash "$0/golang.sh" && bash "$0/node-image.sh" && bash "$0/sbom-scanner.sh"', rig]);
  standins.catch(() => {}); // awaited below; this only keeps a failure from being reported twice

  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  // Node 24 (for Nx 24) comes while the plugin builds; node.sh prints its bin folder.
  const node24 = start('bash', [path.join(repo, 'e2e/rig/node.sh')]).then((out) => out.trim());
  node24.catch(() => {}); // awaited below; this only keeps a failure from being reported twice
  run('npm', ['run', 'build', '-w', 'nx-crossbake']);
  run('npm', ['pack', '--silent', '--pack-destination', work], path.join(repo, 'packages/nx-crossbake'));
  const tarball = fs.readdirSync(work).find((f) => f.endsWith('.tgz'));

  const nodeBins = { system: undefined, node24: await node24 };
  const packed = Date.now();
  const timings = await Promise.all(
    Object.keys(NX_MATRIX).map((version) => installTemplate(version, tarball, nodeBins[NX_MATRIX[version].node])),
  );
  const templatesReady = seconds(packed);
  await standins;
  process.stderr.write(
    `\n[e2e] rig and templates ready in ${seconds(started)}: rig ${rigReady}, plugin packed, then templates in ${templatesReady} (${timings.join(', ')}, in parallel), stand-in images beside them\n`,
  );
};
