import type { SetupExecutorSchema } from '../options/schemas/setup';
import { linkSiblingImages, rejectDependents } from '../bake/links';
import { normalizeBuilderSpec } from '../builder/builder-spec';
import { BinfmtSnapshot } from '../builder/emulation';
import type { SetupEnvironment } from '../builder/ensure-builder';
import { DockerCli } from '../docker/docker-cli';
import { withRegistryLogins } from '../docker/docker-config';
import { conflictingLogins, loginFailureFor } from '../docker/registries';
import { countingExec, exec as defaultExec, formatProcessCount, type Exec } from '../process/exec';
import { isForeignBinaryFailure } from '../docker/parse';
import { resolveGitFacts } from '../git/commit-facts';
import { resolveSourceDates } from '../facts/source-date';
import { withSourceDate } from '../facts/source-date-labels';
import type { RunFacts } from '../options/normalize';
import { BuilderMissingError, isReportable } from '../core/errors';
import { recordDigests } from '../results/digests';
import { writeReport } from '../results/report';
import type { ServiceResult } from '../results/service-result';
import { formatSeconds, formatSummary, taskLabel } from '../results/summary';
import { userStateStore, type StateStore } from '../core/state-file';
import { warnChurningContexts } from './context-check';
import { checkEmulation } from './emulation-check';
import { prepareServices, type PreparedService } from './prepare-services';
import { builderForTasks, unavailablePlatformProblems, type BuilderRequest, type ReadyBuilder } from './builder-for-tasks';
import { bakeAll } from './bake-all';
import { printBake } from './bake-once';
import { makeRunDir } from '../core/private-dirs';
import { rejected, type ServiceRequest } from './service-request';
import { splitRunTime, timed, type RunTimings } from './timings';

export type { ServiceRequest } from './service-request';

export interface BuildServicesInput {
  workspaceRoot: string;
  requests: readonly ServiceRequest[];
  cli?: DockerCli;
  log?: (message: string) => void;
  /** The workspace's setup options for a builder name (its docker-setup target), if it has any. */
  setupOptionsFor?: (builder: string) => SetupExecutorSchema | undefined;
  /** Dry run: write and print the bake file and command; build, set up and report nothing. */
  print?: boolean;
  /** The default branch (nx.json `defaultBase`), for `tag-latest` and the default branch's cache. */
  defaultBranch?: string;
  /** Replaces what the run learns from git, the environment and the clock (tests). */
  facts?: RunFacts;
  /** Runs git to learn the commit (replaced in tests). */
  exec?: Exec;
  /** Print every docker command line (`nx … --verbose`). */
  verbose?: boolean;
  /** Every registry the workspace's images on a builder touch: how setup decides host networking (runInputs gives it). */
  registriesFor?: BuilderRequest['registriesFor'];
  /** Replaces how emulators are detected (tests). */
  environment?: Pick<SetupEnvironment, 'readBinfmt' | 'native'>;
  /**
   * Where the run keeps what the next run need not ask again (builder readiness, source dates). The user's
   * store by default; a run given its own `cli` or `exec` (tests) keeps nothing unless given one.
   */
  state?: StateStore;
}

/** Each run's files live in their own private folder outside the workspace: in no build context, shared by no other Nx process. */
const getRunDir = (workspaceRoot: string, date = new Date(), pid = process.pid) => makeRunDir(workspaceRoot, { date, pid });

/** What every builder group of one run shares. */
interface RunContext {
  timings: RunTimings;
  /** binfmt_misc as this run read it: once, for every builder. */
  binfmt: BinfmtSnapshot;
  state?: StateStore;
  /** Runs git: the run's processes are counted (exec.ts countingExec). */
  exec: Exec;
  facts: RunFacts;
}

/** The platforms the builder's native nodes build (no emulation there); none when its options cannot be read. */
function nodePlatformsOf(input: BuildServicesInput, builder: string): string[] {
  try {
    return normalizeBuilderSpec({ ...input.setupOptionsFor?.(builder), builder }).nodes.flatMap((n) => n.platforms);
  } catch {
    return []; // builderForTasks reports the setup options' problems
  }
}

/**
 * One builder's share of the run: link siblings, make the builder ready, one bake (or print it). What the
 * builder cannot do for a task (a platform, an emulator) is that task's problem, and its dependents' only.
 */
