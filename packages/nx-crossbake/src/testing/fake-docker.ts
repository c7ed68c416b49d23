import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Exec, ExecResult } from '../lib/docker/exec';
import type { BakeDefinition } from '../types/bake';

/** A workspace folder with a Dockerfile for each project root given. */
export function makeWorkspace(projectRoots: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'crossbake-spec-'));
  for (const projectRoot of projectRoots) {
    mkdirSync(join(root, projectRoot), { recursive: true });
    writeFileSync(join(root, projectRoot, 'Dockerfile'), 'FROM scratch\n');
  }
  return root;
}

export interface FakeDocker {
  exec: Exec;
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
export function fakeDocker(
  options: { buildx?: ExecResult; driverStatus?: string; failTargets?: string[]; bakeExitCode?: number; bakeStderr?: string } = {},
): FakeDocker {
  const calls: string[][] = [];
  const bakes: BakeDefinition[] = [];
  const exec: Exec = async (_file, args, execOptions) => {
    calls.push([...args]);
    const command = args.slice(0, 2).join(' ');
    if (command === 'buildx version') return options.buildx ?? ok('github.com/docker/buildx 0.29.1 abc');
    if (command === 'info --format') return ok(options.driverStatus ?? '[["driver-type","io.containerd.snapshotter.v1"]]');
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
      const bake = JSON.parse(readFileSync(join(cwd, argAfter(args, '--file')), 'utf8')) as BakeDefinition;
      bakes.push(bake);
      const failing = (options.failTargets ?? []).filter((t) => t in bake.target);
      if (failing.length > 0 || options.bakeExitCode) {
        const stderr =
          options.bakeStderr ??
          failing.flatMap((t, i) => [`#${i + 9} [${t} 2/2] RUN make`, `#${i + 9} 0.1 boom in ${t}`, `ERROR: target ${t}: failed to solve: exit code: 2`]).join('\n');
        return { exitCode: options.bakeExitCode ?? 1, stdout: '', stderr };
      }
      const metadata = Object.fromEntries(
        Object.entries(bake.target).map(([t, target]) => [
          t,
          { 'buildx.build.ref': `b/n/${t}`, 'containerimage.digest': `sha256:${t}`, 'image.name': (target.tags ?? []).join(',') },
        ]),
      );
      const metadataPath = join(cwd, argAfter(args, '--metadata-file'));
      mkdirSync(dirname(metadataPath), { recursive: true });
      writeFileSync(metadataPath, JSON.stringify(metadata));
      return ok();
    }
    throw new Error(`fake docker: unexpected command ${args.join(' ')}`);
  };
  return { exec, calls, bakes };
}
