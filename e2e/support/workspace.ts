import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { stripVTControlCharacters } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { DOCKER_CONTAINER_SETUP_OPTIONS, REGISTRY } from './rig';

export { BASE_IMAGE, BINFMT_IMAGE, REGISTRY } from './rig';
export const REPO = resolve(__dirname, '../..');
/** Where the suite's template and workspaces live (global-setup.cjs reads the same variable). */
export const E2E_DIR = process.env.CROSSBAKE_E2E_DIR ? resolve(process.env.CROSSBAKE_E2E_DIR) : join(REPO, 'tmp/e2e');
/**
 * The builder every e2e workspace shares: the default docker-container driver, on the rig's BuildKit image
 * (Docker Hub is out of reach). Host networking for the rig's loopback registries is the plugin's own choice.
 */
export const SETUP_OPTIONS = DOCKER_CONTAINER_SETUP_OPTIONS;
/** Unique per e2e run, so images of an earlier run never satisfy a check. */
export const RUN_ID = Date.now().toString(36);
/**
 * The plugin's per-user state (builder readiness, source dates) of this e2e file's runs, and of no other: a
 * record left by an earlier suite on this machine must not decide what a test sees. Inherited by every
 * process a test starts.
 */
process.env.CROSSBAKE_STATE_DIR = join(tmpdir(), `crossbake-e2e-state-${RUN_ID}`);

// The Nx matrix (issue #14): which versions, where each one's template is. Shared with global-setup.cjs.
interface NxMatrix {
  NX_MATRIX: Record<string, unknown>;
  templateDir: (work: string, version: string) => string;
  NODE_BIN_FILE: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a .cjs module shared with global-setup.cjs, which Jest loads untranspiled
const matrix: NxMatrix = require('./nx-matrix.cjs');

export type NxVersion = '21' | '22' | '24';
/** Every Nx major the suite's Nx-facing cases run on, for `describe.each(NX_VERSIONS)`. */
export const NX_VERSIONS = Object.keys(matrix.NX_MATRIX) as NxVersion[];
/** What run-many, affected and release need on that Nx to batch our tasks: before 22.6 Nx batches only when asked. */
export const batchFlag = (nx: NxVersion): string[] => (nx === '21' ? ['--batch'] : []);

export interface WorkspaceOptions {
  /** The Nx major the workspace uses (its template's node_modules) and runs on its Node. Default `'22'`. */
  nx?: NxVersion;
}

/** How one Nx version of the matrix is run: its template, and the Node that template was installed for. */
interface NxInstall {
  template: string;
  /** The `nx` package's own version, e.g. `24.0.6`. */
  version: string;
  /** Argv that starts nx; undefined for the suite's own Node, where `npx nx` runs it as a user would. */
  command?: { node: string; nxBin: string; pathPrefix: string };
}

const installs = new Map<NxVersion, NxInstall>();
function nxInstall(nx: NxVersion): NxInstall {
  const known = installs.get(nx);
  if (known) return known;
  const template = matrix.templateDir(E2E_DIR, nx);
  const nxPackage = join(template, 'node_modules/nx/package.json');
  if (!existsSync(nxPackage)) {
    throw new Error(
      `no Nx ${nx} template at ${template}: the e2e global setup (support/global-setup.cjs) installs it; run the suite through e2e/jest.config.cjs with the same CROSSBAKE_E2E_DIR`,
    );
  }
  const pkg = JSON.parse(readFileSync(nxPackage, 'utf8')) as { version: string; bin: string | Record<string, string> };
  const nodeBinFile = join(template, matrix.NODE_BIN_FILE);
  let command: NxInstall['command'];
  if (existsSync(nodeBinFile)) {
    const nodeBin = readFileSync(nodeBinFile, 'utf8').trim();
    // Nx 24 moved its bin (bin/nx.js → dist/bin/nx.js): read it from the package, as npm does.
    const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.nx;
    command = { node: join(nodeBin, 'node'), nxBin: join(template, 'node_modules/nx', bin), pathPrefix: nodeBin };
  }
  const install = { template, version: pkg.version, command };
  installs.set(nx, install);
  return install;
}

/** The exact `nx` version the matrix runs for a major, e.g. `installedNx('24')` → `24.0.6`. */
export const installedNx = (nx: NxVersion): string => nxInstall(nx).version;

export interface ServiceSpec {
  /** Nx project name, e.g. `@acme/api`. */
  name: string;
  root: string;
  /** Dockerfile text; none is written when undefined. */
  dockerfile?: string;
  files?: Record<string, string>;
  /** The docker-multiarch target's options. */
  options: Record<string, unknown>;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout then stderr, ANSI colours removed. */
  output: string;
}

const stripAnsi = (text: string) => stripVTControlCharacters(text);

export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): CommandResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    input: options.input,
    maxBuffer: 256 * 1024 * 1024,
    timeout: 14 * 60 * 1000,
  });
  const stdout = result.stdout ?? '';
  const stderr = result.stderr ?? '';
  return { code: result.status ?? 1, stdout, stderr, output: stripAnsi(`${stdout}\n${stderr}`) };
}

