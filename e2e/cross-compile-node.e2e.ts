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
import { vendoredPackages } from './support/vendored-packages';

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

const REWRITTEN = `# nx-crossbake:cross-compile: the install runs on the build machine; the lockfile proves node_modules the same on every platform (node_modules/nx-crossbake/docs/cross-compile.md)
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
  const greet = 'module.exports = (who) => `hello ${who} from node ${process.version} on ${process.arch}`;\n';
  const vendored = vendoredPackages(name, { greet: { source: greet, scripts: greetScripts } }, { dependencies: ['greet'] });
  return {
    files: {
      'package.json': vendored.manifest,
      'package-lock.json': vendored.lockfile,
      'index.js': "console.log(require('greet')('world'));\n",
      '.dockerignore': 'node_modules\n',
    },
    tarball: vendored.tarballs['greet-1.0.0.tgz'],
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
 * The installs a package-lock v3 does not settle alone, and the one it cannot, against a real HTTP npm registry
 * of this machine (support/npm-registry.cjs serving what `npm pack` made), which each app's .npmrc names: the
 * builds' `npm ci` install from it (the builder's RUN steps reach the host's loopback).
 * - legacy: a package-lock v1 (npm 6's, written by `npm install --lockfile-version=1`) records no install
 *   scripts or platforms: the generator reads the pinned version's record from the registry (--npmRegistry),
 *   then moves npm ci; legacy-scripted's dependency has a postinstall, which the record shows: refused.
 * - pruned: esbuild-like tooling (a dev dependency with a postinstall) builds dist/, `npm prune --omit=dev`
 *   leaves production's plain JavaScript, and node_modules goes to a Node image: the stage moves whole.
 * - chain: `FROM base AS compiled` builds dist/ into a server that runs its own `npm ci --omit=dev`: the
 *   chain moves whole, and the server's own install moves to a build twin of its own.
 * All three are built in one run-many for amd64/arm64/arm/v7 and run on each.
 */
describe('nx g nx-crossbake:cross-compile on lockfiles the registry completes, pruned stages and stage chains', () => {
  const LEGACY = `FROM ${NODE}
WORKDIR /app
COPY package*.json .npmrc ./
RUN npm ci
COPY index.js ./
CMD ["node", "index.js"]
`;
  const PRUNED = `FROM ${NODE} AS build
WORKDIR /app
COPY package*.json .npmrc ./
RUN npm ci
COPY build.js ./
RUN npm run build
RUN npm prune --omit=dev

FROM ${NODE}
WORKDIR /app
COPY --from=build /app/node_modules /app/node_modules
COPY --from=build /app/dist /app/dist
CMD ["node", "dist/index.js"]
`;
  const CHAIN = `FROM ${NODE} AS base
WORKDIR /app
COPY package*.json .npmrc ./
RUN npm ci
COPY build.js ./

FROM base AS compiled
RUN npm run build

