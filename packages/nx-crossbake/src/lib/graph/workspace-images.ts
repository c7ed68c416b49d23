import { posix } from 'node:path';
import { MULTIARCH_EXECUTOR } from '../core/executor-names';
import { toKeyValueList, toStringList, toText } from '../options/coerce';
import { parseKeyValues } from '../options/validators';
import { parseDockerfileImageRefs } from '../dockerfile/image-refs';
import { parseImageRef, pulledTag } from '../docker/image-ref';
import { type ImagePattern, parseTagPattern } from './image-patterns';

export interface ProjectImages {
  name: string;
  /** The tag options of one of the project's multiarch targets, as written: templates allowed. */
  images: readonly string[];
  /** What that target's Dockerfile builds from or copies out of (see parseDockerfileImageRefs). */
  dockerfileRefs: readonly string[];
}

/** `source` builds from (or copies out of) an image `target` may produce, so a change to `target` affects `source`. */
export interface ImageDependency {
  source: string;
  target: string;
  /** The reference as the source's Dockerfile wrote it (the first one, when several lead to the same target). */
  image: string;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface Producer {
  project: string;
  pattern: ImagePattern;
}

/**
 * Which projects' images may be built FROM which other projects' images: the project graph's rule, which is
 * conservative, since rebuilding a dependent too often is safe and missing one is not. (The runtime links
 * only exact tags: see linkSiblingImages.)
 *
 * A reference depends on every other project whose tags produce its repository, templates included, whatever
 * the tag or digest it pins. Only when several projects share the repository (one repository, a tag per
 * service) does the tag choose among them: the producers whose tag pattern matches it, or all of them when
 * none does. A project referring to its own image is no edge. Edges are sorted, so the result does not depend
 * on the order of `projects`.
 */
export function findImageDependencies(projects: readonly ProjectImages[]): ImageDependency[] {
  // Fixed repositories are looked up by name; only patterns with a placeholder in the repository are scanned.
  const byRepository = new Map<string, Producer[]>();
  const templated: Producer[] = [];
  for (const { name, images } of projects) {
    for (const image of images) {
      const producer = { project: name, pattern: parseTagPattern(image, name) };
      if (producer.pattern.literal === undefined) templated.push(producer);
      else byRepository.set(producer.pattern.literal, [...(byRepository.get(producer.pattern.literal) ?? []), producer]);
    }
  }

  const edges = new Map<string, ImageDependency>();
  for (const { name, dockerfileRefs } of projects) {
    for (const image of dockerfileRefs) {
      for (const target of producersOf(image, byRepository, templated, name)) {
        const key = JSON.stringify([name, target]);
        if (!edges.has(key)) edges.set(key, { source: name, target, image });
      }
    }
  }
  return [...edges.values()].sort((a, b) => compare(a.source, b.source) || compare(a.target, b.target));
}

/** The projects other than `self` that may produce the image `reference` names. */
function producersOf(reference: string, byRepository: Map<string, Producer[]>, templated: readonly Producer[], self: string): string[] {
  const ref = parseImageRef(reference);
  const producers = [...(byRepository.get(ref.repository) ?? []), ...templated.filter((p) => p.pattern.repository.test(ref.repository))];
  const tag = pulledTag(ref);
  const byTag = tag === undefined ? [] : producers.filter((p) => p.pattern.tag.test(tag));
  const projects = new Set((byTag.length > 0 ? byTag : producers).map((p) => p.project));
  projects.delete(self);
  return [...projects];
}

/** What a project's configuration holds, as Nx gives it (ProjectConfiguration): options may be anything. */
export interface ProjectTargets {
  root: string;
  targets?: Readonly<Record<string, { executor?: string; options?: unknown } | undefined>>;
}

/** A multiarch target whose image dependencies could not be read: it has no image edges. */
interface UnreadTarget {
  project: string;
  target: string;
  reason: string;
}

interface WorkspaceImages {
  /** One entry per multiarch target that could be read. */
  images: Array<ProjectImages & { target: string; dockerfile: string }>;
  unread: UnreadTarget[];
}

/** One target's tags and Dockerfile references; throws, with the reason, when they cannot be read. */
function readTargetImages(root: string, rawOptions: unknown, readFile: (path: string) => string) {
  if (rawOptions !== undefined && (rawOptions === null || typeof rawOptions !== 'object' || Array.isArray(rawOptions))) {
    throw new Error(`its options are ${JSON.stringify(rawOptions)}, not an object`);
  }
  const options = (rawOptions ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  const tags = toStringList('tags', options.tags, 'comma', problems) ?? [];
  const buildArgs = parseKeyValues('build-args', toKeyValueList('build-args', options['build-args'], problems) ?? [], problems);
  const file = posix.normalize(toText('file', options.file, problems) ?? posix.join(root, 'Dockerfile'));
  if (posix.isAbsolute(file) || file === '..' || file.startsWith('../')) problems.push(`'file' (${file}) is outside the workspace`);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return { images: tags, dockerfile: file, dockerfileRefs: parseDockerfileImageRefs(readFile(file), buildArgs) };
}

/**
 * The tags and Dockerfile references of every multiarch target of `projects` (Nx's project configurations,
 * nx.json targetDefaults already merged in and `{projectName}` already substituted by Nx). Never throws for
 * what a project holds: a target whose options or Dockerfile cannot be read (an option of the wrong type, a
 * Dockerfile that is missing or a folder) is listed in `unread` and gives no edges; the executor reports it.
 * `readFile` reads a workspace-relative path.
 */
export function readWorkspaceImages(
  projects: Readonly<Record<string, ProjectTargets>>,
  readFile: (path: string) => string,
): WorkspaceImages {
  const result: WorkspaceImages = { images: [], unread: [] };
  for (const [name, config] of Object.entries(projects)) {
    for (const [target, targetConfig] of Object.entries(config?.targets ?? {})) {
      if (targetConfig?.executor !== MULTIARCH_EXECUTOR) continue;
      try {
        result.images.push({ name, target, ...readTargetImages(config.root, targetConfig.options, readFile) });
      } catch (e) {
        result.unread.push({ project: name, target, reason: e instanceof Error ? e.message : String(e) });
      }
    }
  }
  return result;
}
