/**
 * Image references reduced to what identifies an image across Dockerfiles and tags: the repository,
 * in docker's normalized form, so `busybox`, `library/busybox` and `docker.io/library/busybox` compare equal.
 * Follows distribution/reference v0.6.0 (ff14faf, pinned by buildx v0.36.1) normalize.go
 * ParseNormalizedNamed/splitDockerDomain and FamiliarString; the spec holds its normalize_test.go cases.
 * Departures: `repository` lower-cases the registry host (hosts are case-insensitive, so refs compare
 * equal across spellings), where upstream keeps the case; `namedContextKey` keeps it, as BuildKit looks
 * names up. Nothing here validates a reference: callers check it first (options/validators.ts
 * imageReferenceProblem), so names upstream refuses (`docker/Docker`, `-docker`) still parse.
 */
interface ImageRef {
  /** `registry/path`, with Docker Hub spelled `docker.io/library/<name>` for official images. */
  repository: string;
  tag?: string;
  digest?: string;
}

const DOCKER_HUB = 'docker.io';
// The names docker itself rewrites to Docker Hub (distribution/reference's normalization).
const DOCKER_HUB_ALIASES = new Set([DOCKER_HUB, 'index.docker.io']);

/**
 * Like docker, the first path component is a registry only when it looks like a host: it has a `.` or
 * a `:port`, is `localhost`, or has upper case (repository paths cannot). Otherwise the image is on Docker Hub.
 */
function normalizeRepository(name: string, keepHostCase: boolean): string {
  const slash = name.indexOf('/');
  const first = name.slice(0, Math.max(slash, 0));
  const hasRegistry = slash > 0 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  // Host names are case-insensitive; repository paths are lower case already.
  const registry = hasRegistry ? (keepHostCase ? first : first.toLowerCase()) : DOCKER_HUB;
  const path = hasRegistry ? name.slice(slash + 1) : name;
  if (!DOCKER_HUB_ALIASES.has(registry)) return `${registry}/${path}`;
  return `${DOCKER_HUB}/${path.includes('/') ? path : `library/${path}`}`;
}

/** `registry.example.com:5000/acme/api:1.2@sha256:…` → repository, tag and digest. */
export const parseImageRef = (ref: string): ImageRef => splitImageRef(ref, false);

/** keepHostCase: the registry host as written (distribution/reference), not lower-cased. */
function splitImageRef(ref: string, keepHostCase: boolean): ImageRef {
  const at = ref.indexOf('@');
  const named = at < 0 ? ref.trim() : ref.slice(0, at).trim();
  // The tag follows the last ':' after the last '/'; a ':' before that is a registry port.
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  return {
    repository: normalizeRepository(hasTag ? named.slice(0, colon) : named, keepHostCase),
    ...(hasTag && { tag: named.slice(colon + 1) }),
    ...(at >= 0 && { digest: ref.slice(at + 1).trim() }),
  };
}

/** The repository of an image reference: refs compare by this, ignoring tag and digest. */
export const imageRepository = (ref: string): string => parseImageRef(ref).repository;

/**
 * The name BuildKit looks a FROM image up by among bake's named contexts: docker's "familiar" form
 * (Docker Hub's `docker.io/library/` dropped) without a `:latest` tag. A context keyed any other way is
 * silently ignored and the image is pulled instead, so keys must be written exactly like this.
 */
export function namedContextKey(ref: string): string {
  const { repository, tag, digest } = splitImageRef(ref, true);
  const familiar = repository.startsWith(`${DOCKER_HUB}/library/`)
    ? repository.slice(`${DOCKER_HUB}/library/`.length)
    : repository.startsWith(`${DOCKER_HUB}/`)
      ? repository.slice(`${DOCKER_HUB}/`.length)
      : repository;
  return `${familiar}${tag !== undefined && tag !== 'latest' ? `:${tag}` : ''}${digest !== undefined ? `@${digest}` : ''}`;
}

/** The tag a reference pulls: its own, `latest` when it names none, none when it is pinned by digest only. */
export const pulledTag = ({ tag, digest }: ImageRef): string | undefined => tag ?? (digest === undefined ? 'latest' : undefined);
