import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { getBakeDefinition } from '../bake/definition';
import { assignTargetNames } from '../bake/target-names';
import { getBakeCommand, type BuilderRef } from '../docker/commands';
import type { DockerCli } from '../docker/docker-cli';
import type { ServiceOptions } from '../options/service-options';
import { parseBakeFailure } from '../results/failures';
import { parseBakeMetadata } from '../results/metadata';
import type { ServiceResult } from '../results/service-result';

export interface BakeRun {
  workspaceRoot: string;
  /** Workspace-relative paths of the files this bake writes. */
  bakeFile: string;
  metadataFile: string;
  builder: BuilderRef;
  services: readonly ServiceOptions[];
  /** project → { image as its Dockerfile writes it → sibling project building it in this bake }. */
  links?: Map<string, Record<string, string>>;
}

const baseResult = (s: ServiceOptions, bakeTarget: string, bakeFile: string): ServiceResult => ({
  project: s.project,
  status: 'built',
  bakeTarget,
  platforms: s.platforms,
  tags: s.tags,
  push: s.push,
  load: s.load,
  bakeFile,
});

/** buildx's own record of each build's time, keyed by build ref; empty when history is unavailable. */
async function buildDurations(cli: DockerCli, builder: BuilderRef): Promise<Map<string, number>> {
  try {
    const records = await cli.buildHistory(builder);
    return new Map(
      records
        .filter((r) => r.created_at && r.completed_at)
        .map((r) => [r.ref, Date.parse(r.completed_at!) - Date.parse(r.created_at!)]),
    );
  } catch {
    return new Map();
  }
}

/** Writes the bake file of the run; returns the bake target name of each project and the file's text. */
function writeBakeFile(run: BakeRun): { names: Map<string, string>; text: string } {
  const names = assignTargetNames(run.services.map((s) => s.project));
  // A docker-driver builder is a context (BuilderRef.isContext): the one driver that cannot push by digest.
  const text = `${JSON.stringify(getBakeDefinition(run.services, names, run.links, { dockerDriver: run.builder.isContext }), null, 2)}\n`;
  const bakePath = join(run.workspaceRoot, run.bakeFile);
  mkdirSync(dirname(bakePath), { recursive: true });
  writeFileSync(bakePath, text);
  return { names, text };
}

/** Dry run: writes the bake file and prints it with the exact command that would build it. */
export function printBake(run: BakeRun, log: (message: string) => void): ServiceResult[] {
  const { names, text } = writeBakeFile(run);
  const command = ['docker', ...getBakeCommand(run)].join(' ');
  log(`${text}\n# run from ${run.workspaceRoot}:\n${command}`);
  return run.services.map((s) => ({ ...baseResult(s, names.get(s.project)!, run.bakeFile), status: 'planned' }));
}

const retryFile = (file: string, attempt: number) => file.replace(/\.json$/, `.retry-${attempt}.json`);

/**
 * Bakes the services and reports every one honestly. Bake stops all targets at the first failure; when
 * every service keeps going, the targets it cancelled are baked again without the failed ones, until
 * none is cancelled. A dependent whose sibling base failed is not retried: it would build on a stale base.
 */
export async function runBake(cli: DockerCli, run: BakeRun): Promise<ServiceResult[]> {
  const results = new Map((await bakeOnce(cli, run)).map((r) => [r.project, r]));
  const keepGoing = run.services.every((s) => s.keepGoing);
  for (let attempt = 1; keepGoing; attempt++) {
    const failed = new Set([...results.values()].filter((r) => r.status === 'failed').map((r) => r.project));
    const cancelled = run.services.filter((s) => results.get(s.project)!.status === 'cancelled');
    if (failed.size === 0 || cancelled.length === 0) break;
    const retry = cancelled.filter((s) => {
      const base = Object.values(run.links?.get(s.project) ?? {}).find((p) => failed.has(p));
      if (base) Object.assign(results.get(s.project)!, { status: 'failed', error: `not built: it is built FROM '${base}', which failed` });
      return !base;
    });
    if (retry.length === 0) break;
    const again = await bakeOnce(cli, { ...run, services: retry, bakeFile: retryFile(run.bakeFile, attempt), metadataFile: retryFile(run.metadataFile, attempt) });
    for (const r of again) results.set(r.project, r);
  }
  return run.services.map((s) => results.get(s.project)!);
}

/** Writes one bake file for the services, runs it once, and reports every service honestly. */
async function bakeOnce(cli: DockerCli, run: BakeRun): Promise<ServiceResult[]> {
  const { names } = writeBakeFile(run);

  const started = Date.now();
  const bake = await cli.bake({ bakeFile: run.bakeFile, metadataFile: run.metadataFile, builder: run.builder, cwd: run.workspaceRoot });
  const bakeMs = Date.now() - started;
  const results = run.services.map((s) => baseResult(s, names.get(s.project)!, run.bakeFile));

  if (bake.exitCode === 0) {
    const images = parseBakeMetadata(readFileSync(join(run.workspaceRoot, run.metadataFile), 'utf8'));
    const durations = await buildDurations(cli, run.builder);
    for (const result of results) {
      const image = images.get(result.bakeTarget!);
      result.digest = image?.digest;
      result.durationMs = (image?.buildRef && durations.get(image.buildRef)) || bakeMs;
    }
    return results;
  }

  const failure = parseBakeFailure(bake.stderr);
  const failed = results.filter((r) => failure.targets.has(r.bakeTarget!)).map((r) => r.project);
  for (const result of results) {
    result.durationMs = bakeMs;
    const own = failure.targets.get(result.bakeTarget!);
    if (own !== undefined) {
      Object.assign(result, { status: 'failed', error: own });
    } else if (failed.length > 0) {
      Object.assign(result, {
        status: 'cancelled',
        error: `not confirmed: bake stops at the first failure (${failed.join(', ')} failed), so this image may or may not have been built or pushed; keep-going bakes it again, or run again once that is fixed`,
      });
    } else {
      Object.assign(result, { status: 'failed', error: `docker buildx bake exited with code ${bake.exitCode}:\n${failure.general}` });
    }
  }
  return results;
}
