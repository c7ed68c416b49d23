/**
 * What each multiarch target's Dockerfile refers to, kept on disk between graph computations: without the
 * daemon (CI, our tests) every `nx` command computes the project graph again, and the image-dependencies
 * plugin would read and parse every Dockerfile each time. Like Nx's own plugins, one JSON file in Nx's
 * workspace data folder. Only ever a cache: a file that is missing, torn or foreign reads as empty, and the
 * parse itself (readWorkspaceImages) stays pure.
 *
 * An entry answers for one target while the target's root and options (tags, `file`, build-args: all that
 * feeds the parse) are unchanged and the Dockerfile's content hash, as Nx hands it to the plugin, is the one
 * the entry was read at. A Dockerfile Nx has no hash for (ignored, missing) is read every time.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MULTIARCH_EXECUTOR } from '../core/executor-names';
import { writeJsonFileAtomically } from '../core/json-file';
import { type ProjectTargets, readWorkspaceImages } from './workspace-images';

type TargetImages = ReturnType<typeof readWorkspaceImages>['images'][number];

interface Entry {
  /** A hash of the target's root and options. */
  options: string;
  dockerfile: string;
  hash: string;
  images: string[];
  dockerfileRefs: string[];
}

/** Bumped whenever an entry's shape or the meaning of what it holds changes. */
const FORMAT = 1;

interface CacheOptions {
  /** The cache file; undefined: no cache (every Dockerfile is read). */
  file: string | undefined;
  /** The plugin's version: a release may parse differently, so another version's entries are not used. */
  version: string;
  /** Reads a workspace-relative path. */
  readFile: (path: string) => string;
  /** The content hash Nx holds for a workspace-relative file, looked up first among `project`'s files. */
  hashOf: (project: string, file: string) => string | undefined;
}

const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');
const isEntry = (value: unknown): value is Entry => {
  const e = value as Partial<Entry> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.options === 'string' &&
    typeof e.dockerfile === 'string' &&
    typeof e.hash === 'string' &&
    isStrings(e.images) &&
    isStrings(e.dockerfileRefs)
  );
};

function readCache(file: string | undefined, version: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  if (file === undefined || process.env.NX_CACHE_PROJECT_GRAPH === 'false') return entries;
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown; version?: unknown; entries?: unknown } | null;
    if (doc?.format !== FORMAT || doc.version !== version || typeof doc.entries !== 'object' || doc.entries === null) return entries;
    for (const [key, entry] of Object.entries(doc.entries)) if (isEntry(entry)) entries.set(key, entry);
  } catch {
    // Missing, unreadable or not JSON: nothing cached.
  }
  return entries;
}

/** Not written: the next computation reads the Dockerfiles again. */
const writeCache = (file: string, version: string, entries: Map<string, Entry>) =>
  writeJsonFileAtomically(file, { format: FORMAT, version, entries: Object.fromEntries(entries) });

const fingerprint = (root: string, options: unknown) => {
  try {
    return createHash('sha256')
      .update(JSON.stringify([root, options ?? null]))
      .digest('base64url');
  } catch {
    return undefined; // not JSON (a cycle, a BigInt): never cached
  }
};

/**
 * readWorkspaceImages' `images` for `projects`, in its order, reading only the targets the cache cannot answer
 * for. The cache file is then written once, holding exactly the targets read or answered now: entries of
 * targets, projects or Dockerfiles that are gone are dropped, so it never outgrows the workspace. It is not
 * written when nothing changed. Never throws.
 */
export function readWorkspaceImagesCached(projects: Readonly<Record<string, ProjectTargets>>, cache: CacheOptions): TargetImages[] {
  const cached = readCache(cache.file, cache.version);
  const next = new Map<string, Entry>();
  const slots: Array<{ key: string; options: string | undefined; hit?: TargetImages }> = [];
  const misses: Record<string, ProjectTargets> = {};
  for (const [name, config] of Object.entries(projects)) {
    for (const [target, targetConfig] of Object.entries(config?.targets ?? {})) {
      if (targetConfig?.executor !== MULTIARCH_EXECUTOR) continue;
      const key = JSON.stringify([name, target]);
      const options = fingerprint(config.root, targetConfig.options);
      const entry = cached.get(key);
      if (entry && options !== undefined && entry.options === options && cache.hashOf(name, entry.dockerfile) === entry.hash) {
        next.set(key, entry);
        slots.push({
          key,
          options,
          hit: { name, target, images: entry.images, dockerfile: entry.dockerfile, dockerfileRefs: entry.dockerfileRefs },
        });
      } else {
        slots.push({ key, options });
        misses[name] = { root: config.root, targets: { ...misses[name]?.targets, [target]: targetConfig } };
      }
    }
  }

  const read = new Map(readWorkspaceImages(misses, cache.readFile).images.map((i) => [JSON.stringify([i.name, i.target]), i]));
  const result: TargetImages[] = [];
  let stored = 0;
  for (const { key, options, hit } of slots) {
    const images = hit ?? read.get(key);
    if (!images) continue; // unread: no edges, and nothing to keep
    result.push(images);
    const hash = hit ? undefined : cache.hashOf(images.name, images.dockerfile);
    if (options !== undefined && hash !== undefined) {
      next.set(key, {
        options,
        dockerfile: images.dockerfile,
        hash,
        images: [...images.images],
        dockerfileRefs: [...images.dockerfileRefs],
      });
      stored++;
    }
  }
  const changed = stored > 0 || next.size !== cached.size;
  if (cache.file !== undefined && changed) writeCache(cache.file, cache.version, next);
  return result;
}
