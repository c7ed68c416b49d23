import type { SetupExecutorSchema } from '../../executors/setup/schema';
import { linkSiblingImages } from '../bake/links';
import type { SetupEnvironment } from '../builder/ensure-builder';
import { DockerCli } from '../docker/docker-cli';
import { withRegistryLogins } from '../docker/docker-config';
import { exec as defaultExec, type Exec } from '../docker/exec';
import { resolveGitFacts } from '../facts/git-facts';
import type { RunFacts } from '../options/normalize';
import { isReportable } from '../errors';
import { recordDigests } from '../results/digests';
import { writeReport } from '../results/report';
import type { ServiceResult } from '../results/service-result';
import { formatSeconds, formatSummary } from '../results/summary';
import { checkEmulation } from './emulation-check';
import { prepareServices, type PreparedService } from './prepare-services';
import { resolveBuilder } from './resolve-builder';
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

/** One builder's share of the run: link siblings, make the builder ready, one bake (or print it). */
async function buildGroup(
  input: BuildServicesInput & { cli: DockerCli; log: (m: string) => void },
  builder: string,
  group: PreparedService[],
  files: { bakeFile: string; metadataFile: string },
  timings: Timings,
): Promise<Map<string, ServiceResult>> {
  const results = new Map<string, ServiceResult>();
  const { contexts, problems } = linkSiblingImages(
    group.map((g) => ({ id: g.options.id, tags: g.options.tags, platforms: g.options.platforms, dockerfileRefs: g.dockerfileRefs })),
  );
  const nodePlatforms = (input.setupOptionsFor?.(builder)?.nodes ?? []).flatMap((n) => n.platforms ?? []);
  for (const [id, problem] of checkEmulation(group, nodePlatforms, input.log, input.environment?.native)) problems.set(id, problem);
  for (const g of group) {
    const problem = problems.get(g.options.id);
    if (problem) results.set(g.request.id, rejected(g.request, problem));
  }
  const buildable = group.filter((g) => !results.has(g.request.id));
  if (buildable.length === 0) return results;
  const services = buildable.map((g) => g.options);

  const setupStarted = Date.now();
  const builderRef = await resolveBuilder(
    input.cli,
    { builder, services, setupOptionsFor: input.setupOptionsFor ?? (() => undefined), readOnly: input.print ?? false },
    { workspaceRoot: input.workspaceRoot, log: input.log, ...input.environment },
  );
  timings.setupMs += Date.now() - setupStarted;

  const run = { workspaceRoot: input.workspaceRoot, ...files, builder: builderRef, services, links: contexts };
  const bakeStarted = Date.now();
  let groupResults: ServiceResult[];
  if (input.print) {
    groupResults = printBake(run, input.log);
  } else {
    input.log(`nx-crossbake: one bake for ${services.length} project(s) on builder ${builder}: ${files.bakeFile}`);
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
  const logins = input.print ? [] : ready.flatMap((r) => r.options.registries);
  try {
    await withRegistryLogins(cli, logins, facts.env, async (runCli) => {
      for (const builder of builders) {
        const group = ready.filter((r) => r.options.builder === builder);
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
  } catch (e) {
    if (!isReportable(e)) throw e;
    for (const r of ready) results.set(r.request.id, rejected(r.request, e.message)); // a login failed: nothing built
  }

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
