/**
 * Issue 13, Node: `nx g nx-crossbake:cross-compile` moves an `npm ci` whose package-lock v3 proves
 * node_modules platform-independent to a `FROM --platform=$BUILDPLATFORM` twin stage, and refuses one whose
 * lockfile records an install script. The app is built for linux/amd64, linux/arm64 and linux/arm/v7 before
 * and after the rewrite through `nx run` of the real plugin, on the rig's node stand-in (e2e/rig/node-image.sh:
 * Debian bookworm's nodejs and npm).
 *
 * The one dependency needs no network: a `file:` tarball inside the build context. A tarball, not a folder,
 * so that node_modules holds a real copy (a folder dependency is a symlink out of node_modules, which the
 * rewrite refuses); its COPY comes before the install, as npm ci needs it there. The lockfiles are written
 * by the real npm (`--package-lock-only`), not by hand.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageRef, REGISTRY, run, runImage, SETUP_OPTIONS, Workspace, type CommandResult, type ServiceSpec } from './support/workspace';
import { coldNxRun } from './support/cold-build';

const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
const NODE = `${REGISTRY}/crossbake/node:latest`;
// A builder of this file's own, so its cache and history are no other suite's.
const BUILDER = 'e2e-cross-compile-node';
const HOST_PLATFORM = { x86_64: 'linux/amd64', aarch64: 'linux/arm64' }[run('uname', ['-m']).stdout.trim()] ?? 'unknown';

const DOCKERFILE = `FROM ${NODE}
WORKDIR /app
COPY package*.json ./
COPY vendor/ vendor/
RUN npm ci
COPY . .
CMD ["node", "index.js"]
`;

const REWRITTEN = `# nx-crossbake:cross-compile: the install runs on the build machine; the lockfile proves node_modules the same on every platform (docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM ${NODE} AS build
WORKDIR /app
COPY package*.json ./
COPY vendor/ vendor/
RUN npm ci

FROM ${NODE}
WORKDIR /app
COPY package*.json ./
COPY vendor/ vendor/
COPY --from=build /app/node_modules /app/node_modules
COPY . .
CMD ["node", "index.js"]
`;

interface NodeApp {
  /** Text files by project-relative path. */
  files: Record<string, string>;
  /** vendor/greet-1.0.0.tgz, byte for byte. */
  tarball: Buffer;
}

