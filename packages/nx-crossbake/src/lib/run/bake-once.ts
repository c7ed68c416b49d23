import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { getBakeDefinition } from '../bake/definition';
import { getBakeEntitlements } from '../bake/entitlements';
import { assignTargetNames } from '../bake/target-names';
import type { BuilderRef } from '../docker/commands';
import type { DockerCli } from '../docker/docker-cli';
import type { ServiceOptions } from '../options/service-options';
import { parseBakeFailure } from '../results/failures';
import { distinctFindings, parseMetadataWarnings, withCheckDirectiveHint } from '../results/checks';
import { parseBakeMetadata } from '../results/metadata';
import { targetEnds } from '../results/target-ends';
import type { CheckFinding, ServiceResult } from '../results/service-result';
import { taskLabel } from '../results/summary';
import { withRegistryHints, type BuilderHintFacts } from '../results/hints';
import type { ToldTasks } from './early-results';

export interface BakeRun {
  workspaceRoot: string;
  /** Workspace-relative paths of the files this bake writes. */
  bakeFile: string;
  metadataFile: string;
  builder: BuilderRef;
  services: readonly ServiceOptions[];
  /** task id → { image as its Dockerfile writes it → sibling task building it in this bake }. */
  links?: Map<string, Record<string, string>>;
  /** Siblings reused from the registry: task id → `<repo>@<digest>`, which their dependents are built FROM. */
  reused?: ReadonlyMap<string, string>;
  /** What failure hints need to know of the builder (how it reaches registries). */
  hint?: BuilderHintFacts;
  /**
   * Told, while the bake still runs, of each task whose target buildx's progress shows finished (targetEnds): a
   * result built as buildx's progress says, with the digest it pushed. Only the metadata file, at the end,
   * confirms it; the caller confirms it otherwise (in the registry) before reporting it, or waits.
   */
  onTargetEnd?: (result: ServiceResult) => void;
  /** Tasks told done already (run/early-results.ts): a retry of what the bake cancelled leaves them out. */
  finished?: ToldTasks;
}

/** What one bake run says of its services; `wholeBake` when it failed without naming any target. */
interface BakeOutcome {
  results: ServiceResult[];
  wholeBake: boolean;
}

const baseResult = (s: ServiceOptions, bakeTarget: string, bakeFile: string): ServiceResult => ({
  task: s.id,
  project: s.project,
  targetName: s.targetName,
  status: 'built',
  bakeTarget,
  platforms: s.platforms,
  tags: s.tags,
  push: s.push,
  load: s.load,
  bakeFile,
});

/**
 * buildx's own record of each of this bake's builds, by build ref (`buildx.build.ref` of its metadata): only the
 * records started since the bake began are asked for, and only its own refs read. Empty when history is
 * unavailable (an older buildx without `--filter`, a builder that keeps none).
 */
async function buildDurations(cli: DockerCli, builder: BuilderRef, refs: readonly string[], since: Date): Promise<Map<string, number>> {
  if (refs.length === 0) return new Map();
  const ours = new Set(refs);
  try {
    const records = await cli.buildHistory(builder, since);
    return new Map(
      records
        .filter((r) => ours.has(r.ref) && r.created_at && r.completed_at)
        .map((r) => [r.ref, Date.parse(r.completed_at!) - Date.parse(r.created_at!)]),
    );
  } catch {
    return new Map();
  }
}

/**
 * Writes the bake file of the run; returns the bake target name of each task, the file's text, and the
 * privileges (`--allow`) exactly these targets ask for, so bake never refuses the run for one of them.
 */
function writeBakeFile(run: BakeRun): { names: Map<string, string>; text: string; entitlements: string[] } {
  const names = assignTargetNames(run.services);
  // A docker-driver builder is a context (BuilderRef.isContext): the one driver that cannot push by digest.
  const definition = getBakeDefinition(run.services, names, run.links, { dockerDriver: run.builder.isContext }, run.reused);
  const text = `${JSON.stringify(definition, null, 2)}\n`;
  const bakePath = resolve(run.workspaceRoot, run.bakeFile);
  mkdirSync(dirname(bakePath), { recursive: true });
  writeFileSync(bakePath, text);
  return { names, text, entitlements: getBakeEntitlements(definition, run.workspaceRoot) };
}

/** Dry run: writes the bake file and prints it with the exact command that would build it. */
export function printBake(cli: DockerCli, run: BakeRun, log: (message: string) => void): ServiceResult[] {
  const { names, text, entitlements } = writeBakeFile(run);
  const command = cli.bakeCommandLine({ ...run, entitlements });
  log(`${text}\n# run from ${run.workspaceRoot}:\n${command}`);
  return run.services.map((s) => ({ ...baseResult(s, names.get(s.id)!, run.bakeFile), status: 'planned' }));
}

