// Helpers for the benchmarks that run the real CLI on the real rig (see e2e/rig/setup.sh): processes,
// generated workspaces, the registry, and the versions that describe the machine.
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { stripVTControlCharacters } = require('node:util');

const repo = path.resolve(__dirname, '..');
const REGISTRY = '127.0.0.1:5000';
/** The rig's busybox, built FROM scratch for amd64, arm64 and armhf. */
const BASE_IMAGE = `${REGISTRY}/crossbake/busybox:1`;
/** The rig's stand-in for tonistiigi/binfmt. */
const BINFMT_IMAGE = `${REGISTRY}/crossbake/binfmt:qemu-7.2-1`;
/** The rig's BuildKit image (e2e/rig/buildkit.sh), which the default docker-container builder runs. */
const BUILDKIT_IMAGE = `${REGISTRY}/moby/buildkit:buildx-stable-1`;
/** Setup options of a docker-container builder on the rig's BuildKit, as the e2e suite's default builder. */
const DOCKER_CONTAINER_SETUP = { driver: 'docker-container', 'driver-opts': [`image=${BUILDKIT_IMAGE}`], 'qemu-image': BINFMT_IMAGE };
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
const NX_ENV = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0' };

/** Runs a command to completion; resolves with its output, rejects (with the output's tail) on failure. */
function run(command, args, { cwd = repo, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    child.stdout.on('data', (d) => chunks.push(d));
    child.stderr.on('data', (d) => chunks.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const output = stripVTControlCharacters(Buffer.concat(chunks).toString('utf8'));
      if (code === 0) resolve(output);
      else
        reject(
          Object.assign(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.split('\n').slice(-40).join('\n')}`), {
            output,
          }),
        );
    });
  });
}

/** Milliseconds taken by an async function, with its result. */
async function timed(fn) {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

const text = (command, args, cwd = repo) => {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
};

const installed = (name) => {
  try {
    return require(path.join(repo, 'node_modules', name, 'package.json')).version;
  } catch {
    return 'not installed';
  }
};

/** Docker engine, buildx, Nx and @nx-tools/nx-container versions, for the record next to machine(). */
const versions = () => ({
  docker: text('docker', ['version', '--format', '{{.Server.Version}}']),
  buildx: text('docker', ['buildx', 'version']).split(' ')[1] ?? 'unknown',
  nx: installed('nx'),
  nxContainer: installed('@nx-tools/nx-container'),
});

const PLUGIN_FILES = ['package.json', 'executors.json', 'generators.json', 'dist'];
const PLUGIN_CHECK = [
  'dist/index.js',
  'dist/lib/options/schemas/multiarch.json',
  'dist/lib/options/schemas/affected.json',
  'dist/lib/options/schemas/setup.json',
];

/**
 * Copies the built plugin; waits (up to a minute) while its dist is being rebuilt. BENCH_PLUGIN_DIR names
 * another built copy (a folder with package.json, executors.json, generators.json and dist), e.g. a commit
 * built apart while the work tree is being changed.
 */
function snapshotPlugin(dest) {
  const source = path.resolve(process.env.BENCH_PLUGIN_DIR ?? path.join(repo, 'packages/nx-crossbake'));
  for (let attempt = 0; attempt < 60; attempt++) {
    fs.rmSync(dest, { recursive: true, force: true });
    try {
      for (const file of PLUGIN_FILES) fs.cpSync(path.join(source, file), path.join(dest, file), { recursive: true, dereference: true });
      if (PLUGIN_CHECK.every((f) => fs.existsSync(path.join(dest, f)))) {
        // Its own dependencies (the versions npm installed for it alone), linked.
        if (fs.existsSync(path.join(source, 'node_modules')))
          fs.symlinkSync(path.join(source, 'node_modules'), path.join(dest, 'node_modules'));
        return;
      }
    } catch {
      // dist went away while copying: a rebuild is under way
    }
    execFileSync('sleep', ['1']);
  }
  throw new Error(`no complete build of the plugin in ${source}/dist: run npm run build`);
}

/** A folder under tmp/bench with files written relative to it. */
/** project.json of a benchmark service: one nx-crossbake:multiarch target with these options. */
function imageProject(name, root, options, target = {}) {
  return { name, root, targets: { 'docker-multiarch': { executor: 'nx-crossbake:multiarch', ...target, options } } };
}

class BenchWorkspace {
  constructor(name) {
    this.dir = path.join(repo, 'tmp', 'bench', name);
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.mkdirSync(this.dir, { recursive: true });
  }

  write(file, content) {
    const target = path.join(this.dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }

  /**
   * An Nx workspace using the repo's node_modules, each entry linked, except the plugin: a private copy
   * of packages/nx-crossbake as built now (package.json, executors.json, generators.json, dist), so a
   * rebuild of the repo's dist during a long benchmark cannot break or change the runs.
   */
  initNx(nxJson = {}) {
    const modules = path.join(this.dir, 'node_modules');
    fs.mkdirSync(modules);
    for (const entry of fs.readdirSync(path.join(repo, 'node_modules'))) {
      // .cache stays the workspace's own: nx-container writes its outputs there.
      if (entry !== 'nx-crossbake' && entry !== '.cache') fs.symlinkSync(path.join(repo, 'node_modules', entry), path.join(modules, entry));
    }
    snapshotPlugin(path.join(modules, 'nx-crossbake'));
    this.write('package.json', { name: path.basename(this.dir), private: true });
    this.write('nx.json', { analytics: false, neverConnectToCloud: true, defaultBase: 'main', ...nxJson });
    this.write('.gitignore', 'node_modules\ndist\ntmp\n.nx\n.shim\n.shim-fake\nfailures\n');
  }

  commitAll(message) {
    const git = (...args) =>
      execFileSync('git', ['-c', 'user.email=b@example.com', '-c', 'user.name=bench', ...args], { cwd: this.dir, stdio: 'ignore' });
    if (!fs.existsSync(path.join(this.dir, '.git'))) git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', message);
  }

  nx(args, env = {}) {
    return run('npx', ['nx', ...args, '--output-style=static'], { cwd: this.dir, env: { ...NX_ENV, ...env } });
  }

  /**
   * A `docker` first on PATH that records every invocation before running the real one. With `fake`, it
   * runs nothing: it answers `buildx version` like buildx 0.29 and succeeds (a dry run that builds nothing).
   */
  dockerShim({ fake = false } = {}) {
    const dir = path.join(this.dir, fake ? '.shim-fake' : '.shim');
    const log = path.join(dir, 'docker-calls.log');
    const real = execFileSync('bash', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
    const run = fake
      ? 'case "$*" in *"buildx version"*) echo "github.com/docker/buildx v0.29.1 0000000";; esac\nexit 0'
      : `exec '${real}' "$@"`;
    this.write(path.relative(this.dir, path.join(dir, 'docker')), `#!/bin/sh\necho "$*" >> '${log}'\n${run}\n`);
    fs.chmodSync(path.join(dir, 'docker'), 0o755);
    fs.rmSync(log, { force: true });
    return {
      env: { PATH: `${dir}:${process.env.PATH}` },
      calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    };
  }
}

/** The pushed image index of a tag: its digest, platforms (attestations left out) and image configs. */
async function inspectPushed(ref) {
  const raw = JSON.parse(await run('docker', ['buildx', 'imagetools', 'inspect', '--raw', ref]));
  const platforms = (raw.manifests ?? [])
    .map((m) => m.platform)
    .filter((p) => p && p.os !== 'unknown')
    .map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/'))
    .sort();
  const digest = (await run('docker', ['buildx', 'imagetools', 'inspect', '--format', '{{json .Manifest.Digest}}', ref]))
    .trim()
    .replace(/"/g, '');
  const images = JSON.parse(await run('docker', ['buildx', 'imagetools', 'inspect', '--format', '{{json .Image}}', ref]));
  return { digest, platforms, images };
}

/** Removes the images of the engine's store under a repository prefix (only our own namespace). */
async function removeLocalImages(prefix) {
  const refs = (await run('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith(`${prefix}/`));
  for (const ref of refs) await run('docker', ['image', 'rm', ref]).catch(() => undefined);
  return refs.length;
}

/**
 * A benchmark's command-line end: runs it, prints its Markdown report and writes its result to
 * bench/results/<date>-<commit>-<name>.json, named by the commit measured; exits 1 when it fails.
 */
function reportAndSave(bench, formatReport, name) {
  bench()
    .then((r) => {
      console.log(formatReport(r));
      const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
      const file = path.join(repo, 'bench/results', `${new Date().toISOString().slice(0, 10)}-${sha}-${name}.json`);
      fs.writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
      console.log(`\nwritten: ${path.relative(repo, file)}`);
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}

module.exports = {
  imageProject,
  reportAndSave,
  repo,
  REGISTRY,
  BASE_IMAGE,
  BINFMT_IMAGE,
  BUILDKIT_IMAGE,
  DOCKER_CONTAINER_SETUP,
  PLATFORMS,
  NX_ENV,
  run,
  timed,
  versions,
  BenchWorkspace,
  inspectPushed,
  removeLocalImages,
};