/** An app depending on `greet`, packed by the real npm into vendor/, and the lockfile npm writes for it. */
function nodeApp(name: string, greetScripts: Record<string, string> = {}): NodeApp {
  const dir = mkdtempSync(join(tmpdir(), `crossbake-${name}-`));
  mkdirSync(join(dir, 'greet'));
  mkdirSync(join(dir, 'vendor'));
  writeFileSync(
    join(dir, 'greet/package.json'),
    JSON.stringify({ name: 'greet', version: '1.0.0', main: 'index.js', scripts: greetScripts }),
  );
  writeFileSync(join(dir, 'greet/index.js'), 'module.exports = (who) => `hello ${who} from node ${process.version} on ${process.arch}`;\n');
  const packed = run('npm', ['pack', '--pack-destination', '../vendor'], { cwd: join(dir, 'greet') });
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.output}`);
  const manifest = JSON.stringify(
    { name, version: '1.0.0', private: true, dependencies: { greet: 'file:vendor/greet-1.0.0.tgz' } },
    null,
    2,
  );
  writeFileSync(join(dir, 'package.json'), manifest);
  const locked = run('npm', ['install', '--package-lock-only', '--offline', '--no-audit', '--no-fund'], { cwd: dir });
  if (locked.code !== 0) throw new Error(`npm install --package-lock-only failed:\n${locked.output}`);
  return {
    files: {
      'package.json': manifest,
      'package-lock.json': readFileSync(join(dir, 'package-lock.json'), 'utf8'),
      'index.js': "console.log(require('greet')('world'));\n",
      '.dockerignore': 'node_modules\n',
    },
    tarball: readFileSync(join(dir, 'vendor/greet-1.0.0.tgz')),
  };
}

interface Build {
  seconds: number;
  output: string;
  prints: Record<string, string>;
  /** The platform column of every `RUN npm ci` step header in the plain progress, e.g. `linux/arm64`, `linux/amd64->arm64`. */
  npmSteps: string[];
}

function build(ws: Workspace, project: string): Build {
  const result = coldNxRun(ws, BUILDER, project);
  const seconds = result.seconds;
  // Bake names the target first: `#9 [web linux/arm64 4/6] RUN npm ci`, `#9 [web linux/amd64->arm64 build 4/4] RUN npm ci`.
  const npmSteps = [...result.output.matchAll(/^#\d+ \[(?:[\w-]+ )?(linux\/\S+) [^\]]*\] RUN npm ci$/gm)].map((m) => m[1]);
  return {
    seconds,
    output: result.output,
    prints: Object.fromEntries(PLATFORMS.map((p) => [p, runImage(imageRef(project), p)])),
    npmSteps,
  };
}

describe('nx g nx-crossbake:cross-compile on a Node install', () => {
  let ws: Workspace;
  let before: Build;
  let after: Build;
  let generated: CommandResult;
  let again: CommandResult;
  let refused: CommandResult;
  const apps: Record<string, NodeApp> = {};

  beforeAll(() => {
    const service = (name: string, greetScripts?: Record<string, string>): ServiceSpec => {
      apps[name] = nodeApp(name, greetScripts);
      return {
        name,
        root: `apps/${name}`,
        dockerfile: DOCKERFILE,
        files: apps[name].files,
        options: { platforms: PLATFORMS, tags: [imageRef(name)], push: true, builder: BUILDER },
      };
    };
    ws = new Workspace(
      'cross-compile-node',
      [service('web'), service('scripted', { postinstall: "node -e \"require('fs').writeFileSync('built', process.arch)\"" })],
      {},
      { ...SETUP_OPTIONS, builder: BUILDER },
    );
    // Binary: Workspace.write writes text.
    for (const name of ['web', 'scripted']) {
      mkdirSync(join(ws.dir, `apps/${name}/vendor`), { recursive: true });
      writeFileSync(join(ws.dir, `apps/${name}/vendor/greet-1.0.0.tgz`), apps[name].tarball);
    }

    before = build(ws, 'web');
    generated = ws.nx(['g', 'nx-crossbake:cross-compile', '--project=web']);
    again = ws.nx(['g', 'nx-crossbake:cross-compile', '--project=web']);
    refused = ws.nx(['g', 'nx-crossbake:cross-compile', '--project=scripted']);
    after = build(ws, 'web');
    const steps = (b: Build) => b.npmSteps.join(', ');
    process.stderr.write(
      `[e2e] cross-compile-node: cold nx run web ${before.seconds.toFixed(1)}s before (npm ci steps: ${steps(before)}), ${after.seconds.toFixed(1)}s after (${steps(after)})\n`,
    );
  });

  it('npm wrote the lockfiles the rewrite reads: v3, the refused one with hasInstallScript', () => {
    expect(JSON.parse(apps.web.files['package-lock.json'])).toMatchObject({
      lockfileVersion: 3,
      packages: { 'node_modules/greet': { resolved: 'file:vendor/greet-1.0.0.tgz' } },
    });
    expect(JSON.parse(apps.web.files['package-lock.json']).packages['node_modules/greet'].hasInstallScript).toBeUndefined();
    expect(JSON.parse(apps.scripted.files['package-lock.json']).packages['node_modules/greet'].hasInstallScript).toBe(true);
  });

  it('built the original with npm ci under QEMU, and the advisor pointed at the generator', () => {
    expect(new Set(before.npmSteps)).toEqual(new Set(PLATFORMS));
    expect(before.output).toContain('npm ci: ');
    expect(before.output).toContain('nx g nx-crossbake:cross-compile --project=web');
  });

  it('rewrote the Dockerfile: npm ci in a $BUILDPLATFORM twin, node_modules copied back, and printed the diff', () => {
    expect(generated.code).toBe(0);
    expect(ws.read('apps/web/Dockerfile')).toBe(REWRITTEN);
    expect(generated.output).toContain('+++ b/apps/web/Dockerfile');
    expect(generated.output).toContain(`+FROM --platform=$BUILDPLATFORM ${NODE} AS build`);
    expect(generated.output).toContain('+COPY --from=build /app/node_modules /app/node_modules');
    expect(generated.output).toContain("apps/web/Dockerfile:5 npm ci now runs in stage 'build' on the build platform");
  });

  it('is idempotent: a second run changes nothing', () => {
    expect(again.code).toBe(0);
    expect(again.output).toContain('apps/web/Dockerfile: nothing to rewrite: no compile step runs on the target platform');
    expect(ws.read('apps/web/Dockerfile')).toBe(REWRITTEN);
  });

  it('every platform prints the same before and after, from its own Node', () => {
    expect(before.prints).toEqual({
      'linux/amd64': 'hello world from node v18.20.4 on x64',
      'linux/arm64': 'hello world from node v18.20.4 on arm64',
      'linux/arm/v7': 'hello world from node v18.20.4 on arm',
    });
    expect(after.prints).toEqual(before.prints);
  });

  it('ran npm ci on the build machine only after the rewrite', () => {
    expect(after.npmSteps.length).toBeGreaterThan(0);
    for (const platform of after.npmSteps) expect(platform.split('->')[0]).toBe(HOST_PLATFORM);
    expect(after.output).not.toContain('cross-compile --project=web');
  });

  it('refuses the lockfile with an install script, says why, and leaves that Dockerfile alone', () => {
    expect(refused.code).toBe(0);
    expect(refused.output).toContain(
      'apps/scripted/Dockerfile:5 npm ci not rewritten: apps/scripted/package-lock.json v3: node_modules/greet runs an install script',
    );
    expect(ws.read('apps/scripted/Dockerfile')).toBe(DOCKERFILE);
  });
});

describe("nx g nx-crossbake:cross-compile on the plugin's inferred target", () => {
  let ws: Workspace;
  let shown: CommandResult;
  let generated: CommandResult;

  beforeAll(() => {
    // The README's default setup: the plugin registered in nx.json, a project.json without targets, a Dockerfile at its
    // root. targetName and platforms are the plugin's, so the generator must read both from nx.json.
    ws = new Workspace('cross-compile-inferred', [], {
      plugins: [{ plugin: 'nx-crossbake', options: { targetName: 'image', platforms: PLATFORMS } }],
    });
    const app = nodeApp('inferred');
    ws.write('apps/inferred/project.json', JSON.stringify({ name: 'inferred', root: 'apps/inferred' }, null, 2));
    ws.write('apps/inferred/Dockerfile', DOCKERFILE);
    for (const [path, text] of Object.entries(app.files)) ws.write(`apps/inferred/${path}`, text);
    mkdirSync(join(ws.dir, 'apps/inferred/vendor'), { recursive: true });
    writeFileSync(join(ws.dir, 'apps/inferred/vendor/greet-1.0.0.tgz'), app.tarball);
    shown = ws.nx(['show', 'project', 'inferred', '--json']);
    generated = ws.nx(['g', 'nx-crossbake:cross-compile', '--project=inferred']);
  });

  it('Nx infers the target from the plugin: project.json names none', () => {
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout).targets.image).toMatchObject({ executor: 'nx-crossbake:multiarch', options: { platforms: PLATFORMS } });
    expect(JSON.parse(ws.read('apps/inferred/project.json')).targets).toBeUndefined();
  });

  it("rewrites the Dockerfile through the inferred target, --target defaulting to the plugin's targetName", () => {
    expect(generated.code).toBe(0);
    expect(generated.output).toContain("apps/inferred/Dockerfile:5 npm ci now runs in stage 'build' on the build platform");
    expect(ws.read('apps/inferred/Dockerfile')).toBe(REWRITTEN);
  });
});

