import { createHash } from 'node:crypto';
import { CrossbakeError } from '../core/errors';
import { namedContextKey } from '../docker/image-ref';
import { parseDockerfileImageRefs, unresolvedFromImages } from '../dockerfile/image-refs';
import { frontendImage } from '../dockerfile/instructions';
import { remoteAddSources } from '../dockerfile/remote-sources';
import type { ServiceOptions } from '../options/service-options';
import type { Exec } from '../process/exec';
import { contentKey } from './content-key';
import { contextDigest, contextDigests, type ContextDigest } from './context-digest';
import { manifestRef, type ManifestReader } from './manifest-reader';

/** One task as the key sees it: its options with the source date applied, and its Dockerfile's text. */
export interface KeyTask {
  options: ServiceOptions;
  dockerfile: string;
  /** Git knows no commit for its inputs, so its `created` label is the time of the run: never the same twice. */
  undated?: boolean;
}

/** A task's key, or why it has none: `unpinned` inputs are shown to the user; a `registry` could not be asked. */
type TaskKey = { key: string } | { off: string; registry?: string };

/**
 * Why reuse does not apply to a task by its options: it must push an image of its own, reproducibly, from the
 * cache as it is. The native-runner split (push-by-digest) joins its lists elsewhere, so it has nothing to reuse.
 */
export function reuseOffByOptions(o: ServiceOptions): string | undefined {
  if (!o.reuse) return "'reuse' is false";
  if (!o.push || o.tags.length === 0) return 'it does not push';
  if (o.load) return "'load' is set";
  if (o.outputs.some((out) => !/^type=cacheonly\b/.test(out))) return "'outputs' are set";
  if (o.pushByDigest !== undefined) return "'push-by-digest' is set";
  return builtAfresh(o);
}

/** Why a task's options rebuild it from more than its inputs on every run (a fresh pull, no cache, the clock), if they do. */
function builtAfresh(o: ServiceOptions): string | undefined {
  if (!o.reuse) return "'reuse' is false";
  if (o.noCache) return "'no-cache' is set";
  if (o.pull) return "'pull' is set";
  if (!o.reproducible) return "'reproducible' is false";
  return undefined;
}

/** What the key cannot pin down in a task's Dockerfile or named contexts: the build may read something else each time. */
function unpinnedInputs(task: KeyTask): string[] {
  const { options, dockerfile } = task;
  return [
    ...remoteAddSources(dockerfile),
    ...unresolvedFromImages(dockerfile, options.buildArgs).map((image) => `FROM ${image}, which depends on an ARG known only per platform`),
    ...Object.entries(options.buildContexts)
      .filter(([, value]) => !value.startsWith('docker-image://'))
      .map(([name, value]) => `the named context ${name}=${value}`),
  ];
}

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/**
 * The content key of every task that can have one, in the order of the links: a task built FROM a sibling
 * (links: task → image ref → sibling task) takes the sibling's key in place of the image, so a key changes when
 * anything below it does. External images are resolved once per reference, now, so a moved tag changes the key.
 */
