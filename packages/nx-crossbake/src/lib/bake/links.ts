import { namedContextKey, parseImageRef, pulledTag } from '../docker/image-ref';

export interface ServiceImages {
  /** The Nx task id, e.g. `two:docker-multiarch-debug`: two targets of one project are two services. */
  id: string;
  /** How messages name the task (the project, for its default target); the id when absent. */
  label?: string;
  /** What the task's build produces: rendered tags, no templates left. */
  tags: readonly string[];
  platforms: readonly string[];
  /** The images its Dockerfile builds FROM / copies from, as written. */
  dockerfileRefs: readonly string[];
}

interface ImageLinks {
  /** task id → { image, keyed as BuildKit looks it up (namedContextKey) → the sibling task that builds it }. */
  contexts: Map<string, Record<string, string>>;
  /** task id → why it cannot be built as linked. */
  problems: Map<string, string>;
  /** References to a sibling's repository that are pulled as written (pinned tag, digest, own tag): for `--verbose`. */
  notes: string[];
}

interface Link {
  source: string;
  target: string;
  ref: string;
}

/** `repository:tag` of what a reference pulls, or of what a tag produces; undefined for a digest. */
const tagKey = (image: string) => {
  const ref = parseImageRef(image);
  const tag = ref.digest === undefined ? pulledTag(ref) : undefined;
  return tag === undefined ? undefined : `${ref.repository}:${tag}`;
};

/**
 * Wires images built FROM a sibling built in the same bake: the dependent gets a bake named context
 * `"<image>": "target:<sibling>"`, so it uses the sibling's fresh result instead of a registry round trip.
 *
 * Exact, unlike the project graph: a reference is linked only when it names a tag this run produces (no tag
 * means `:latest`). One pinned to another tag of the sibling's repository, or by digest, is pulled as written
 * and gets a note. Bake builds a linked target on the same node for the dependent's platforms, so the sibling
 * must cover them all; a reference two tasks produce, and tasks built from each other in a cycle, are problems
 * of the tasks concerned only.
 */
export function linkSiblingImages(services: readonly ServiceImages[]): ImageLinks {
  const byId = new Map(services.map((s) => [s.id, s]));
  const name = (id: string) => byId.get(id)?.label ?? id;
  const byTag = new Map<string, string[]>();
  const byRepository = new Map<string, Array<{ id: string; tag: string }>>();
  for (const { id, tags } of services) {
    for (const tag of tags) {
      const key = tagKey(tag);
      if (key !== undefined && !byTag.get(key)?.includes(id)) byTag.set(key, [...(byTag.get(key) ?? []), id]);
      const { repository } = parseImageRef(tag);
      byRepository.set(repository, [...(byRepository.get(repository) ?? []), { id, tag }]);
    }
  }

  const problems = new Map<string, string>();
  const notes: string[] = [];
  const links: Link[] = [];
  for (const { id, dockerfileRefs } of services) {
    for (const ref of dockerfileRefs) {
      const producers = byTag.get(tagKey(ref) ?? '') ?? [];
      if (producers.length > 1) {
        problems.set(
          id,
          `'${name(id)}' is built FROM ${ref}, which several tasks of this run produce (${producers.map(name).join(', ')}): give each its own tag`,
        );
      } else if (producers.length === 1 && producers[0] !== id) {
        links.push({ source: id, target: producers[0], ref });
      } else if (producers.length === 1) {
        notes.push(`'${name(id)}' uses ${ref}, an image it builds itself: pulled as written, not linked`);
      } else {
        const note = pinnedNote(id, ref, byRepository, name);
        if (note) notes.push(note);
      }
    }
  }

  for (const { source, target, ref } of links) {
    const uncovered = byId.get(source)!.platforms.filter((p) => !byId.get(target)!.platforms.includes(p));
    if (uncovered.length > 0 && !problems.has(source)) {
      problems.set(
        source,
        `'${name(source)}' is built FROM '${name(target)}' (${ref}) in the same bake, but '${name(target)}' is not built for ` +
          `${uncovered.join(', ')}: add ${uncovered.length > 1 ? 'them' : 'it'} to '${name(target)}' platforms, or build '${name(source)}' for fewer`,
      );
    }
  }
  for (const [id, problem] of cycleProblems(links, name)) if (!problems.has(id)) problems.set(id, problem);

  const contexts = new Map<string, Record<string, string>>();
  for (const { source, target, ref } of links) {
    if (problems.has(source)) continue;
    contexts.set(source, { ...contexts.get(source), [namedContextKey(ref)]: target });
  }
  return { contexts, problems, notes };
}

/** Why a reference to a sibling's repository is not linked; undefined when no sibling builds that repository. */
function pinnedNote(
  id: string,
  ref: string,
  byRepository: ReadonlyMap<string, ReadonlyArray<{ id: string; tag: string }>>,
  name: (id: string) => string,
): string | undefined {
  const { repository, digest } = parseImageRef(ref);
  const built = new Map<string, string[]>();
  for (const sibling of byRepository.get(repository) ?? [])
    if (sibling.id !== id) built.set(sibling.id, [...(built.get(sibling.id) ?? []), sibling.tag]);
  if (built.size === 0) return undefined;
  const why = digest !== undefined ? 'it is pinned by digest' : 'this run does not build that tag';
  return `'${name(id)}' uses ${ref}, but ${why} (${[...built].map(([sibling, tags]) => `'${name(sibling)}' builds ${tags.join(', ')}`).join('; ')}): pulled as written, not linked`;
}

/**
 * Each task on a cycle of links, with the cycle: no order can build them. Only those tasks are refused; a
 * task outside the cycle keeps its links. Quadratic in the worst case, linear for the sparse links of real runs.
 */
function cycleProblems(links: readonly Link[], name: (id: string) => string): Map<string, string> {
  const next = new Map<string, string[]>();
  for (const { source, target } of links) next.set(source, [...(next.get(source) ?? []), target]);
  const problems = new Map<string, string>();
  for (const start of next.keys()) {
    // Breadth-first from start, remembering how each task was reached, until start comes round again.
    const cameFrom = new Map<string, string>();
    const queue = [start];
    for (let i = 0; i < queue.length && !cameFrom.has(start); i++) {
      for (const base of next.get(queue[i]) ?? []) {
        if (cameFrom.has(base)) continue;
        cameFrom.set(base, queue[i]);
        queue.push(base);
      }
    }
    if (!cameFrom.has(start)) continue;
    const path = [start];
    for (let at = cameFrom.get(start)!; at !== start; at = cameFrom.get(at)!) path.unshift(at);
    path.unshift(start);
    problems.set(
      start,
      `task images are built from each other in a cycle: ${path.map(name).join(' → ')} (a → b: a's Dockerfile uses the image b builds), ` +
        'so no order can build them: remove one of these references.',
    );
  }
  return problems;
}

/**
 * Adds a problem for every task linked FROM a sibling that has one (and so on down the chain): bake would
 * drop the link and build the dependent on the stale published base instead. Returns the tasks added.
 */
export function rejectDependents(
  problems: Map<string, string>,
  contexts: ImageLinks['contexts'],
  name: (id: string) => string = (id) => id,
): string[] {
  const added: string[] = [];
  for (let changed = true; changed;) {
    changed = false;
    for (const [id, links] of contexts) {
      const base = problems.has(id) ? undefined : Object.values(links).find((sibling) => problems.has(sibling));
      if (base === undefined) continue;
      problems.set(id, `not built: it is built FROM '${name(base)}', which is not built in this run (see its own error)`);
      added.push(id);
      changed = true;
    }
  }
  return added;
}