/**
 * A lockfile that does not record install scripts or platforms — package-lock v1, written by npm 6 and by
 * `npm install --lockfile-version=1` — moves once the generator has read the registry's record of each pinned
 * version. The registry is a real HTTP one of this machine (support/npm-registry.cjs serving what `npm pack`
 * made), the one the app's .npmrc names: the generator reads it with --npmRegistry, and the build's `npm ci`
 * installs from it (the builder's RUN steps reach the host's loopback).
 */
describe('nx g nx-crossbake:cross-compile on a package-lock v1, with the registry records', () => {
  const LEGACY = `FROM ${NODE}
WORKDIR /app
COPY package*.json .npmrc ./
RUN npm ci
COPY index.js ./
CMD ["node", "index.js"]
`;
  let registry: ChildProcess;
  let folder: string;
  let origin: string;
  let ws: Workspace;
  let generated: CommandResult;
  let refused: CommandResult;
  let after: Build;

  /** `npm pack` of a package `name` into the registry's folder. */
  function publish(name: string, scripts: Record<string, string> = {}): void {
    const dir = mkdtempSync(join(tmpdir(), `crossbake-${name}-`));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js', scripts }));
    writeFileSync(join(dir, 'index.js'), 'module.exports = (who) => `hello ${who} from node ${process.version} on ${process.arch}`;\n');
    const packed = run('npm', ['pack', '--pack-destination', folder], { cwd: dir });
    if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.output}`);
  }

  /** An app depending on `dependency`, with the v1 lockfile the real npm writes against the registry. */
  function legacyApp(name: string, dependency: string): ServiceSpec {
    const dir = mkdtempSync(join(tmpdir(), `crossbake-${name}-`));
    const manifest = JSON.stringify({ name, version: '1.0.0', private: true, dependencies: { [dependency]: '1.0.0' } }, null, 2);
    writeFileSync(join(dir, 'package.json'), manifest);
    const locked = run(
      'npm',
      ['install', '--package-lock-only', '--lockfile-version=1', `--registry=${origin}/`, '--no-audit', '--no-fund'],
      {
        cwd: dir,
      },
    );
    if (locked.code !== 0) throw new Error(`npm install --package-lock-only failed:\n${locked.output}`);
    return {
      name,
      root: `apps/${name}`,
      dockerfile: LEGACY,
      files: {
        'package.json': manifest,
        'package-lock.json': readFileSync(join(dir, 'package-lock.json'), 'utf8'),
        '.npmrc': `registry=${origin}/\n`,
        'index.js': `console.log(require('${dependency}')('world'));\n`,
      },
      options: { platforms: PLATFORMS, tags: [imageRef(name)], push: true, builder: BUILDER },
    };
  }

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'crossbake-npm-registry-'));
    publish('greet');
    publish('greet-scripted', { postinstall: "node -e \"require('fs').writeFileSync('built', process.arch)\"" });
    registry = spawn(process.execPath, [join(__dirname, 'support/npm-registry.cjs'), folder], { stdio: 'ignore' });
    for (let waited = 0; !existsSync(join(folder, 'port')); waited += 100) {
      if (waited > 10_000) throw new Error('the e2e npm registry did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    origin = `http://127.0.0.1:${readFileSync(join(folder, 'port'), 'utf8')}`;
    ws = new Workspace(
      'cross-compile-npm-v1',
      [legacyApp('legacy', 'greet'), legacyApp('legacy-scripted', 'greet-scripted')],
      {},
      {
        ...SETUP_OPTIONS,
        builder: BUILDER,
      },
    );
    writeFileSync(join(folder, 'requests'), '');
    generated = ws.nx(['g', 'nx-crossbake:cross-compile', '--project=legacy', `--npmRegistry=${origin}/`]);
    refused = ws.nx(['g', 'nx-crossbake:cross-compile', '--project=legacy-scripted', `--npmRegistry=${origin}/`]);
    after = build(ws, 'legacy');
  });

  afterAll(() => registry?.kill());

  it('npm wrote a v1 lockfile: no install scripts, no platforms recorded', () => {
    const lock = JSON.parse(ws.read('apps/legacy/package-lock.json'));
    expect(lock).toMatchObject({ lockfileVersion: 1, dependencies: { greet: { version: '1.0.0' } } });
    expect(lock.packages).toBeUndefined();
  });

  it("read the pinned version's record from the registry, then moved npm ci to the build machine", () => {
    expect(generated.code).toBe(0);
    expect(readFileSync(join(folder, 'requests'), 'utf8')).toContain('GET /greet/1.0.0\n');
    expect(generated.output).toMatch(new RegExp(`read 1 package records from ${origin.slice('http://'.length)} in \\d+\\.\\d s`));
    expect(generated.output).toContain("apps/legacy/Dockerfile:4 npm ci now runs in stage 'build' on the build platform");
    expect(ws.read('apps/legacy/Dockerfile')).toContain('COPY --from=build /app/node_modules /app/node_modules');
  });

  it('refuses the app whose dependency the registry shows running a script, naming it', () => {
    expect(refused.code).toBe(0);
    expect(refused.output).toContain(
      'apps/legacy-scripted/Dockerfile:4 npm ci not rewritten: apps/legacy-scripted/package-lock.json v1: node_modules/greet-scripted runs an install script',
    );
    expect(ws.read('apps/legacy-scripted/Dockerfile')).toBe(LEGACY);
  });

  it('the rewritten image installs on the build machine only, and runs on every platform with its own Node', () => {
    expect(after.npmSteps.length).toBeGreaterThan(0);
    for (const platform of after.npmSteps) expect(platform.split('->')[0]).toBe(HOST_PLATFORM);
    expect(after.prints).toEqual({
      'linux/amd64': 'hello world from node v18.20.4 on x64',
      'linux/arm64': 'hello world from node v18.20.4 on arm64',
      'linux/arm/v7': 'hello world from node v18.20.4 on arm',
    });
  });
});
