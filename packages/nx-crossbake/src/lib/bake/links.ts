import { buildOrder } from '../graph/build-order';
import { findImageDependencies } from '../graph/image-dependencies';
import { imageRepository, namedContextKey } from '../graph/image-name';

export interface ServiceImages {
  project: string;
  /** What the project's build produces. */
  tags: readonly string[];
  platforms: readonly string[];
  /** The images its Dockerfile builds FROM / copies from, as written. */
  dockerfileRefs: readonly string[];
}

export interface ImageLinks {
  /** project → { image, keyed as BuildKit looks it up (namedContextKey) → the sibling project that builds it }. */
  contexts: Map<string, Record<string, string>>;
  /** Projects that cannot be built as linked, with the reason. */
  problems: Map<string, string>;
}

/**
 * Wires images built FROM a sibling built in the same bake: the dependent gets a bake named context
 * `"<image>": "target:<sibling>"`, so it uses the sibling's fresh result instead of a registry round trip.
 * A sibling not in this bake is not linked: its image is pulled as published. Bake builds a linked
 * target on the same node for the dependent's platforms, so the sibling must cover them all.
 */
export function linkSiblingImages(services: readonly ServiceImages[]): ImageLinks {
  const { edges } = findImageDependencies(
    services.map((s) => ({ name: s.project, images: s.tags, dockerfileRefs: s.dockerfileRefs })),
  );
  buildOrder(
    services.map((s) => s.project),
    edges,
  ); // throws, naming the cycle, if images are built FROM each other in a circle

  const byProject = new Map(services.map((s) => [s.project, s]));
  const contexts = new Map<string, Record<string, string>>();
  const problems = new Map<string, string>();
  for (const { source, target, image } of edges) {
    const dependent = byProject.get(source)!;
    const base = byProject.get(target)!;
    const uncovered = dependent.platforms.filter((p) => !base.platforms.includes(p));
    if (uncovered.length > 0) {
      problems.set(
        source,
        `'${source}' is built FROM '${target}' (${image}) in the same bake, but '${target}' is not built for ` +
          `${uncovered.join(', ')}: add ${uncovered.length > 1 ? 'them' : 'it'} to '${target}' platforms, or build '${source}' for fewer`,
      );
      continue;
    }
    // Every spelling of the sibling's repository in this Dockerfile (FROM base:1, COPY --from=base:latest).
    const repository = imageRepository(image);
    const links = contexts.get(source) ?? {};
    for (const ref of dependent.dockerfileRefs) if (imageRepository(ref) === repository) links[namedContextKey(ref)] = target;
    contexts.set(source, links);
  }
  return { contexts, problems };
}
