import { createHash } from 'node:crypto';
import { DEFAULT_TARGET } from '../core/executor-names';
import { CrossbakeError } from '../core/errors';

// Bake target names must match this (buildx validates them).
const VALID = /^[a-zA-Z0-9_-]+$/;

const readable = (name: string) =>
  name
    .replace(/^@/, '')
    .replace(/[^a-zA-Z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '') || 'project';

const shortHash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);

/** The task a bake target is built for: one project may have several multiarch targets. */
export interface TaskKey {
  /** Nx task id, e.g. `@acme/api:docker-multiarch-debug`. */
  id: string;
  project: string;
  targetName: string;
}

/**
 * The readable name of a task: the project for the default target, and project plus the target's own
 * part for others (`two:docker-multiarch-debug` → `two_debug`, `two:image` → `two_image`).
 */
function candidate({ project, targetName }: TaskKey): string {
  if (targetName === DEFAULT_TARGET) return VALID.test(project) ? project : readable(project);
  const own = targetName.startsWith(`${DEFAULT_TARGET}-`) ? targetName.slice(DEFAULT_TARGET.length + 1) : targetName;
  return `${readable(project)}_${readable(own)}`;
}

/**
 * Maps Nx tasks to bake target names, keyed by task id: a valid project name is kept, `@acme/api` becomes
 * `acme_api`, another target of a project adds its name, and when two tasks would share a name every
 * changed one gets a hash of its task id appended. Deterministic for a given set of tasks; throws if a
 * collision somehow remains.
 */
export function assignTargetNames(tasks: readonly TaskKey[]): Map<string, string> {
  const candidates = new Map(
    tasks.map((t) => [t.id, { name: candidate(t), kept: t.targetName === DEFAULT_TARGET && candidate(t) === t.project }]),
  );
  const counts = new Map<string, number>();
  for (const { name } of candidates.values()) counts.set(name, (counts.get(name) ?? 0) + 1);

  const names = new Map<string, string>();
  const taken = new Map<string, string>();
  for (const [id, { name: wanted, kept }] of candidates) {
    const name = counts.get(wanted)! > 1 && !kept ? `${wanted}-${shortHash(id)}` : wanted;
    const owner = taken.get(name);
    if (owner !== undefined) {
      throw new CrossbakeError(`tasks '${owner}' and '${id}' both map to bake target '${name}': rename one of them`);
    }
    taken.set(name, id);
    names.set(id, name);
  }
  return names;
}