export const imageRef = (service: string, tag = 'latest') => `${REGISTRY}/e2e-${RUN_ID}/${service}:${tag}`;

/**
 * A fresh Nx workspace using the plugin installed from its npm tarball (the template's node_modules), on
 * Nx 22 unless `options.nx` names another version of the matrix.
 */
export class Workspace {
  readonly dir: string;
  /** The Nx major this workspace runs. */
  readonly nxVersion: NxVersion;
  private readonly install: NxInstall;
  private readonly shimLog: string;

  constructor(
    label: string,
    services: ServiceSpec[],
    nxJson: Record<string, unknown> = {},
    setupOptions: Record<string, unknown> = SETUP_OPTIONS,
    options: WorkspaceOptions = {},
  ) {
    this.nxVersion = options.nx ?? '22';
    this.install = nxInstall(this.nxVersion);
    this.dir = join(E2E_DIR, `ws-${label}`);
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
    symlinkSync(join(this.install.template, 'node_modules'), join(this.dir, 'node_modules'));
    this.write('package.json', JSON.stringify({ name: `ws-${label}`, private: true }, null, 2));
    this.write('nx.json', JSON.stringify({ analytics: false, neverConnectToCloud: true, ...nxJson }, null, 2));
    for (const service of services) this.addService(service);
    this.write(
      'tools/builder/project.json',
      JSON.stringify(
        { name: 'builder', root: 'tools/builder', targets: { 'docker-setup': { executor: 'nx-crossbake:setup', options: setupOptions } } },
        null,
        2,
      ),
    );

    // A `docker` first on PATH that records every invocation, then runs the real one: how we count bakes.
    // The log lives outside the workspace, so a root build context (`"context": "."`) never sends it.
    this.shimLog = join(E2E_DIR, `ws-${label}.docker-calls.log`);
    rmSync(this.shimLog, { force: true });
    const realDocker = run('bash', ['-c', 'command -v docker']).stdout.trim();
    this.write('.shim/docker', `#!/bin/sh\necho "$*" >> '${this.shimLog}'\nexec '${realDocker}' "$@"\n`);
    chmodSync(join(this.dir, '.shim/docker'), 0o755);
  }

  write(path: string, content: string): void {
    mkdirSync(dirname(join(this.dir, path)), { recursive: true });
    writeFileSync(join(this.dir, path), content);
  }

  /** A file's text; `path` is workspace-relative, or absolute (the plugin's run files are outside the workspace). */
  read(path: string): string {
    return readFileSync(resolve(this.dir, path), 'utf8');
  }

  exists(path: string): boolean {
    return existsSync(resolve(this.dir, path));
  }

  addService(service: ServiceSpec): void {
    const project = {
      name: service.name,
      root: service.root,
      targets: {
        'docker-multiarch': {
          executor: 'nx-crossbake:multiarch',
          outputs: ['{workspaceRoot}/dist/nx-crossbake/{projectRoot}/docker-multiarch'],
          options: service.options,
        },
      },
    };
    this.write(join(service.root, 'project.json'), JSON.stringify(project, null, 2));
    if (service.dockerfile !== undefined) this.write(join(service.root, 'Dockerfile'), service.dockerfile);
    for (const [path, content] of Object.entries(service.files ?? {})) this.write(join(service.root, path), content);
  }

  /** The program, argv and environment that run this workspace's Nx with `args`. */
  private nxCommand(args: string[], env: NodeJS.ProcessEnv): { program: string; argv: string[]; env: NodeJS.ProcessEnv } {
    // Generators and nx release take no --output-style (generators would read it as one of their options).
    const style = ['g', 'generate', 'release'].includes(args[0]) ? [] : ['--output-style=static'];
    const { command } = this.install;
    // Another Node's bin goes right after the docker shim, so every process Nx starts (plugin workers,
    // executors, `node` of run-commands) runs on the Node this Nx version was installed for.
    const [program, argv, pathPrefix] = command
      ? [command.node, [command.nxBin, ...args, ...style], `${command.pathPrefix}:`]
      : ['npx', ['nx', ...args, ...style], ''];
    return {
      program,
      argv,
      env: {
        ...env,
        PATH: `${join(this.dir, '.shim')}:${pathPrefix}${process.env.PATH}`,
        NX_DAEMON: 'false',
        NX_NO_CLOUD: 'true',
        FORCE_COLOR: '0',
        CI: 'true',
      },
    };
  }