FROM ${NODE}
WORKDIR /app
COPY package*.json .npmrc ./
COPY --from=compiled /app/dist ./dist
RUN npm ci --omit=dev
CMD ["node", "dist/index.js"]
`;
  // dist/index.js, written by the project's build: what runs in the image.
  const BUILD_JS =
    "require('fs').mkdirSync('dist', { recursive: true });\nrequire('fs').writeFileSync('dist/index.js', \"console.log(require('greet')('world'));\\n\");\n";
  const BUILT = ['legacy', 'pruned', 'chain'];
  let registry: ChildProcess;
  let folder: string;
  let origin: string;
  let ws: Workspace;
  const generated: Record<string, CommandResult> = {};
  let built: CommandResult;

  /** `npm pack` of a package `name` into the registry's folder. */
  function publish(name: string, scripts: Record<string, string> = {}): void {
    const dir = mkdtempSync(join(tmpdir(), `crossbake-${name}-`));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js', scripts }));
    writeFileSync(join(dir, 'index.js'), 'module.exports = (who) => `hello ${who} from node ${process.version} on ${process.arch}`;\n');
    const packed = run('npm', ['pack', '--pack-destination', folder], { cwd: dir });
    if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.output}`);
  }

  /** A service whose lockfile the real npm writes against the registry. */
  function app(
    name: string,
    dockerfile: string,
    manifest: Record<string, unknown>,
    lockfileVersion: number,
    files: Record<string, string>,
  ): ServiceSpec {
    const dir = mkdtempSync(join(tmpdir(), `crossbake-${name}-`));
    const text = JSON.stringify({ name, version: '1.0.0', private: true, ...manifest }, null, 2);
    writeFileSync(join(dir, 'package.json'), text);
    const args = [
      'install',
      '--package-lock-only',
      `--lockfile-version=${lockfileVersion}`,
      `--registry=${origin}/`,
      '--no-audit',
      '--no-fund',
    ];
    const locked = run('npm', args, { cwd: dir });
    if (locked.code !== 0) throw new Error(`npm install --package-lock-only failed:\n${locked.output}`);
    return {
      name,
      root: `apps/${name}`,
      dockerfile,
      files: {
        'package.json': text,
        'package-lock.json': readFileSync(join(dir, 'package-lock.json'), 'utf8'),
        '.npmrc': `registry=${origin}/\n`,
        ...files,
      },
      options: { platforms: PLATFORMS, tags: [imageRef(name)], push: true, builder: BUILDER },
    };
  }

  /** The platform column of each `RUN npm ci` step of one bake target: `linux/arm64`, `linux/amd64->arm64`. */
  const npmCiSteps = (target: string) =>
    [...built.output.matchAll(new RegExp(`^#\\d+ \\[${target} (linux/\\S+) [^\\]]*\\] RUN npm ci`, 'gm'))].map((m) => m[1]);

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'crossbake-npm-registry-'));
    publish('greet');
    // Stands for esbuild and the like: a build tool whose install script ties it to the machine.
    publish('greet-scripted', { postinstall: "node -e \"require('fs').writeFileSync('built', process.arch)\"" });
    registry = spawn(process.execPath, [join(__dirname, 'support/npm-registry.cjs'), folder], { stdio: 'ignore' });
    for (let waited = 0; !existsSync(join(folder, 'port')); waited += 100) {
      if (waited > 10_000) throw new Error('the e2e npm registry did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    origin = `http://127.0.0.1:${readFileSync(join(folder, 'port'), 'utf8')}`;
    const index = { 'index.js': "console.log(require('greet')('world'));\n" };
    const builds = {
      dependencies: { greet: '1.0.0' },
      devDependencies: { 'greet-scripted': '1.0.0' },
      scripts: { build: 'node build.js' },
    };
    ws = new Workspace(
      'cross-compile-npm-registry',
      [
        app('legacy', LEGACY, { dependencies: { greet: '1.0.0' } }, 1, index),
        app('legacy-scripted', LEGACY, { dependencies: { 'greet-scripted': '1.0.0' } }, 1, index),
        app('pruned', PRUNED, builds, 3, { 'build.js': BUILD_JS }),
        app('chain', CHAIN, builds, 3, { 'build.js': BUILD_JS }),
      ],
      {},
      { ...SETUP_OPTIONS, builder: BUILDER },
    );
    writeFileSync(join(folder, 'requests'), '');
    for (const name of [...BUILT, 'legacy-scripted'])
      generated[name] = ws.nx(['g', 'nx-crossbake:cross-compile', `--project=${name}`, `--npmRegistry=${origin}/`]);
    built = ws.nx(['run-many', '-t', 'docker-multiarch', `--projects=${BUILT.join(',')}`]);
  });

  afterAll(() => registry?.kill());

  it('npm wrote a v1 lockfile for legacy: no install scripts, no platforms recorded', () => {
    const lock = JSON.parse(ws.read('apps/legacy/package-lock.json'));
    expect(lock).toMatchObject({ lockfileVersion: 1, dependencies: { greet: { version: '1.0.0' } } });
    expect(lock.packages).toBeUndefined();
  });

  it("read the pinned version's record from the registry, then moved npm ci to the build machine", () => {
    expect(generated.legacy.code).toBe(0);
    expect(readFileSync(join(folder, 'requests'), 'utf8')).toContain('GET /greet/1.0.0\n');
    expect(generated.legacy.output).toMatch(
      new RegExp(
        `asked ${origin.slice('http://'.length)} for 1 pinned versions in \\d+\\.\\d s, for what the lockfile does not record: 1 records read`,
      ),
    );
    expect(generated.legacy.output).toContain("apps/legacy/Dockerfile:4 npm ci now runs in stage 'build' on the build platform");
    expect(ws.read('apps/legacy/Dockerfile')).toContain('COPY --from=build /app/node_modules /app/node_modules');
  });

  it('refuses the app whose dependency the registry shows running a script, naming it', () => {
    expect(generated['legacy-scripted'].code).toBe(0);
    expect(generated['legacy-scripted'].output).toContain(
      'apps/legacy-scripted/Dockerfile:4 npm ci not rewritten: apps/legacy-scripted/package-lock.json v1: node_modules/greet-scripted runs an install script',
    );
    expect(ws.read('apps/legacy-scripted/Dockerfile')).toBe(LEGACY);
  });

  it('moved the pruned stage whole: its node_modules, pruned to production, is the same everywhere', () => {
    expect(generated.pruned.code).toBe(0);
    expect(generated.pruned.output).toContain('what leaves it is files, and node_modules the lockfile proves the same on every platform');
    expect(ws.read('apps/pruned/Dockerfile')).toBe(
      PRUNED.replace(
        `FROM ${NODE} AS build`,
        `# nx-crossbake:cross-compile: files leave this stage, and node_modules its lockfile proves the same on every platform: it builds once, on the build machine (node_modules/nx-crossbake/docs/cross-compile.md)\nFROM --platform=$BUILDPLATFORM ${NODE} AS build`,
      ),
    );
  });

  it("moved the chain with its first stage, and the server's own production install to a build twin", () => {
    expect(generated.chain.code).toBe(0);
    const dockerfile = ws.read('apps/chain/Dockerfile');
    expect(dockerfile).toContain(`FROM --platform=$BUILDPLATFORM ${NODE} AS base\n`);
    expect(dockerfile).toContain('FROM base AS compiled\n');
    expect(dockerfile).toContain('COPY --from=build /app/node_modules /app/node_modules');
    expect(generated.chain.output).toContain(
      "the whole stage (with 'compiled', built FROM it) runs once, on the build machine: only files leave it",
    );
  });

  it('built all three in one run, every npm ci on the build machine', () => {
    expect(built.code).toBe(0);
    for (const name of BUILT) {
      const steps = npmCiSteps(name);
      expect([name, steps.length > 0]).toEqual([name, true]);
      for (const platform of steps) expect([name, platform.split('->')[0]]).toEqual([name, HOST_PLATFORM]);
    }
  });

  it.each(BUILT)('%s runs on every platform with its own Node', (name) => {
    expect(Object.fromEntries(PLATFORMS.map((p) => [p, runImage(imageRef(name), p)]))).toEqual({
      'linux/amd64': 'hello world from node v18.20.4 on x64',
      'linux/arm64': 'hello world from node v18.20.4 on arm64',
      'linux/arm/v7': 'hello world from node v18.20.4 on arm',
    });
  });
});
