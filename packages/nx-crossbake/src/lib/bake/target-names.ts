import { createHash } from 'node:crypto';
import { CrossbakeError } from '../errors';

// Bake target names must match this (buildx validates them).
const VALID = /^[a-zA-Z0-9_-]+$/;

const readable = (project: string) =>
  project
    .replace(/^@/, '')
    .replace(/[^a-zA-Z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '') || 'project';

const shortHash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);

/**
 * Maps Nx project names to bake target names: a valid name is kept, `@acme/api` becomes `acme_api`, and when
 * two projects would share a name every changed one gets a hash of its full project name appended.
 * Deterministic for a given set of projects; throws if a collision somehow remains.
 */
export function assignTargetNames(projects: readonly string[]): Map<string, string> {
  const candidates = new Map(projects.map((p) => [p, VALID.test(p) ? p : readable(p)]));
  const counts = new Map<string, number>();
  for (const name of candidates.values()) counts.set(name, (counts.get(name) ?? 0) + 1);

  const names = new Map<string, string>();
  const taken = new Map<string, string>();
  for (const [project, candidate] of candidates) {
    const collides = counts.get(candidate)! > 1 && candidate !== project;
    const name = collides ? `${candidate}-${shortHash(project)}` : candidate;
    const owner = taken.get(name);
    if (owner !== undefined) {
      throw new CrossbakeError(`projects '${owner}' and '${project}' both map to bake target '${name}': rename one of them`);
    }
    taken.set(name, project);
    names.set(project, name);
  }
  return names;
}