  nx(args: string[], env: NodeJS.ProcessEnv = {}): CommandResult {
    const { program, argv, env: nxEnv } = this.nxCommand(args, env);
    return run(program, argv, { cwd: this.dir, env: nxEnv });
  }

  /** Runs Nx, noting when each line of its output (stdout and stderr) arrived, in ms since the start. */
  nxLines(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; lines: { at: number; text: string }[] }> {
    const { program, argv, env: nxEnv } = this.nxCommand(args, env);
    const started = Date.now();
    const lines: { at: number; text: string }[] = [];
    const child = spawn(program, argv, { cwd: this.dir, env: { ...process.env, ...nxEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr])
      createInterface({ input: stream }).on('line', (text) => lines.push({ at: Date.now() - started, text: stripAnsi(text) }));
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? 1, lines }));
    });
  }

  /** Every docker command the plugin ran, one argv string each. */
  dockerCalls(): string[] {
    return existsSync(this.shimLog) ? readFileSync(this.shimLog, 'utf8').split('\n').filter(Boolean) : [];
  }

  bakeCalls(): string[] {
    return this.dockerCalls().filter((c) => /(^| )buildx( --builder \S+)? bake /.test(c));
  }

  /** The bake file a bake call read (`--file <path>`), as an absolute path. */
  bakeFile(call: string): string {
    const path = call.match(/--file (\S+)/)?.[1];
    if (!path) throw new Error(`no --file in the bake call: ${call}`);
    return resolve(this.dir, path);
  }
}

/** The platforms of the image index a tag points to in the registry (attestation entries left out). */
export function registryPlatforms(ref: string): string[] {
  const result = run('docker', ['buildx', 'imagetools', 'inspect', '--raw', ref]);
  if (result.code !== 0) throw new Error(`imagetools inspect ${ref} failed:\n${result.output}`);
  const index = JSON.parse(result.stdout) as {
    mediaType: string;
    manifests?: { platform?: { os: string; architecture: string; variant?: string } }[];
  };
  return (index.manifests ?? [])
    .map((m) => m.platform)
    .filter((p): p is NonNullable<typeof p> => !!p && p.os !== 'unknown')
    .map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/'))
    .sort();
}

/** Runs the image for one platform, pulled fresh from the registry (under QEMU when foreign). */
export function runImage(ref: string, platform: string, args: string[] = []): string {
  const result = run('docker', ['run', '--rm', '--pull', 'always', '--platform', platform, ref, ...args]);
  if (result.code !== 0) throw new Error(`docker run ${ref} (${platform}) failed:\n${result.output}`);
  return result.stdout.trim();
}

/** Runs `fn` while sampling every process's argv (ps) into memory: what a secret must never be part of. */
export function sampleArgvDuring<T>(fn: () => T): { result: T; samples: string } {
  const file = join(E2E_DIR, `ps-samples-${process.pid}.txt`);
  rmSync(file, { force: true });
  // spawnSync would block the sampler too: it runs on its own, writing to a file, until killed.
  const sampler = spawn('bash', ['-c', `while :; do ps -eo args >> '${file}'; sleep 0.05; done`], { stdio: 'ignore' });
  try {
    return { result: fn(), samples: existsSync(file) ? readFileSync(file, 'utf8') : '' };
  } finally {
    sampler.kill();
    rmSync(file, { force: true });
  }
}

/** Files under `dirs` that contain `text` (any of the texts given), node_modules folders aside. */
export function filesContaining(text: string | string[], dirs: string[]): string {
  // Several texts in one pass: each is a fixed string of its own (-e per text), any of them matches.
  const texts = [text].flat();
  return run('bash', [
    '-c',
    `n=$1; shift; pats=(); for t in "\${@:1:n}"; do pats+=(-e "$t"); done; grep -rlF --exclude-dir=node_modules "\${pats[@]}" "\${@:n+1}" 2>/dev/null || true`,
    'grep',
    String(texts.length),
    ...texts,
    ...dirs,
  ]).stdout.trim();
}