async function buildGroup(
  input: BuildServicesInput & { cli: DockerCli; log: (m: string) => void },
  builder: string,
  group: PreparedService[],
  files: { bakeFile: string; metadataFile: string },
  run: RunContext,
): Promise<Map<string, ServiceResult>> {
  const results = new Map<string, ServiceResult>();
  const label = (id: string) => taskLabel({ ...group.find((g) => g.options.id === id)!.options, task: id });
  const { contexts, problems, notes } = linkSiblingImages(
    group.map((g) => ({ ...g.options, label: label(g.options.id), dockerfileRefs: g.dockerfileRefs })),
  );
  if (input.verbose) for (const note of notes) input.log(`nx-crossbake: ${note}`);
  for (const [id, problem] of checkEmulation(group, nodePlatformsOf(input, builder), input.log, input.environment?.native))
    problems.set(id, problem);
  const reject = () => {
    rejectDependents(problems, contexts, label);
    for (const g of group) {
      const problem = problems.get(g.options.id);
      if (problem && !results.has(g.request.id)) results.set(g.request.id, rejected(g.request, problem));
    }
    return group.filter((g) => !results.has(g.request.id));
  };
  let buildable = reject();
  if (buildable.length === 0) return results;

  const resolve = (fresh: boolean) =>
    timed(run.timings.setup, () =>
      builderForTasks(
        input.cli,
        {
          builder,
          services: buildable.map((g) => g.options),
          setupOptionsFor: input.setupOptionsFor ?? (() => undefined),
          registriesFor: input.registriesFor,
          readOnly: input.print ?? false,
          fresh,
        },
        {
          workspaceRoot: input.workspaceRoot,
          log: input.log,
          ...input.environment,
          binfmt: run.binfmt,
          state: run.state,
          env: run.facts.env,
        },
      ),
    );
  const usable = (resolved: ReadyBuilder) => {
    for (const [id, problem] of unavailablePlatformProblems(
      buildable.map((g) => g.options),
      resolved.unavailable,
    ))
      problems.set(id, problem);
    return reject();
  };
  let resolved = await resolve(false);
  buildable = usable(resolved);
  if (buildable.length === 0) return results;

  const { git, env } = run.facts;
  const dateCache = run.state && git.sha && git.shallow === false ? { state: run.state, sha: git.sha } : undefined;
  const dates = await resolveSourceDates(
    run.exec,
    input.workspaceRoot,
    buildable.map((g) => g.options),
    contexts,
    env,
    dateCache,
  );
  const datedServices = (tasks: PreparedService[]) => tasks.map((g) => withSourceDate(g.options, dates.get(g.options.id)));
  if (resolved.ref.isContext && datedServices(buildable).some((s) => s.sourceDateEpoch !== undefined)) {
    input.log(
      `nx-crossbake: builder ${builder} uses the docker driver, whose exporter cannot rewrite timestamps ("conflicts with unpack"): ` +
        'its images are not reproducible; a docker-container builder makes them so (reproducible: false silences this)',
    );
  }
  const bake = (tasks: PreparedService[], { ref, hint }: ReadyBuilder) =>
    timed(run.timings.bake, async () => {
      const bakeRun = { workspaceRoot: input.workspaceRoot, ...files, builder: ref, services: datedServices(tasks), links: contexts, hint };
      if (input.print) return printBake(input.cli, bakeRun, input.log);
      input.log(`nx-crossbake: one bake for ${tasks.length} task(s) on builder ${builder}: ${files.bakeFile}`);
      return bakeAll(input.cli, bakeRun, input.log);
    });

  let groupResults: ServiceResult[] | undefined;
  try {
    groupResults = await bake(buildable, resolved);
  } catch (e) {
    if (!(e instanceof BuilderMissingError && resolved.cached)) throw e;
  }
  // The builder was taken as ready from an earlier run's check, and the bake says otherwise: it is gone, or a
  // step could not run a binary of its platform (an emulator gone). Check it afresh and bake once more.
  const stale = !groupResults || groupResults.some((r) => r.status === 'failed' && isForeignBinaryFailure(r.error ?? ''));
  if (resolved.cached && stale) {
    input.log(
      `nx-crossbake: builder ${builder} is not as an earlier run found it (${groupResults ? 'a step could not run a binary of its platform' : 'bake did not find it'}): ` +
        'checking it again, and baking once more',
    );
    resolved = await resolve(true);
    buildable = usable(resolved);
    if (buildable.length === 0) return results;
    groupResults = await bake(buildable, resolved);
  }
  buildable.forEach((g, i) => results.set(g.request.id, groupResults![i]));
  return results;
}

