import { repositoryOf } from './image-names';
import { sanitizeForTag } from './templates';
import { DEFAULT_TARGET } from '../core/executor-names';

export type CacheMode = 'auto' | 'registry' | 'local' | 'gha' | 'none';

export interface CacheInput {
  mode: CacheMode;
  project: string;
  /** The task's target: two multiarch targets of one project never share a cache. */
  targetName: string;
  tags: readonly string[];
  platforms: readonly string[];
  push: boolean;
  branch?: string;
  defaultBranch: string;
}

// What makes a registry cache complete and readable by every registry: all layers of every stage
// (mode=max), OCI media types, and an image manifest (registries that reject a bare cache index).
const REGISTRY_EXPORT = 'mode=max,oci-mediatypes=true,image-manifest=true';

const slug = (text: string) => sanitizeForTag(text).replace(/[^a-z0-9_-]/g, '-');

/**
 * The project's own cache locations, so bake targets never overwrite each other's cache.
 * Registry: `<repository>:buildcache-<branch>`, read from this branch and the default branch; a task that
 * builds one platform has that platform's refs (`buildcache-<branch>-linux-arm64`).
 */
export function defaultCache(input: CacheInput): { cacheFrom: string[]; cacheTo: string[] } {
  // The default target keeps the names caches had before projects could have several targets.
  const task = input.targetName === DEFAULT_TARGET ? slug(input.project) : `${slug(input.project)}--${slug(input.targetName)}`;
  const mode = input.mode === 'auto' ? (input.push && input.tags.length > 0 ? 'registry' : 'none') : input.mode;
  if (mode === 'none') return { cacheFrom: [], cacheTo: [] };
  if (mode === 'local') {
    const dir = `tmp/nx-crossbake/cache/${task}`;
    return { cacheFrom: [`type=local,src=${dir}`], cacheTo: [`type=local,dest=${dir},mode=max`] };
  }
  if (mode === 'gha') {
    // Runners that each build one platform must not evict each other's cache: scope per platform then.
    const scope = input.platforms.length === 1 ? `${task}-${slug(input.platforms[0])}` : task;
    return { cacheFrom: [`type=gha,scope=${scope}`], cacheTo: [`type=gha,scope=${scope},mode=max`] };
  }
  if (input.tags.length === 0) return { cacheFrom: [], cacheTo: [] }; // normalizeOptions reports it
  const repository = repositoryOf(input.tags[0]);
  const prefix = input.targetName === DEFAULT_TARGET ? 'buildcache' : `buildcache-${slug(input.targetName)}`;
  // As for gha: runners that each build one platform of the image would otherwise overwrite each other's cache.
  const platform = input.platforms.length === 1 ? `-${slug(input.platforms[0])}` : '';
  const ref = (branch: string | undefined) => `${repository}:${prefix}${branch ? `-${slug(branch)}` : ''}${platform}`;
  const refs = [...new Set([ref(input.branch), ref(input.defaultBranch)])];
  return { cacheFrom: refs.map((r) => `type=registry,ref=${r}`), cacheTo: [`type=registry,ref=${ref(input.branch)},${REGISTRY_EXPORT}`] };
}
