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
import { CREATED_LABEL, type RunFacts } from '../options/normalize';
import { BuilderMissingError, isReportable } from '../core/errors';
import { recordDigests } from '../results/digests';
import { writeCiReports } from '../results/ci-summary';
import { writeReport } from '../results/report';
import type { ServiceResult } from '../results/service-result';
import { formatSeconds, formatSigningNote, formatSummary, taskLabel } from '../results/summary';
import { userStateStore, type StateStore } from '../core/state-file';
import { warnChurningContexts } from './context-check';
import { checkEmulation } from './emulation-check';
import { prepareServices, type PreparedService } from './prepare-services';
import { builderForTasks, unavailablePlatformProblems, type BuilderRequest, type ReadyBuilder } from './builder-for-tasks';
import { bakeAll } from './bake-all';
import { checkBeforeBuilding, type CheckFailure } from './check-step';
import { earlyResults } from './early-results';
import { registryReader } from './registry-reader';
import { prefetchContexts, startReuse } from './reuse-step';
import { prepareSigning, withSigning, type Signer } from './sign-step';
import { CosignCli } from '../cosign/cosign-cli';
import { printBake } from './bake-once';
import { makeRunDir } from '../core/private-dirs';
import type { ManifestReader } from '../reuse/manifest-reader';
import { rejected, type ServiceRequest } from './service-request';
import { coveredMs, splitRunTime, timed, type RunTimings } from './timings';

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
   * The registry reuse looks images up in. By default the registry as the builder reaches it; a run given its
   * own `cli` or `exec` (tests) looks nothing up unless given one.
   */
  registry?: ManifestReader;
  /**
   * Told a task's result as soon as it is final, before the run ends (Nx's terminal UI shows it done): a reused
   * task once its tags are pointed; a built one once buildx's progress shows its target finished and the
   * registry has its tags on the digest pushed (run/early-results.ts). At most once per task; the others are
   * known when the run returns.
   */
  onResult?: (result: ServiceResult) => void;
  /**
   * Where the run keeps what the next run need not ask again (builder readiness, source dates). The user's
   * store by default; a run given its own `cli` or `exec` (tests) keeps nothing unless given one.
   */
  state?: StateStore;
}