/**
 * The pipeline of one Nx run: options → checks → per builder: sibling links, builder setup, one bake →
 * results → reports and summary. Every request gets a result; nothing is built unless it passed its checks.
 */
export async function buildServices(input: BuildServicesInput): Promise<Map<string, ServiceResult>> {
  const { workspaceRoot, requests, log = console.log } = input;
  // Every process of the run is counted; `--verbose` shows the count.
  const processes = countingExec(input.exec ?? defaultExec);
  const state = input.state ?? (input.cli || input.exec ? undefined : userStateStore());
  const cli = input.cli ?? new DockerCli(processes.exec, { trace: input.verbose ? (line) => log(`nx-crossbake: $ ${line}`) : undefined });
  const started = Date.now();
  const facts = input.facts ?? {
    env: process.env,
    git: await resolveGitFacts(processes.exec, workspaceRoot),
    defaultBranch: input.defaultBranch ?? 'main',
    now: new Date(),
  };
  const { ready, rejections: results } = await prepareServices(cli, workspaceRoot, requests, facts);

  warnChurningContexts(
    workspaceRoot,
    ready.map((r) => r.options),
    log,
  );
  const runDir = getRunDir(workspaceRoot);
  const builders = [...new Set(ready.map((r) => r.options.builder))];
  const run: RunContext = {
    timings: { setup: [], bake: [] },
    binfmt: new BinfmtSnapshot(input.environment?.readBinfmt),
    state,
    exec: processes.exec,
    facts,
  };
  // Two different logins for one registry: the tasks naming them stop before anyone logs in.
  for (const [id, problem] of conflictingLogins(ready.map((r) => r.options))) {
    results.set(id, rejected(ready.find((r) => r.options.id === id)!.request, problem));
  }
  const loggable = ready.filter((r) => !results.has(r.request.id));
  const logins = input.print ? [] : loggable.flatMap((r) => r.options.registries);
  await withRegistryLogins(cli, logins, facts.env, async (runCli, failedLogins) => {
    // A failed login stops only the tasks that push to or pull from that registry.
    for (const r of loggable) {
      const problem = loginFailureFor({ ...r.options, dockerfileRefs: r.dockerfileRefs }, failedLogins);
      if (problem) results.set(r.request.id, rejected(r.request, problem));
    }
    // Builder groups share nothing but the run: they are set up and baked at the same time.
    await Promise.all(
      builders.map(async (builder) => {
        const group = loggable.filter((r) => r.options.builder === builder && !results.has(r.request.id));
        if (group.length === 0) return;
        const suffix = builders.length > 1 ? `.${builder}` : '';
        const files = { bakeFile: `${runDir}/docker-bake${suffix}.json`, metadataFile: `${runDir}/metadata${suffix}.json` };
        try {
          for (const [id, result] of await buildGroup({ ...input, cli: runCli, log }, builder, group, files, run)) results.set(id, result);
        } catch (e) {
          if (!isReportable(e)) throw e;
          for (const g of group) results.set(g.request.id, rejected(g.request, e.message));
        }
      }),
    );
  });
  if (input.verbose) log(`nx-crossbake: processes started: ${formatProcessCount(processes.counts())}`);

  const ordered = requests.map((r) => results.get(r.id)!);
  if (input.print) return results;
  requests.forEach((r, i) => writeReport(workspaceRoot, r.project.root, ordered[i]));
  recordDigests(
    workspaceRoot,
    ready
      .filter((r) => results.get(r.request.id)!.status === 'built')
      .map((r) => ({ options: r.options, digest: results.get(r.request.id)!.digest })),
    log,
  );
  const time = splitRunTime(run.timings, Date.now() - started);
  log(
    `\n${formatSummary(ordered)}\n\nnx-crossbake: ${builders.length} bake(s) in ${formatSeconds(time.bakeMs)}; ` +
      `builder setup ${formatSeconds(time.setupMs)}; plugin overhead ${formatSeconds(time.overheadMs)}`,
  );
  return results;
}
