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
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
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