/** A warning said once per key (the first argument) for the whole run. */
function oncePerKey(say: (key: string, message: string) => void): (key: string, message: string) => void {
  const said = new Set<string>();
  return (key, message) => {
    if (said.has(key)) return;
    said.add(key);
    say(key, message);
  };
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
  /** Whether tasks are looked up in the registry at all (see BuildServicesInput.registry). */
  lookups: boolean;
  /** Says once per registry, for the whole run, that it could not be asked and its tasks build without reuse. */
  warnRegistry: (registry: string, message: string) => void;
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
  signer: Signer,
): Promise<Map<string, ServiceResult>> {
  const results = new Map<string, ServiceResult>();
  const label = (id: string) => taskLabel({ ...group.find((g) => g.options.id === id)!.options, task: id });
  const { contexts, problems, notes } = linkSiblingImages(
    group.map((g) => ({ ...g.options, label: label(g.options.id), dockerfileRefs: g.dockerfileRefs })),
  );
  if (input.verbose) for (const note of notes) input.log(`nx-crossbake: ${note}`);
  for (const [id, problem] of checkEmulation(group, nodePlatformsOf(input, builder), input.log, input.environment?.native))
    problems.set(id, problem);
  /** Tasks the registry has: not built, whatever the builder turns out to be. */
  const reusedIds = new Set<string>();
  /** Tasks `check: error` stopped: failed, with their findings. */
  const checkFailures = new Map<string, CheckFailure>();
  const reject = () => {
    rejectDependents(problems, contexts, label);
    for (const g of group) {
      const problem = problems.get(g.options.id);
      if (!problem || results.has(g.request.id) || reusedIds.has(g.options.id)) continue;
      const checked = checkFailures.get(g.options.id);
      results.set(
        g.request.id,
        checked ? { ...rejected(g.request, problem), status: 'failed', checks: checked.checks } : rejected(g.request, problem),
      );
    }
    return group.filter((g) => !results.has(g.request.id) && !reusedIds.has(g.options.id));
  };
  let buildable = reject();
  if (buildable.length === 0) return results;

  const { git, env } = run.facts;
  const lookups = run.lookups && !input.print;
  const contextDigests = prefetchContexts(
    run.exec,
    input.workspaceRoot,
    buildable.map((g) => g.options),
    lookups,
  );
  const dateCache = run.state && git.sha && git.shallow === false ? { state: run.state, sha: git.sha } : undefined;
  const dates = await resolveSourceDates(
    run.exec,
    input.workspaceRoot,
    buildable.map((g) => g.options),
    contexts,
    env,
    dateCache,
  );
  const dated = new Map(buildable.map((g) => [g.options.id, withSourceDate(g.options, dates.get(g.options.id))]));

  // Reuse: what the registry already has is not built; what it lacks is baked under its key tag. Either way a
  // task that signs is signed before it is told done.
  const planned = await startReuse(
    buildable.map((g) => ({
      options: dated.get(g.options.id)!,
      dockerfile: g.dockerfile,
      undated: !dates.has(g.options.id) && g.options.ownLabels.includes(CREATED_LABEL),
    })),
    contexts,
    {
      cli: input.cli,
      exec: run.exec,
      workspaceRoot: input.workspaceRoot,
      lookups,
      contexts: contextDigests,
      registry: input.registry
        ? async () => input.registry!
        : registryReader(input.cli, { exec: run.exec, env, builder, setupOptions: input.setupOptionsFor?.(builder) }),
      warn: run.warnRegistry,
      note: input.verbose ? (m) => input.log(`nx-crossbake: reuse: ${m}`) : undefined,
      timed: { lookup: (fn) => timed(run.timings.lookup, fn), retag: (fn) => timed(run.timings.retag, fn) },
    },
  );
  const reuse = withSigning(planned, signer, (id) => dated.get(id)!);
  for (const id of reuse.reused) reusedIds.add(id);
  if (input.onResult)
    void reuse.results.then(
      (done) => done.forEach(input.onResult!),
      () => undefined,
    );
  const reused = async () => {
    for (const result of await reuse.results) results.set(result.task, result);
    return results;
  };
  buildable = buildable.filter((g) => !reuse.reused.has(g.options.id));
  const datedServices = (tasks: PreparedService[]) => tasks.map((g) => reuse.forBake(dated.get(g.options.id)!));
  if (buildable.length === 0) return reused();

  // The builder and the bake, for the tasks left to build. A problem of the whole group (a builder that cannot be
  // set up) is theirs: the reused tasks stand, and their tags are pointed whatever happens here.
  const buildTheRest = async () => {
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
    if (buildable.length === 0) return;
    // check: error, before the bake: a task with findings fails alone.
    const gate = async ({ ref }: ReadyBuilder) => {
      const checked = await checkBeforeBuilding(input.cli, {
        workspaceRoot: input.workspaceRoot,
        bakeFile: files.bakeFile,
        builder: ref,
        services: datedServices(buildable),
        links: contexts,
        reused: reuse.reusedImages,
        log: input.log,
      });
      for (const [id, failure] of checked) {
        checkFailures.set(id, failure);
        problems.set(id, failure.error);
      }
    };
    if (!input.print) {
      try {
        await gate(resolved);
      } catch (e) {
        if (!(e instanceof BuilderMissingError && resolved.cached)) throw e;
        input.log(
          `nx-crossbake: builder ${builder} is not as an earlier run found it (the build checks did not find it): checking it again`,
        );
        resolved = await resolve(true);
        buildable = usable(resolved);
        if (buildable.length === 0) return;
        await gate(resolved);
      }
      buildable = reject();
      if (buildable.length === 0) return;
    }

    if (resolved.ref.isContext && datedServices(buildable).some((s) => s.sourceDateEpoch !== undefined)) {
      input.log(
        `nx-crossbake: builder ${builder} uses the docker driver, whose exporter cannot rewrite timestamps ("conflicts with unpack"): ` +
          'its images are not reproducible; a docker-container builder makes them so (reproducible: false silences this)',
      );
    }
    const early = earlyResults(reuse.finishEarly, (result) => input.onResult?.(result));
    const targetEnded = (result: ServiceResult) => {
      const g = buildable.find((t) => t.options.id === result.task);
      if (g) early.targetEnded(g.options, result);
    };
    const bake = async (tasks: PreparedService[], { ref, hint }: ReadyBuilder) => {
      const bakeRun = {
        workspaceRoot: input.workspaceRoot,
        ...files,
        builder: ref,
        services: datedServices(tasks),
        links: contexts,
        reused: reuse.reusedImages,
        hint,
        onTargetEnd: input.onResult ? targetEnded : undefined,
        finished: early.told,
      };
      if (input.print) return timed(run.timings.bake, async () => printBake(input.cli, bakeRun, input.log));
      input.log(`nx-crossbake: one bake for ${tasks.length} task(s) on builder ${builder}: ${files.bakeFile}`);
      return bakeAll(input.cli, bakeRun, input.log, (each) => timed(run.timings.bake, each));
    };

    let groupResults: ServiceResult[] | undefined;
    try {
      groupResults = await bake(buildable, resolved);
    } catch (e) {
      if (!(e instanceof BuilderMissingError && resolved.cached)) throw e;
    }
    const baked = new Map((groupResults ?? []).map((r) => [r.task, r]));
    // The builder was taken as ready from an earlier run's check, and the bake says otherwise: it is gone, or a
    // step could not run a binary of its platform (an emulator gone). Check it afresh and bake once more what
    // was not told done already.
    const stale = !groupResults || groupResults.some((r) => r.status === 'failed' && isForeignBinaryFailure(r.error ?? ''));
    if (resolved.cached && stale) {
      input.log(
        `nx-crossbake: builder ${builder} is not as an earlier run found it (${groupResults ? 'a step could not run a binary of its platform' : 'bake did not find it'}): ` +
          'checking it again, and baking once more',
      );
      resolved = await resolve(true);
      buildable = usable(resolved);
      await early.told.settled();
      const again = buildable.filter((g) => !early.told.has(g.options.id));
      if (again.length > 0) for (const r of await bake(again, resolved)) baked.set(r.task, r);
    }
    await Promise.all(
      buildable.map(async (g) => {
        const { result, warning } = await early.settle(g.options, baked.get(g.options.id)!, reuse.finish);
        if (warning) input.log(`nx-crossbake: warning: ${label(g.options.id)}: ${warning}`);
        results.set(g.request.id, result);
      }),
    );
  };
  try {
    await buildTheRest();
  } catch (e) {
    if (!isReportable(e)) throw e;
    for (const g of buildable) if (!results.has(g.request.id)) results.set(g.request.id, rejected(g.request, e.message));
  }
  return reused();
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
  // `--verbose` shows every docker and cosign command line.
  const trace = input.verbose ? (line: string) => log(`nx-crossbake: $ ${line}`) : undefined;
  const cli = input.cli ?? new DockerCli(processes.exec, { trace });
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
    timings: { setup: [], bake: [], lookup: [], retag: [], sign: [] },
    binfmt: new BinfmtSnapshot(input.environment?.readBinfmt),
    state,
    exec: processes.exec,
    facts,
    lookups: input.registry !== undefined || !(input.cli || input.exec),
    warnRegistry: oncePerKey((registry, message) =>
      log(`nx-crossbake: warning: could not look images up in ${registry} (${message}); its images are built as if it had none`),
    ),
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
    // A task that signs and cannot (no cosign, no key, a wrong password) stops here, alone.
    const signing = await prepareSigning(
      new CosignCli(processes.exec, { trace }),
      input.print ? [] : loggable.filter((r) => !results.has(r.request.id)).map((r) => r.options),
      { workspaceRoot, runDir, env: facts.env, dockerConfig: runCli.dockerConfigDir },
    );
    for (const r of loggable) {
      const problem = signing.problems.get(r.options.id);
      if (problem) results.set(r.request.id, rejected(r.request, problem));
    }
    const signer: Signer = { sign: (options, result) => timed(run.timings.sign, () => signing.signer.sign(options, result)) };
    // Builder groups share nothing but the run: they are set up and baked at the same time.
    await Promise.all(
      builders.map(async (builder) => {
        const group = loggable.filter((r) => r.options.builder === builder && !results.has(r.request.id));
        if (group.length === 0) return;
        const suffix = builders.length > 1 ? `.${builder}` : '';
        const files = { bakeFile: `${runDir}/docker-bake${suffix}.json`, metadataFile: `${runDir}/metadata${suffix}.json` };
        try {
          for (const [id, result] of await buildGroup({ ...input, cli: runCli, log }, builder, group, files, run, signer))
            results.set(id, result);
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
  await writeCiReports(ordered, { workspaceRoot, env: facts.env, log });
  recordDigests(
    workspaceRoot,
    ready
      .filter((r) => results.get(r.request.id)!.status === 'built')
      .map((r) => ({ options: r.options, digest: results.get(r.request.id)!.digest })),
    log,
  );
  const time = splitRunTime(run.timings, Date.now() - started);
  log(
    `\n${formatSummary(ordered)}\n\nnx-crossbake: ${run.timings.bake.length} bake(s) in ${formatSeconds(time.bakeMs)}; ` +
      `builder setup ${formatSeconds(time.setupMs)}; plugin overhead ${formatSeconds(time.overheadMs)}` +
      (run.timings.lookup.length > 0
        ? ` (of which reuse lookup ${formatSeconds(time.lookupMs)}, pointing tags ${formatSeconds(time.retagMs)})`
        : '') +
      formatSigningNote(ordered, coveredMs(run.timings.sign)),
  );
  return results;
}