/**
 * What the metadata file confirms of a target that bake reported successful: nothing is reported built
 * (or pushed, or loaded) unless buildx recorded it, and an image it pushed or loaded has its digest.
 */
function confirm(result: ServiceResult, image: ReturnType<ReturnType<typeof parseBakeMetadata>['get']>): ServiceResult {
  if (!image) {
    return {
      ...result,
      status: 'failed',
      error: `bake succeeded, but its metadata file has no record of target '${result.bakeTarget}': nothing confirms it was built`,
    };
  }
  if ((result.push || result.load) && !image.digest) {
    return {
      ...result,
      status: 'failed',
      error: `bake succeeded, but its metadata file gives target '${result.bakeTarget}' no image digest: nothing confirms it was ${result.push ? 'pushed' : 'loaded'}`,
    };
  }
  return { ...result, digest: image.digest };
}

/**
 * The build warnings of a bake, given to the tasks whose Dockerfile they are about (buildx keeps one of each
 * across targets, so tasks with the same Dockerfile share them). `check: off` tasks report none.
 */
function findingsByTask(
  workspaceRoot: string,
  services: readonly ServiceOptions[],
  warnings: ReturnType<typeof parseMetadataWarnings>,
): Map<string, CheckFinding[]> {
  const found = new Map<string, CheckFinding[]>();
  if (warnings.length === 0) return found;
  for (const s of services) {
    if (s.check === 'off') continue;
    const text = readFileSync(resolve(workspaceRoot, s.file), 'utf8');
    const own = warnings.filter((w) => w.dockerfile === text).map((w) => ({ ...w.finding, file: s.file }));
    if (own.length) found.set(s.id, distinctFindings(own));
  }
  return found;
}

/** Writes one bake file for the services, runs it once, and reports every service honestly. */
export async function bakeOnce(cli: DockerCli, run: BakeRun): Promise<BakeOutcome> {
  const { names, entitlements } = writeBakeFile(run);

  const started = Date.now();
  const taskOf = new Map([...names].map(([task, target]) => [target, task]));
  const ends = targetEnds();
  const onProgressLine = (line: string) => {
    const end = ends(line);
    const s = end && run.services.find((service) => service.id === taskOf.get(end.target));
    if (s) run.onTargetEnd?.({ ...baseResult(s, end!.target, run.bakeFile), digest: end!.digest, durationMs: Date.now() - started });
  };
  const bake = await cli.bake({
    bakeFile: run.bakeFile,
    metadataFile: run.metadataFile,
    builder: run.builder,
    cwd: run.workspaceRoot,
    entitlements,
    onProgressLine: run.onTargetEnd && run.services.length > 1 ? onProgressLine : undefined,
  });
  const bakeMs = Date.now() - started;
  const results = run.services.map((s) => baseResult(s, names.get(s.id)!, run.bakeFile));

  if (bake.exitCode === 0) {
    const metadata = readFileSync(resolve(run.workspaceRoot, run.metadataFile), 'utf8');
    const images = parseBakeMetadata(metadata);
    const refs = [...images.values()].flatMap((image) => image.buildRef ?? []);
    const durations = await buildDurations(cli, run.builder, refs, new Date(started));
    const checks = findingsByTask(run.workspaceRoot, run.services, parseMetadataWarnings(metadata));
    return {
      wholeBake: false,
      results: results.map((result) => {
        const image = images.get(result.bakeTarget!);
        const found = checks.get(result.task);
        return {
          ...confirm(result, image),
          durationMs: (image?.buildRef && durations.get(image.buildRef)) || bakeMs,
          ...(found?.length ? { checks: found } : {}),
        };
      }),
    };
  }

  const failure = parseBakeFailure(bake.stderr);
  const explained = (text: string) => withCheckDirectiveHint(run.hint ? withRegistryHints(text, run.hint, cli) : text);
  const failed = results.filter((r) => failure.targets.has(r.bakeTarget!)).map(taskLabel);
  for (const result of results) {
    result.durationMs = bakeMs;
    // A bake of one target names none: what buildx said is that target's.
    const own = failure.targets.get(result.bakeTarget!) ?? (results.length === 1 ? failure.only : undefined);
    if (own !== undefined) {
      Object.assign(result, { status: 'failed', error: explained(own.text), failure: own.cause });
    } else if (failed.length > 0) {
      Object.assign(result, {
        status: 'cancelled',
        error: `not confirmed: bake stops at the first failure (${failed.join(', ')} failed), so this image may or may not have been built or pushed; keep-going bakes it again, or run again once that is fixed`,
      });
    } else {
      Object.assign(result, {
        status: 'failed',
        error: explained(`${bake.command} exited with code ${bake.exitCode}:\n${failure.general}`),
      });
    }
  }
  return { results, wholeBake: failed.length === 0 };
}
