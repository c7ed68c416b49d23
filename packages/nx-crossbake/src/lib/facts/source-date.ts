import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Exec } from '../process/exec';
import { readLastChanges, type InputPath } from '../git/last-changes';
import { BadPatternError, isIgnored, type IgnorePattern } from '../dockerfile/dockerignore-matcher';
import { ignoreFileFor, readContextIgnore, type ContextIgnore } from './context-ignore';
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

/** One input of an image, as the walk watches it. */
export interface ImageInput {
  /** Workspace-relative, as git lists files: a context folder, a Dockerfile or an ignore file. */
  path: string;
  /** A context's ignore patterns: a file under it counts only if BuildKit would send it. Absent: every file counts. */
  ignore?: readonly IgnorePattern[];
}

/** The ignore file BuildKit applies to a task's context, and its patterns. */
type IgnoreOf = (service: ServiceOptions) => Pick<ContextIgnore, 'file' | 'patterns'>;

const gitPath = (path: string) => posix.normalize(path).replace(/\/+$/, '') || '.';
const covers = (outer: string, inner: string) => outer === '.' || inner === outer || inner.startsWith(`${outer}/`);
const inputKey = (input: ImageInput) => [input.path, input.ignore?.map((p) => [p.text, p.exclusion]) ?? null];

/**
 * What an image is built from, as BuildKit is sent it: its context (less what the context's ignore file keeps
 * out), its Dockerfile (sent on its own, even when ignored or outside the context) and its ignore file; then the
 * same of every sibling it is built FROM in this bake, each judged by its own ignore file. A change to the ignore
 * file counts whole, as does one to `<Dockerfile>.dockerignore`: its arrival or removal changes which file applies.
 */
export function imageInputs(
  id: string,
  services: ReadonlyMap<string, ServiceOptions>,
  links: ReadonlyMap<string, Record<string, string>>,
  ignoreOf: IgnoreOf,
): ImageInput[] {
  const inputs = new Map<string, ImageInput>();
  const add = (path: string, ignore?: readonly IgnorePattern[]) => {
    const input = { path: gitPath(path), ...(ignore?.length ? { ignore } : {}) };
    inputs.set(JSON.stringify(inputKey(input)), input);
  };
  const seen = new Set<string>();
  const visit = (task: string) => {
    const options = services.get(task);
    if (!options || seen.has(task)) return;
    seen.add(task);
    const ignore = ignoreOf(options);
    add(options.context, ignore.patterns);
    add(options.file);
    add(ignore.file);
    add(`${options.file}.dockerignore`);
    for (const base of Object.values(links.get(task) ?? {})) visit(base);
  };
  visit(id);
  // A path under one whose every file counts adds nothing (a context of `.` without ignore file covers all).
  const whole = [...inputs.values()].filter((input) => !input.ignore);
  return [...inputs.values()].filter((input) => !whole.some((w) => w !== input && covers(w.path, input.path)));
}

/** An image input as the walk takes it: a file under a context counts unless the context's ignore file keeps it out. */
const toInputPath = ({ path, ignore }: ImageInput): InputPath =>
  ignore ? { path, counts: (file) => !isIgnored(ignore, path === '.' ? file : file.slice(path.length + 1)) } : { path };

/**
 * The ignore file BuildKit applies to a task's context. One with a pattern BuildKit refuses (the build fails on
 * it) or that we do not read (an RE2-only construct) filters nothing: every file counts, so a date may move more
 * often than BuildKit's context does, never less.
 */
function readIgnore(workspaceRoot: string, service: ServiceOptions): Pick<ContextIgnore, 'file' | 'patterns'> {
  try {
    return readContextIgnore(workspaceRoot, service);
  } catch (e) {
    if (!(e instanceof BadPatternError)) throw e;
    return { file: ignoreFileFor(service, (path) => existsSync(join(workspaceRoot, path))), patterns: [] };
  }
}

/** Where a run may keep what it learnt: dates are a pure function of the commit and the inputs, ignore patterns included. */
interface SourceDateCache {
  state: StateStore;
  /** HEAD: the walk starts there, so its answers hold for this commit only. */
  sha: string;
}

const CACHE = 'source-dates';
// The ignore patterns are part of the key: an edited ignore file at the same HEAD is asked about afresh.
const inputsKey = (workspaceRoot: string, inputs: readonly ImageInput[]) =>
  createHash('sha256')
    .update(JSON.stringify([workspaceRoot, inputs.map(inputKey)]))
    .digest('hex')
    .slice(0, 32);

interface CachedDates {
  sha: string;
  /** inputsKey → the date, or null for "git knows no commit that touched them". */
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
 * reproducible-builds tool reads it), else the last commit that changed what BuildKit is sent for it
 * (imageInputs) — not HEAD, which would change every image on every commit, nor a commit that only touched a
 * file the .dockerignore keeps out. Ignore files are read as they are now, as the build reads them. One git
 * process walks the history for every task at once and is stopped as soon as each has its answer; the answers
 * are kept, so a run of the same commit with the same ignore files asks git nothing. Tasks git says nothing
 * about get none.
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
  const ignores = new Map<string, ReturnType<IgnoreOf>>();
  const ignoreOf: IgnoreOf = (s) => ignores.get(s.id) ?? ignores.set(s.id, readIgnore(workspaceRoot, s)).get(s.id)!;
  const inputs = new Map(wanted.map((s) => [s.id, imageInputs(s.id, byId, links, ignoreOf)]));
  const known = readCache(cache, workspaceRoot)?.dates ?? {};
  const dates = new Map<string, SourceDate>();
  const ask = new Map<string, ImageInput[]>();
  for (const [id, i] of inputs) {
    const key = inputsKey(workspaceRoot, i);
    if (!(key in known)) ask.set(id, i);
    else if (known[key]) dates.set(id, known[key]!);
  }
  if (ask.size === 0) return dates;

  const found = await readLastChanges(exec, workspaceRoot, new Map([...ask].map(([id, i]) => [id, i.map(toInputPath)])));
  if (!found) return dates;
  for (const [id, date] of found) dates.set(id, date);
  if (cache) {
    const learnt = Object.fromEntries([...ask].map(([id, i]) => [inputsKey(workspaceRoot, i), found.get(id) ?? null]));
    writeCache(cache, workspaceRoot, { ...known, ...learnt });
  }
  return dates;
}
