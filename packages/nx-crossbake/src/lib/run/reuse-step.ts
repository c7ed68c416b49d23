import { CrossbakeError } from '../core/errors';
import { repositoryOf } from '../options/image-names';
import type { DockerCli } from '../docker/docker-cli';
import type { ServiceOptions } from '../options/service-options';
import type { Exec } from '../process/exec';
import type { ServiceResult } from '../results/service-result';
import { keyTagOf } from '../reuse/content-key';
import { lookUpKey } from '../reuse/lookup';
import { manifestRef, type ManifestReader } from '../reuse/manifest-reader';
import { pointTags } from '../reuse/point-tags';
import type { ContextDigest } from '../reuse/context-digest';
import { digestContexts, reuseOffByOptions, taskKeys, type KeyTask } from '../reuse/task-keys';

/** What reuse decided for one builder's tasks before the bake. */
interface ReusePlan {
  /** Tasks the registry has: task → the digest under its key tag. */
  reused: Map<string, { key: string; tag: string; digest: string }>;
  /** Tasks to bake under their key tag (a miss): task → key and key tag. */
  keyed: Map<string, { key: string; tag: string }>;
  /** Tasks that push but were not looked up: task → why. */
  off: Map<string, string>;
}

interface ReuseContext {
  exec: Exec;
  workspaceRoot: string;
  /** The registry client, made when first needed (a run with nothing to look up asks the engine nothing). */
  registry: () => Promise<ManifestReader>;
  /** Says once per registry that it could not be asked, and that its tasks build as if nothing were there. */
  warn: (registry: string, message: string) => void;
  /** What each lookup found, for `--verbose`. */
  note?: (message: string) => void;
  /** The tasks' context digests, started before the source dates were known (digestContexts). */
  contexts?: Promise<ContextDigest[] | undefined>;
}

/**
 * Keys every task that may be reused and looks them up: a complete image of the key is reused, a miss is
 * baked under its key tag, and a registry that cannot answer builds the task as if reuse were off.
 */
async function planReuse(
  tasks: readonly KeyTask[],
  links: ReadonlyMap<string, Record<string, string>>,
  ctx: ReuseContext,
): Promise<ReusePlan> {
  const plan: ReusePlan = { reused: new Map(), keyed: new Map(), off: new Map() };
  const eligible = tasks.filter((t) => reuseOffByOptions(t.options) === undefined);
  if (eligible.length === 0) return plan;
  const registry = await ctx.registry();
  const keys = await taskKeys(tasks, links, {
    exec: ctx.exec,
    workspaceRoot: ctx.workspaceRoot,
    registry,
    contexts: ctx.contexts,
    wanted: eligible.map((t) => t.options.id),
  });
  await Promise.all(
    eligible.map(async ({ options }) => {
      const key = keys.get(options.id)!;
      if ('off' in key) {
        if (key.registry) ctx.warn(key.registry, key.off);
        plan.off.set(options.id, key.off);
        return;
      }
      const tag = keyTagOf(options, key.key);
      const found = await lookUpKey(registry, tag, key.key, options.platforms);
      if ('digest' in found) {
        plan.reused.set(options.id, { key: key.key, tag, digest: found.digest });
        ctx.note?.(`${options.id}: reused ${tag} (${found.digest})`);
      } else if ('miss' in found) {
        plan.keyed.set(options.id, { key: key.key, tag });
        ctx.note?.(`${options.id}: to build: ${found.miss}`);
      } else {
        ctx.warn(found.registry, found.failed);
        plan.off.set(options.id, `the registry ${found.registry} could not be asked: ${found.failed}`);
      }
    }),
  );
  return plan;
}

/**
 * Points a reused or key-tagged task's requested tags at the image under its key tag; the result then reports
 * the digest every tag was confirmed on. A task whose tags cannot be moved failed: its image is in the registry
 * under the key tag only.
 */
async function tagResult(
  cli: DockerCli,
  registry: ManifestReader,
  options: ServiceOptions,
  key: { key: string; tag: string },
  result: ServiceResult,
): Promise<ServiceResult> {
  try {
    const digest = await pointTags(cli, registry, key.tag, options.tags);
    return { ...result, digest, contentKey: key.key };
  } catch (e) {
    if (!(e instanceof CrossbakeError)) throw e;
    return {
      ...result,
      status: 'failed',
      contentKey: key.key,
      error: `the image is in the registry under ${key.tag}, but its tags could not be pointed at it: ${e.message}`,
    };
  }
}

/** The result of a task the registry had: nothing built, its tags pointed at the image (tagResult confirms the digest). */
const reusedResult = (o: ServiceOptions, digest: string): ServiceResult => ({
  task: o.id,
  project: o.project,
  targetName: o.targetName,
  status: 'reused',
  reused: true,
  platforms: o.platforms,
  tags: o.tags,
  push: o.push,
  load: o.load,
  digest,
  durationMs: 0,
});