export async function taskKeys(
  tasks: readonly KeyTask[],
  links: ReadonlyMap<string, Record<string, string>>,
  facts: {
    exec: Exec;
    workspaceRoot: string;
    registry: ManifestReader;
    /** The tasks' context digests, in their order, when the run started them earlier (see digestContexts). */
    contexts?: Promise<ContextDigest[] | undefined>;
    /** The tasks whose keys are wanted (default: all of them). */
    wanted?: readonly string[];
  },
): Promise<Map<string, TaskKey>> {
  const images = new Map<string, Promise<{ digest: string } | { off: string; registry?: string }>>();
  const resolveImage = (ref: string) => {
    if (!images.has(ref)) images.set(ref, resolveDigest(facts.registry, ref));
    return images.get(ref)!;
  };
  const all =
    facts.contexts ??
    digestContexts(
      facts.exec,
      facts.workspaceRoot,
      tasks.map((t) => t.options),
    );
  const digestOf = async (o: ServiceOptions) =>
    (await all)?.[tasks.findIndex((t) => t.options.id === o.id)] ?? contextDigest(facts.exec, facts.workspaceRoot, o);

  const byId = new Map(tasks.map((t) => [t.options.id, t]));
  const keys = new Map<string, Promise<TaskKey>>();
  const keyOf = (id: string): Promise<TaskKey> => {
    if (!keys.has(id)) keys.set(id, computeKey(byId.get(id)!));
    return keys.get(id)!;
  };
  const computeKey = async (task: KeyTask): Promise<TaskKey> => {
    if (task.undated) return { off: 'git knows no commit for its inputs, so its created label is the time of the run' };
    const unpinned = unpinnedInputs(task);
    if (unpinned.length > 0) return { off: `the key cannot pin down ${unpinned.join('; ')}` };
    const siblings = links.get(task.options.id) ?? {};
    const named: Record<string, string> = {};
    for (const [ref, sibling] of Object.entries(siblings)) {
      if (!byId.has(sibling)) continue; // not in this run: its published image is read like any other
      // A base its options build afresh each run may come out different from its inputs: what is FROM it too.
      const fresh = builtAfresh(byId.get(sibling)!.options);
      if (fresh) return { off: `it is built FROM ${ref}, which is built afresh each run (${fresh})` };
      const key = await keyOf(sibling);
      if ('off' in key) return { off: `it is built FROM ${ref}, whose image has no key (${key.off})` };
      named[ref] = `key:${key.key}`;
    }
    const external = [
      // Links are keyed as BuildKit looks named contexts up (`namedContextKey`: `:latest` and Docker Hub's prefix dropped).
      ...parseDockerfileImageRefs(task.dockerfile, task.options.buildArgs).filter((ref) => !(namedContextKey(ref) in named)),
      ...[frontendImage(task.dockerfile)].filter((ref): ref is string => ref !== undefined),
    ];
    const resolved: Record<string, string> = {};
    for (const [ref, result] of await Promise.all(external.map(async (ref) => [ref, await resolveImage(ref)] as const))) {
      if ('off' in result) return result;
      resolved[ref] = result.digest;
    }
    for (const [name, value] of Object.entries(task.options.buildContexts)) {
      const result = await resolveImage(value.slice('docker-image://'.length));
      if ('off' in result) return result;
      named[name] = `image:${result.digest}`;
    }
    let context: string;
    try {
      context = (await digestOf(task.options)).digest;
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      return { off: `its context could not be read (${e.message})` };
    }
    return { key: contentKey(task.options, { dockerfile: sha256(task.dockerfile), context, namedContexts: named, images: resolved }) };
  };

  // Only the keys asked for (and the siblings' they need): a task reuse does not apply to costs no lookup.
  const result = new Map<string, TaskKey>();
  for (const id of facts.wanted ?? tasks.map((t) => t.options.id)) result.set(id, await keyOf(id));
  return result;
}

/**
 * Every context at once (one git listing); undefined when one of them cannot be read, and taskKeys then digests
 * each on its own, so the error is that task's. Contexts do not depend on the source dates: a run starts this
 * while git walks the history.
 */
export const digestContexts = (exec: Exec, workspaceRoot: string, tasks: readonly ServiceOptions[]): Promise<ContextDigest[] | undefined> =>
  contextDigests(exec, workspaceRoot, tasks).catch(() => undefined);

/** An external image's digest now: pinned ones as written, tags as the registry (or a Docker Hub mirror) resolves them. */
async function resolveDigest(registry: ManifestReader, ref: string): Promise<{ digest: string } | { off: string; registry?: string }> {
  const target = manifestRef(ref);
  if (target.reference.startsWith('sha256:')) return { digest: target.reference };
  try {
    const manifest = await registry.getManifest(target);
    return manifest ? { digest: manifest.digest } : { off: `${ref} was not found in its registry` };
  } catch (e) {
    if (!(e instanceof CrossbakeError)) throw e;
    return { off: `${ref} could not be resolved: ${e.message}`, registry: target.registry };
  }
}
