import { type ImageRef, parseImageRef } from './image-name';

export interface ProjectImages {
  name: string;
  /** The tags the project's docker-multiarch target produces. */
  images: readonly string[];
  /** What its Dockerfile builds from or copies out of (see parseDockerfileImageRefs). */
  dockerfileRefs: readonly string[];
}

/** `source` builds from (or copies out of) the image `target` produces, so `target` must be built first. */
export interface ImageDependency {
  source: string;
  target: string;
  /** The reference as the source's Dockerfile wrote it (the first one, when several lead to the same target). */
  image: string;
}

/** A repository that a Dockerfile refers to and that several projects produce: no edge is guessed for it. */
export interface AmbiguousRepository {
  repository: string;
  producers: string[];
  referencedBy: string[];
}

export interface ImageDependencies {
  edges: ImageDependency[];
  ambiguous: AmbiguousRepository[];
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sorted = (values: Iterable<string>) => [...values].sort(compare);

// Without tag or digest a reference means `:latest`; with only a digest it names no tag.
const tagKey = ({ repository, tag, digest }: ImageRef) =>
  tag !== undefined ? `${repository}:${tag}` : digest === undefined ? `${repository}:latest` : undefined;

function addTo(index: Map<string, Set<string>>, key: string | undefined, project: string) {
  if (key === undefined) return;
  const projects = index.get(key) ?? new Set<string>();
  projects.add(project);
  index.set(key, projects);
}

/**
 * Which projects' images are built FROM which other projects' images. A reference matches a project
 * that produces its repository, whatever the tag: the tag a Dockerfile pins is usually not the one being
 * built. When several projects produce the repository, an exact tag match still decides (one repository,
 * a tag per service); failing that the repository is reported as ambiguous instead of given edges to
 * all of them, which would order builds on a guess. A project referring to its own image is no edge.
 * Edges and ambiguities are sorted, so the result does not depend on the order of `projects`.
 */
export function findImageDependencies(projects: readonly ProjectImages[]): ImageDependencies {
  const byRepository = new Map<string, Set<string>>();
  const byTag = new Map<string, Set<string>>();
  for (const project of projects) {
    for (const image of project.images) {
      const ref = parseImageRef(image);
      addTo(byRepository, ref.repository, project.name);
      addTo(byTag, tagKey(ref), project.name);
    }
  }

  const edges = new Map<string, ImageDependency>();
  const ambiguous = new Map<string, Set<string>>();
  for (const project of projects) {
    for (const image of project.dockerfileRefs) {
      const ref = parseImageRef(image);
      const exact = byTag.get(tagKey(ref) ?? '');
      const producers = exact?.size === 1 ? exact : byRepository.get(ref.repository);
      if (producers === undefined) continue;
      if (producers.size > 1) {
        addTo(ambiguous, ref.repository, project.name);
        continue;
      }
      const [target] = producers;
      const key = JSON.stringify([project.name, target]);
      if (target !== project.name && !edges.has(key)) edges.set(key, { source: project.name, target, image });
    }
  }

  return {
    edges: [...edges.values()].sort((a, b) => compare(a.source, b.source) || compare(a.target, b.target)),
    ambiguous: sorted(ambiguous.keys()).map((repository) => ({
      repository,
      producers: sorted(byRepository.get(repository)!),
      referencedBy: sorted(ambiguous.get(repository)!),
    })),
  };
}