/** One builder group's reuse, once planned: what the bake is given, and how each result is finished. */
export interface GroupReuse {
  /** Tasks the registry has: they are not built, whatever the builder turns out to be. */
  reused: ReadonlySet<string>;
  /** Task → `<repo>@<digest>` of each reused task, which its dependents are built FROM. */
  reusedImages: ReadonlyMap<string, string>;
  /** A task's options for the bake: a miss pushes only its key tag. */
  forBake(options: ServiceOptions): ServiceOptions;
  /** A baked task's result with its tags pointed at its key tag's image, and why reuse was off, if it was. */
  finish(options: ServiceOptions, result: ServiceResult): Promise<ServiceResult>;
  /**
   * A task whose target buildx's progress shows finished while the bake runs (its result carries the digest the
   * progress shows pushed), finished as far as the registry can confirm it: a keyed task's tags pointed at its key
   * tag's image; a task that pushes only by tag, its tags read back. Undefined when nothing can confirm it before
   * the metadata file (a load, other outputs, push by digest).
   */
  finishEarly(options: ServiceOptions, result: ServiceResult): Promise<ServiceResult | undefined>;
  /** The results of the reused tasks: their tags are pointed as soon as the plan is made, alongside the bake. */
  results: Promise<ServiceResult[]>;
}

/**
 * Plans reuse for one builder's tasks (options with their source dates) and starts pointing the tags of those the
 * registry has. `lookups: false` (a dry run, specs without a registry) plans nothing.
 */
export async function startReuse(
  tasks: readonly KeyTask[],
  links: ReadonlyMap<string, Record<string, string>>,
  ctx: ReuseContext & {
    cli: DockerCli;
    lookups: boolean;
    timed: { lookup: <T>(fn: () => Promise<T>) => Promise<T>; retag: <T>(fn: () => Promise<T>) => Promise<T> };
  },
): Promise<GroupReuse> {
  const plan: ReusePlan = ctx.lookups
    ? await ctx.timed.lookup(() => planReuse(tasks, links, ctx))
    : { reused: new Map(), keyed: new Map(), off: new Map() };
  const tagged = (options: ServiceOptions, key: { key: string; tag: string }, result: ServiceResult) =>
    ctx.timed.retag(async () => tagResult(ctx.cli, await ctx.registry(), options, key, result));
  const results = Promise.all(
    tasks
      .filter((t) => plan.reused.has(t.options.id))
      .map(({ options }) => {
        const { digest, ...key } = plan.reused.get(options.id)!;
        return tagged(options, key, reusedResult(options, digest));
      }),
  );
  results.catch(() => undefined); // awaited by the caller; this only keeps a failure from being reported as unhandled meanwhile
  return {
    reused: new Set(plan.reused.keys()),
    reusedImages: new Map([...plan.reused].map(([id, r]) => [id, `${repositoryOf(r.tag)}@${r.digest}`])),
    forBake: (options) => (plan.keyed.has(options.id) ? { ...options, contentKey: plan.keyed.get(options.id) } : options),
    finish: async (options, result) => {
      const noted = plan.off.has(options.id) ? { ...result, reuseOff: plan.off.get(options.id) } : result;
      const key = plan.keyed.get(options.id);
      return key && result.status === 'built' ? tagged(options, key, noted) : noted;
    },
    finishEarly: async (options, result) => {
      if (plan.keyed.has(options.id)) return tagged(options, plan.keyed.get(options.id)!, result);
      const byTagOnly = options.push && !options.load && options.outputs.length === 0 && options.pushByDigest === undefined;
      if (!byTagOnly || options.tags.length === 0 || !result.digest) return undefined;
      const registry = await ctx.registry();
      const digests = await Promise.all(options.tags.map((tag) => registry.headManifest(manifestRef(tag)).then((m) => m?.digest)));
      if (digests.some((digest) => digest !== result.digest)) return undefined;
      return plan.off.has(options.id) ? { ...result, reuseOff: plan.off.get(options.id) } : result;
    },
    results,
  };
}

/**
 * Starts digesting the contexts of a group's tasks while the run learns their source dates, when reuse may
 * apply to one of them; startReuse then takes the result (its `contexts`).
 */
export function prefetchContexts(
  exec: Exec,
  workspaceRoot: string,
  tasks: readonly ServiceOptions[],
  lookups: boolean,
): Promise<ContextDigest[] | undefined> | undefined {
  if (!lookups || !tasks.some((t) => reuseOffByOptions(t) === undefined)) return undefined;
  return digestContexts(exec, workspaceRoot, tasks);
}
