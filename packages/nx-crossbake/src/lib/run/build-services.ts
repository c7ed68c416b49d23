import type { MultiarchExecutorSchema } from '../../executors/multiarch/schema';
import type { SetupExecutorSchema } from '../../executors/setup/schema';
import { normalizeBuilderSpec } from '../builder/builder-spec';
import { ensureBuilder, type SetupEnvironment } from '../builder/ensure-builder';
import type { BuilderInfo } from '../builder/inspect';
import type { BuilderRef } from '../docker/commands';
import { DockerCli } from '../docker/docker-cli';
import { CrossbakeError, DockerCommandError } from '../errors';
import { checkBuildInputs } from '../options/check-inputs';
import { normalizeOptions, type ProjectRef } from '../options/normalize';
import type { ServiceOptions } from '../options/service-options';
import { writeReport } from '../results/report';
import type { ServiceResult } from '../results/service-result';
import { formatSeconds, formatSummary } from '../results/summary';
import { runBake } from './run-bake';

export interface ServiceRequest {
  /** The Nx task id, e.g. `@acme/api:docker-multiarch`. */
  id: string;
  project: ProjectRef;
  options: MultiarchExecutorSchema;
}

export interface BuildServicesInput {
  workspaceRoot: string;
  requests: readonly ServiceRequest[];
  cli?: DockerCli;
  log?: (message: string) => void;
  /** The workspace's setup options for a builder name (its docker-setup target), if it has any. */
  setupOptionsFor?: (builder: string) => SetupExecutorSchema | undefined;
  /** Replaces how emulators are detected (tests). */
  environment?: Pick<SetupEnvironment, 'readBinfmt' | 'native'>;
}

/** Each run's bake files live in their own folder, so parallel Nx processes never share one. */
export const getRunDir = (date = new Date(), pid = process.pid) =>
  `tmp/nx-crossbake/${date.toISOString().replace(/[:.]/g, '-')}-${pid}`;

const invalid = (request: ServiceRequest, options: MultiarchExecutorSchema, error: string): ServiceResult => ({
  project: request.project.name,
  status: 'invalid',
  platforms: options.platforms ?? [],
  tags: options.tags ?? [],
  push: options.push ?? false,
  load: options.load ?? false,
  error,
});

/** Checks the engine once for the whole run; returns a problem per service the engine cannot serve. */
async function checkEngine(cli: DockerCli, services: ServiceOptions[]): Promise<Map<string, string>> {
  await cli.buildxVersion();
  const problems = new Map<string, string>();
  const multiLoad = services.filter((s) => s.load && s.platforms.length > 1);
  if (multiLoad.length > 0 && !(await cli.usesContainerdStore())) {
    for (const s of multiLoad) {
      problems.set(
        s.project,
        `'load: true' with ${s.platforms.length} platforms needs an engine with the containerd image store ` +
          `("features": {"containerd-snapshotter": true} in daemon.json); otherwise load one platform or use 'push'`,
      );
    }
  }
  return problems;
}

/**
 * Makes the group's builder ready (unless every project says setup: false) and tells how to reach it.
 * Runs once per builder per Nx process.
 */
async function resolveBuilder(
  cli: DockerCli,
  builder: string,
  group: { options: ServiceOptions }[],
  setupOptionsFor: (builder: string) => SetupExecutorSchema | undefined,
  environment: SetupEnvironment,
): Promise<BuilderRef> {
  let info: BuilderInfo | undefined;
  if (group.some((b) => b.options.setup)) {
    const platforms = [...new Set(group.flatMap((b) => b.options.platforms))];
    const { remove: _remove, 'remove-state': _removeState, ...setup } = setupOptionsFor(builder) ?? {};
    info = (await ensureBuilder(cli, normalizeBuilderSpec({ ...setup, builder }, platforms), environment)).builder;
  } else {
    info = await cli.inspectBuilder(builder);
    if (!info) throw new CrossbakeError(`builder '${builder}' does not exist: create it, or set 'setup: true' to let nx-crossbake manage it`);
  }
  return { name: builder, isContext: info.driver === 'docker' };
}

/**
 * The pipeline of one Nx run: options → checks → one bake per builder → results → reports and summary.
 * Every request gets a result; nothing is built unless its options, inputs and the engine passed.
 */
export async function buildServices(input: BuildServicesInput): Promise<Map<string, ServiceResult>> {
  const { workspaceRoot, requests, cli = new DockerCli(), log = console.log, setupOptionsFor = () => undefined } = input;
  const started = Date.now();
  const results = new Map<string, ServiceResult>();
  const ready: { request: ServiceRequest; options: ServiceOptions }[] = [];

  for (const request of requests) {
    try {
      const options = normalizeOptions(request.options, request.project);
      checkBuildInputs(options, workspaceRoot);
      ready.push({ request, options });
    } catch (e) {
      if (!(e instanceof CrossbakeError)) throw e;
      results.set(request.id, invalid(request, request.options, e.message));
    }
  }

  let engineProblems = new Map<string, string>();
  try {
    if (ready.length > 0) engineProblems = await checkEngine(cli, ready.map((r) => r.options));
  } catch (e) {
    if (!(e instanceof CrossbakeError)) throw e;
    for (const { options } of ready) engineProblems.set(options.project, e.message);
  }
  const buildable = ready.filter(({ request, options }) => {
    const problem = engineProblems.get(options.project);
    if (problem) results.set(request.id, invalid(request, request.options, problem));
    return !problem;
  });

  const runDir = getRunDir();
  const builders = [...new Set(buildable.map((b) => b.options.builder))];
  let bakeMs = 0;
  let setupMs = 0;
  for (const builder of builders) {
    const group = buildable.filter((b) => b.options.builder === builder);
    const suffix = builders.length > 1 ? `.${builder}` : '';
    const bakeFile = `${runDir}/docker-bake${suffix}.json`;
    let groupResults: ServiceResult[];
    try {
      const setupStarted = Date.now();
      const builderRef = await resolveBuilder(cli, builder, group, setupOptionsFor, { workspaceRoot, log, ...input.environment });
      setupMs += Date.now() - setupStarted;
      log(`nx-crossbake: one bake for ${group.length} project(s) on builder ${builder}: ${bakeFile}`);
      const bakeStarted = Date.now();
      groupResults = await runBake(cli, {
        workspaceRoot,
        bakeFile,
        metadataFile: `${runDir}/metadata${suffix}.json`,
        builder: builderRef,
        services: group.map((b) => b.options),
      });
      bakeMs += Date.now() - bakeStarted;
    } catch (e) {
      if (!(e instanceof CrossbakeError || e instanceof DockerCommandError)) throw e;
      groupResults = group.map((b) => invalid(b.request, b.request.options, e.message));
    }
    group.forEach((b, i) => results.set(b.request.id, groupResults[i]));
  }

  const ordered = requests.map((r) => results.get(r.id)!);
  requests.forEach((r, i) => writeReport(workspaceRoot, r.project.root, ordered[i]));
  const totalMs = Date.now() - started;
  log(
    `\n${formatSummary(ordered)}\n\nnx-crossbake: ${builders.length} bake(s) in ${formatSeconds(bakeMs)}; ` +
      `builder setup ${formatSeconds(setupMs)}; plugin overhead ${formatSeconds(totalMs - bakeMs - setupMs)}`,
  );
  return results;
}
