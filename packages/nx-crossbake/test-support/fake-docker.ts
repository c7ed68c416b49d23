import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Exec, ExecResult } from '../src/lib/process/exec';
import type { BakeDefinition, BakeTarget } from '../src/lib/docker/bake-file';
import type { FakeRegistry } from './fake-registry';

/** A workspace folder with a Dockerfile for each project root given. */
export function makeWorkspace(projectRoots: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'crossbake-spec-'));
  for (const projectRoot of projectRoots) {
    mkdirSync(join(root, projectRoot), { recursive: true });
    writeFileSync(join(root, projectRoot, 'Dockerfile'), 'FROM scratch\n');
  }
  return root;
}

/** A target's end in buildx's plain progress: its export (with the push, when it pushed), then its end step. */
const targetEndLines = (target: string, step: number, tag?: string, digest?: string) => [
  `#${step} [${target}] exporting to image`,
  ...(tag && digest ? [`#${step} pushing manifest for ${tag}@${digest} 0.1s done`] : []),
  `#${step} DONE 0.2s`,
  `#${step + 1} [${target}] resolving provenance for metadata file`,
  `#${step + 1} DONE 0.0s`,
];

export interface FakeDocker {
  exec: Exec;
  /** Builders that exist: name → inspect text. */
  builders: Map<string, string>;
  /** argv of every call, in order. */
  calls: string[][];
  /** Bake files as they were when bake ran. */
  bakes: BakeDefinition[];
}

const ok = (stdout = ''): ExecResult => ({ exitCode: 0, stdout, stderr: '' });
const argAfter = (args: readonly string[], flag: string) => args[args.indexOf(flag) + 1];

/**
 * Stands in for the docker CLI: answers the probes, and for `buildx bake` reads the bake file and either
 * writes a metadata file as buildx does, or fails the targets named in `failTargets` with buildx's output.
 */
/** A builder as `buildx inspect` prints it. */
export const inspectText = (name: string, driver: string, platforms: string[], nodes: { name: string; pinned: string[] }[] = []) =>
  [
    `Name:          ${name}`,
    `Driver:        ${driver}`,
    '',
    'Nodes:',
    `Name:      ${name}0`,
    `Status:    running`,
    `Platforms: ${platforms.join(', ')}`,
    ...nodes.flatMap((n) => ['', `Name:      ${n.name}`, 'Status:    running', `Platforms: ${n.pinned.map((p) => `${p}*`).join(', ')}`]),
  ].join('\n');

export interface FakeDockerOptions {
  /** A failing answer (docker or buildx missing) to every command that needs what is missing. */
  buildx?: ExecResult;
  driverStatus?: string;
  /** `docker info --format {{json .RegistryConfig}}`: the engine's mirrors and insecure registries. */
  registryConfig?: string;
  failTargets?: string[];
  /** A bake holding this target is refused as a whole, naming no target (as an entitlement refusal is). */
  refuseBakeWith?: string;
  /** Targets left out of the metadata file of a bake that succeeds. */
  unrecordedTargets?: string[];
  bakeExitCode?: number;
  bakeStderr?: string;
  /** Builders that exist before the run: name → inspect text. */
  builders?: Record<string, string>;
  /** Platforms a builder created during the run serves. */
  servedPlatforms?: string[];
  /** stderr of `buildx create` / `context create`, to fail it. */
  createFails?: string;
  /** What `bake --call check` says of a target (by bake target name); a target not listed has no findings. */
  checks?: Record<string, { findings?: { rule: string; line: number; message: string }[]; error?: string }>;
  /** Build warnings a bake writes into its metadata file, each about the Dockerfile with that text. */
  warnings?: { dockerfile: string; rule: string; line: number; message: string }[];
  /** Targets that push and show their end in the progress before the bake fails (failTargets), as buildx does. */
  endsBeforeFailure?: string[];
  /** The digest buildx's progress shows pushed for a target, when it is not the one the metadata file gets. */
  progressDigests?: Record<string, string>;
  /** Where bake pushes (each pushed target's tags get an index of its platforms) and imagetools create copies. */
  registry?: FakeRegistry;
}

