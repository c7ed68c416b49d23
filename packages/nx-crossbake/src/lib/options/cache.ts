import { repositoryOf } from './image-names';
import { sanitizeForTag } from './templates';

export type CacheMode = 'auto' | 'registry' | 'local' | 'gha' | 'none';

export interface CacheInput {
  mode: CacheMode;
  project: string;
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
 * Registry: `<repository>:buildcache-<branch>`, read from this branch and the default branch.
 */
export function defaultCache(input: CacheInput): { cacheFrom: string[]; cacheTo: string[] } {
  const mode = input.mode === 'auto' ? (input.push && input.tags.length > 0 ? 'registry' : 'none') : input.mode;
  if (mode === 'none') return { cacheFrom: [], cacheTo: [] };
  if (mode === 'local') {
    const dir = `tmp/nx-crossbake/cache/${slug(input.project)}`;
    return { cacheFrom: [`type=local,src=${dir}`], cacheTo: [`type=local,dest=${dir},mode=max`] };
  }
  if (mode === 'gha') {
    // Runners that each build one platform must not evict each other's cache: scope per platform then.
    const scope = input.platforms.length === 1 ? `${slug(input.project)}-${slug(input.platforms[0])}` : slug(input.project);
    return { cacheFrom: [`type=gha,scope=${scope}`], cacheTo: [`type=gha,scope=${scope},mode=max`] };
  }
  if (input.tags.length === 0) return { cacheFrom: [], cacheTo: [] }; // normalizeOptions reports it
  const repository = repositoryOf(input.tags[0]);
  const ref = (branch: string | undefined) => `${repository}:buildcache${branch ? `-${slug(branch)}` : ''}`;
  const refs = [...new Set([ref(input.branch), ref(input.defaultBranch)])];
  return { cacheFrom: refs.map((r) => `type=registry,ref=${r}`), cacheTo: [`type=registry,ref=${ref(input.branch)},${REGISTRY_EXPORT}`] };
}
