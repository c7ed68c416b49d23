import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Exec } from '../process/exec';
import { readLastChanges } from '../git/last-changes';
import type { ServiceOptions } from '../options/service-options';
import type { StateStore } from '../core/state-file';

/** When an image's inputs last changed: the commit's time (Unix seconds) and, from git, the commit itself. */
export interface SourceDate {
  epoch: number;
  revision?: string;
}

const parseEpoch = (text: string): number | undefined => {
  const seconds = Number(text);
  return text !== '' && Number.isInteger(seconds) && seconds >= 0 ? seconds : undefined;
};

/** What an image is built from, as paths for git: its context and Dockerfile, and those of the siblings it is built FROM in this bake. */
export function imageInputPaths(
  id: string,
  services: ReadonlyMap<string, ServiceOptions>,
  links: ReadonlyMap<string, Record<string, string>>,
): string[] {
  const paths = new Set<string>();
  const seen = new Set<string>();
  const visit = (task: string) => {
    const options = services.get(task);
    if (!options || seen.has(task)) return;
    seen.add(task);
    paths.add(options.context);
    paths.add(options.file);
    for (const base of Object.values(links.get(task) ?? {})) visit(base);
  };
  visit(id);
  // A context of `.` covers every other path; git reads `.` as the whole tree below the workspace root.
  return paths.has('.') ? ['.'] : [...paths].map((p) => posix.normalize(p).replace(/\/+$/, '') || '.');
}

/** Where a run may keep what it learnt: dates are a pure function of the commit, so they hold for as long as HEAD does. */
interface SourceDateCache {
  state: StateStore;
  /** HEAD: the walk starts there, so its answers hold for this commit only. */
  sha: string;
}

const CACHE = 'source-dates';
const pathsKey = (workspaceRoot: string, paths: readonly string[]) =>
  createHash('sha256')
    .update(JSON.stringify([workspaceRoot, paths]))
    .digest('hex')
    .slice(0, 32);

interface CachedDates {
  sha: string;
  /** pathsKey → the date, or null for "git knows no commit that touched them". */
  dates: Record<string, SourceDate | null>;
}

/** The dates this workspace's HEAD already has; a new HEAD starts afresh. */
function readCache(cache: SourceDateCache | undefined, workspaceRoot: string): CachedDates | undefined {
  const entry = cache?.state.read(CACHE)?.[workspaceRoot] as CachedDates | undefined;
  return entry && entry.sha === cache!.sha && typeof entry.dates === 'object' ? entry : undefined;
}

function writeCache(cache: SourceDateCache, workspaceRoot: string, dates: CachedDates['dates']): void {
  const all = cache.state.read(CACHE) ?? {};
  cache.state.write(CACHE, { ...all, [workspaceRoot]: { sha: cache.sha, dates } });
}

/**
 * Each reproducible task's source date: the environment's SOURCE_DATE_EPOCH when set (as every
 * reproducible-builds tool reads it), else the last commit that touched its image inputs — not HEAD,
 * which would change every image on every commit. One git process walks the history for every task at once
 * and is stopped as soon as each has its answer; a commit's answers are kept, so a run of the same commit asks
 * git nothing. Tasks git says nothing about get none.
 */
export async function resolveSourceDates(
  exec: Exec,
  workspaceRoot: string,
  services: readonly ServiceOptions[],
  links: ReadonlyMap<string, Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
  cache?: SourceDateCache,
): Promise<Map<string, SourceDate>> {
  const wanted = services.filter((s) => s.reproducible);
  const fromEnv = parseEpoch(env.SOURCE_DATE_EPOCH?.trim() ?? '');
  if (fromEnv !== undefined) return new Map(wanted.map((s) => [s.id, { epoch: fromEnv }]));
  const byId = new Map(services.map((s) => [s.id, s]));
  const paths = new Map(wanted.map((s) => [s.id, imageInputPaths(s.id, byId, links)]));
  const known = readCache(cache, workspaceRoot)?.dates ?? {};
  const dates = new Map<string, SourceDate>();
  const ask = new Map<string, string[]>();
  for (const [id, p] of paths) {
    const key = pathsKey(workspaceRoot, p);
    if (!(key in known)) ask.set(id, p);
    else if (known[key]) dates.set(id, known[key]!);
  }
  if (ask.size === 0) return dates;

  const found = await readLastChanges(exec, workspaceRoot, ask);
  if (!found) return dates;
  for (const [id, date] of found) dates.set(id, date);
  if (cache) {
    const learnt = Object.fromEntries([...ask].map(([id, p]) => [pathsKey(workspaceRoot, p), found.get(id) ?? null]));
    writeCache(cache, workspaceRoot, { ...known, ...learnt });
  }
  return dates;
}
