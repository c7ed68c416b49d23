import type { SetupExecutorSchema } from '../../executors/setup/schema';
import { linkSiblingImages, rejectDependents } from '../bake/links';
import { normalizeBuilderSpec } from '../builder/builder-spec';
import type { SetupEnvironment } from '../builder/ensure-builder';
import { DockerCli } from '../docker/docker-cli';
import { withRegistryLogins } from '../docker/docker-config';
import { conflictingLogins, loginFailureFor } from '../docker/registries';
import { exec as defaultExec, type Exec } from '../docker/exec';
import { resolveGitFacts } from '../facts/git-facts';
import { resolveSourceDates } from '../facts/source-date';
import { withSourceDate } from '../options/source-date';
import type { RunFacts } from '../options/normalize';
import { isReportable } from '../errors';
import { recordDigests } from '../results/digests';
import { writeReport } from '../results/report';
import type { ServiceResult } from '../results/service-result';
import { formatSeconds, formatSummary, taskLabel } from '../results/summary';
import { checkEmulation } from './emulation-check';
import { prepareServices, type PreparedService } from './prepare-services';
import { resolveBuilder, unavailablePlatformProblems, type BuilderRequest } from './resolve-builder';
import { runBake } from './keep-going';
import { printBake } from './run-bake';
import { rejected, type ServiceRequest } from './service-request';

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
}

/** Each run's bake files live in their own folder, so parallel Nx processes never share one. */
export const getRunDir = (date = new Date(), pid = process.pid) =>
  `tmp/nx-crossbake/${date.toISOString().replace(/[:.]/g, '-')}-${pid}`;

interface Timings {
  setupMs: number;
  bakeMs: number;
}

/** The platforms the builder's native nodes build (no emulation there); none when its options cannot be read. */
function nodePlatformsOf(input: BuildServicesInput, builder: string): string[] {
  try {
    return normalizeBuilderSpec({ ...input.setupOptionsFor?.(builder), builder }).nodes.flatMap((n) => n.platforms);
  } catch {
    return []; // resolveBuilder reports the setup options' problems
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
  timings: Timings,
): Promise<Map<string, ServiceResult>> {
  const results = new Map<string, ServiceResult>();
  const label = (id: string) => taskLabel({ ...group.find((g) => g.options.id === id)!.options, task: id });
  const { contexts, problems, notes } = linkSiblingImages(group.map((g) => ({ ...g.options, label: label(g.options.id), dockerfileRefs: g.dockerfileRefs })));
  if (input.verbose) for (const note of notes) input.log(`nx-crossbake: ${note}`);
  for (const [id, problem] of checkEmulation(group, nodePlatformsOf(input, builder), input.log, input.environment?.native)) problems.set(id, problem);
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

  const setupStarted = Date.now();
  const { ref, unavailable, hint } = await resolveBuilder(
    input.cli,
    {
      builder,
      services: buildable.map((g) => g.options),
      setupOptionsFor: input.setupOptionsFor ?? (() => undefined),
      registriesFor: input.registriesFor,
      readOnly: input.print ?? false,
    },
    { workspaceRoot: input.workspaceRoot, log: input.log, ...input.environment },
  );
  timings.setupMs += Date.now() - setupStarted;
  for (const [id, problem] of unavailablePlatformProblems(buildable.map((g) => g.options), unavailable)) problems.set(id, problem);
  buildable = reject();
  if (buildable.length === 0) return results;

  const dates = await resolveSourceDates(input.exec ?? defaultExec, input.workspaceRoot, buildable.map((g) => g.options), contexts, input.facts?.env ?? process.env);
  const services = buildable.map((g) => withSourceDate(g.options, dates.get(g.options.id)));
  if (ref.isContext && services.some((s) => s.sourceDateEpoch !== undefined)) {
    input.log(
      `nx-crossbake: builder ${builder} uses the docker driver, whose exporter cannot rewrite timestamps ("conflicts with unpack"): ` +
        'its images are not reproducible; a docker-container builder makes them so (reproducible: false silences this)',
    );
  }
  const run = { workspaceRoot: input.workspaceRoot, ...files, builder: ref, services, links: contexts, hint };
  const bakeStarted = Date.now();
  let groupResults: ServiceResult[];
  if (input.print) {
    groupResults = printBake(run, input.log);
  } else {
    input.log(`nx-crossbake: one bake for ${services.length} task(s) on builder ${builder}: ${files.bakeFile}`);
    groupResults = await runBake(input.cli, run, input.log);
  }
  timings.bakeMs += Date.now() - bakeStarted;
  buildable.forEach((g, i) => results.set(g.request.id, groupResults[i]));
  return results;
}

/**
 * The pipeline of one Nx run: options → checks → per builder: sibling links, builder setup, one bake →
 * results → reports and summary. Every request gets a result; nothing is built unless it passed its checks.
 */
export async function buildServices(input: BuildServicesInput): Promise<Map<string, ServiceResult>> {
  const { workspaceRoot, requests, log = console.log } = input;
  const cli = input.cli ?? new DockerCli(undefined, { trace: input.verbose ? (line) => log(`nx-crossbake: $ ${line}`) : undefined });
  const started = Date.now();
  const facts = input.facts ?? {
    env: process.env,
    git: await resolveGitFacts(input.exec ?? defaultExec, workspaceRoot),
    defaultBranch: input.defaultBranch ?? 'main',
    now: new Date(),
  };
  const { ready, rejections: results } = await prepareServices(cli, workspaceRoot, requests, facts);

  const runDir = getRunDir();
  const builders = [...new Set(ready.map((r) => r.options.builder))];
  const timings: Timings = { setupMs: 0, bakeMs: 0 };
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
    for (const builder of builders) {
      const group = loggable.filter((r) => r.options.builder === builder && !results.has(r.request.id));
      if (group.length === 0) continue;
      const suffix = builders.length > 1 ? `.${builder}` : '';
      const files = { bakeFile: `${runDir}/docker-bake${suffix}.json`, metadataFile: `${runDir}/metadata${suffix}.json` };
      try {
        for (const [id, result] of await buildGroup({ ...input, cli: runCli, log }, builder, group, files, timings)) results.set(id, result);
      } catch (e) {
        if (!isReportable(e)) throw e;
        for (const g of group) results.set(g.request.id, rejected(g.request, e.message));
      }
    }
  });

  const ordered = requests.map((r) => results.get(r.id)!);
  if (input.print) return results;
  requests.forEach((r, i) => writeReport(workspaceRoot, r.project.root, ordered[i]));
  recordDigests(
    workspaceRoot,
    ready.filter((r) => results.get(r.request.id)!.status === 'built').map((r) => ({ options: r.options, digest: results.get(r.request.id)!.digest })),
    log,
  );
  log(
    `\n${formatSummary(ordered)}\n\nnx-crossbake: ${builders.length} bake(s) in ${formatSeconds(timings.bakeMs)}; ` +
      `builder setup ${formatSeconds(timings.setupMs)}; plugin overhead ${formatSeconds(Date.now() - started - timings.bakeMs - timings.setupMs)}`,
  );
  return results;
}