export function fakeDocker(options: FakeDockerOptions = {}): FakeDocker {
  const calls: string[][] = [];
  const bakes: BakeDefinition[] = [];
  const builders = new Map(Object.entries(options.builders ?? {}));
  const served = options.servedPlatforms ?? ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/arm/v6'];
  const exec: Exec = async (file, args, execOptions) => {
    // Not a docker command: the run asking git about the commit. This workspace is not a repository.
    if (file === 'git') return { exitCode: 128, stdout: '', stderr: 'fatal: not a git repository' };
    calls.push([...args]);
    // `--context <name> buildx …` and `buildx --builder <name> …` select a builder: look past them.
    const plain = args[0] === '--context' ? args.slice(2) : args[1] === '--builder' ? [args[0], ...args.slice(3)] : args;
    const command = plain.slice(0, 2).join(' ');
    // docker (127) or buildx missing: the first command to need it meets it, as with the real CLI.
    if (options.buildx && options.buildx.exitCode !== 0 && (options.buildx.exitCode === 127 || plain[0] === 'buildx'))
      return options.buildx;
    if (command === 'buildx inspect') {
      const text = builders.get(args[args.length - 1]);
      return text ? ok(text) : { exitCode: 1, stdout: '', stderr: `ERROR: no builder "${args[args.length - 1]}" found` };
    }
    if (command === 'context inspect') return ok('unix:///var/run/docker.sock');
    if (command === 'context create' || command === 'buildx create') {
      if (options.createFails) return { exitCode: 1, stdout: '', stderr: options.createFails };
      const name = command === 'context create' ? args[2] : argAfter(args, '--name');
      if (builders.has(name) && !args.includes('--append')) {
        return {
          exitCode: 1,
          stdout: '',
          stderr: command === 'context create' ? `context "${name}" already exists` : `ERROR: existing instance for "${name}"`,
        };
      }
      if (!args.includes('--append'))
        builders.set(name, inspectText(name, command === 'context create' ? 'docker' : argAfter(args, '--driver'), served));
      return ok(name);
    }
    if (command === 'context rm' || command === 'buildx rm') {
      builders.delete(args[args.length - 1]);
      return ok();
    }
    if (command === 'buildx stop' || command === 'run --privileged') return ok();
    if (command === 'info --format' && args.includes('{{json .RegistryConfig}}'))
      return ok(options.registryConfig ?? '{"IndexConfigs":{},"Mirrors":[]}');
    if (command === 'info --format') return ok(options.driverStatus ?? '[["driver-type","io.containerd.snapshotter.v1"]]');
    if (command === 'image inspect') return ok('["tonistiigi/binfmt@sha256:' + '0'.repeat(64) + '"]');
    if (command === 'buildx history') {
      return ok(
        bakes
          .flatMap((bake) => Object.keys(bake.target))
          .map((t) => JSON.stringify({ ref: `b/n/${t}`, created_at: '2026-01-01T00:00:00Z', completed_at: '2026-01-01T00:00:04.5Z' }))
          .join('\n'),
      );
    }
    if (command === 'buildx bake') {
      const cwd = execOptions?.cwd ?? '.';
      const bake = JSON.parse(readFileSync(resolve(cwd, argAfter(args, '--file')), 'utf8')) as BakeDefinition;
      if (args.includes('--call')) {
        // The targets are the arguments after the last flag's value (bake's positional arguments).
        const named = Object.keys(bake.target).filter((t) => args.includes(t));
        const target = Object.fromEntries(
          named.map((t) => {
            const c = options.checks?.[t] ?? {};
            const warnings = (c.findings ?? []).map((f) => ({
              ruleName: f.rule,
              detail: f.message,
              url: `https://docs.docker.com/go/dockerfile/rule/${f.rule.toLowerCase()}/`,
              location: { ranges: [{ start: { line: f.line }, end: { line: f.line } }] },
            }));
            return [
              t,
              { build: bake.target[t], check: { warnings: warnings.length ? warnings : null, ...(c.error ? { error: c.error } : {}) } },
            ];
          }),
        );
        const failing = named.some((t) => options.checks?.[t]);
        return { exitCode: failing ? 1 : 0, stdout: JSON.stringify({ target }), stderr: '' };
      }
      bakes.push(bake);
      if (options.refuseBakeWith && options.refuseBakeWith in bake.target) {
        return { exitCode: 1, stdout: '', stderr: 'ERROR: additional privileges requested' };
      }
      const failing = (options.failTargets ?? []).filter((t) => t in bake.target);
      if (failing.length > 0 && options.registry) {
        for (const [i, t] of (options.endsBeforeFailure ?? []).filter((t) => t in bake.target).entries()) {
          const tag = bake.target[t].tags![0];
          targetEndLines(t, 30 + 2 * i, tag, options.registry.pushTarget(bake.target[t], tag)).forEach((l) =>
            execOptions?.onStderrLine?.(l),
          );
        }
      }
      if (failing.length > 0 || options.bakeExitCode) {
        const stderr =
          options.bakeStderr ??
          failing
            .flatMap((t, i) => [
              `#${i + 9} [${t} 2/2] RUN make`,
              `#${i + 9} 0.1 boom in ${t}`,
              `ERROR: target ${t}: failed to solve: exit code: 2`,
            ])
            .join('\n');
        return { exitCode: options.bakeExitCode ?? 1, stdout: '', stderr };
      }
      const pushed = (target: BakeTarget) =>
        options.registry && (target.output ?? []).some((o) => o.includes('push=true'))
          ? (target.tags ?? []).map((tag) => options.registry!.pushTarget(target, tag))[0]
          : undefined;
      const metadata = Object.fromEntries(
        Object.entries(bake.target)
          .filter(([t]) => !(options.unrecordedTargets ?? []).includes(t))
          .map(([t, target]) => [
            t,
            {
              'buildx.build.ref': `b/n/${t}`,
              'containerimage.digest': pushed(target) ?? `sha256:${t}`,
              'image.name': (target.tags ?? []).join(','),
            },
          ]),
      );
      const b64 = (text: string) => Buffer.from(text).toString('base64');
      if (options.warnings?.length && execOptions?.env?.BUILDX_METADATA_WARNINGS === '1') {
        metadata['buildx.build.warnings'] = options.warnings.map((w) => ({
          short: b64(`${w.rule}: ${w.message} (line ${w.line})`),
          url: `https://docs.docker.com/go/dockerfile/rule/${w.rule.toLowerCase()}/`,
          sourceInfo: { filename: 'Dockerfile', data: b64(w.dockerfile) },
          range: [{ start: { line: w.line }, end: { line: w.line } }],
        })) as never;
      }
      // Each target's end as buildx's plain progress shows it (results/target-ends.ts), told line by line.
      for (const [i, t] of Object.keys(metadata)
        .filter((t) => t in bake.target)
        .entries()) {
        const digest = options.progressDigests?.[t] ?? metadata[t]['containerimage.digest'];
        targetEndLines(t, 10 + 2 * i, bake.target[t].tags?.[0], digest).forEach((l) => execOptions?.onStderrLine?.(l));
      }
      const metadataPath = resolve(cwd, argAfter(args, '--metadata-file'));
      mkdirSync(dirname(metadataPath), { recursive: true });
      writeFileSync(metadataPath, JSON.stringify(metadata));
      return ok();
    }
    if (command === 'buildx imagetools' && plain[2] === 'create' && options.registry) {
      const tags = plain.flatMap((a, i) => (plain[i - 1] === '--tag' ? [a] : []));
      for (const tag of tags) options.registry.copy(plain[plain.length - 1], tag);
      return ok();
    }
    throw new Error(`fake docker: unexpected command ${args.join(' ')}`);
  };
  return { exec, calls, bakes, builders };
}
