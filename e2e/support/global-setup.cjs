// Runs once before the e2e suite: the rig (engine, buildx, QEMU, registries, base and BuildKit images), the
// TLS BuildKit daemons of the remote and multi-node cases (global-teardown.cjs stops them), and a template
// workspace with nx and the plugin installed from its npm pack tarball, as a user would install it.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const repo = path.resolve(__dirname, '../..');
// CROSSBAKE_E2E_DIR moves it (support/workspace.ts reads the same variable), so two suites can run at once.
const work = process.env.CROSSBAKE_E2E_DIR ? path.resolve(process.env.CROSSBAKE_E2E_DIR) : path.join(repo, 'tmp', 'e2e');
const run = (cmd, args, cwd = repo) => execFileSync(cmd, args, { cwd, stdio: 'inherit' });

module.exports = async () => {
  const started = Date.now();
  run('bash', [path.join(repo, 'e2e/rig/setup.sh')]);
  // After setup.sh, which registers QEMU: a daemon detects emulators only when it starts.
  run('bash', [path.join(repo, 'e2e/rig/buildkit.sh'), 'start']);

  fs.rmSync(work, { recursive: true, force: true });
  const template = path.join(work, 'template');
  fs.mkdirSync(template, { recursive: true });
  run('npm', ['run', 'build', '-w', 'nx-crossbake']);
  run('npm', ['pack', '--silent', '--pack-destination', work], path.join(repo, 'packages/nx-crossbake'));
  const tarball = fs.readdirSync(work).find((f) => f.endsWith('.tgz'));

  const rootPackage = require(path.join(repo, 'package.json'));
  fs.writeFileSync(
    path.join(template, 'package.json'),
    JSON.stringify(
      {
        name: 'e2e-template',
        private: true,
        devDependencies: {
          nx: rootPackage.devDependencies.nx,
          '@nx/devkit': rootPackage.devDependencies['@nx/devkit'],
          'nx-crossbake': `file:../${tarball}`,
        },
      },
      null,
      2,
    ),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], template);
  process.stderr.write(`\n[e2e] rig and template ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
};
