import { posix } from 'node:path';
import type { Exec } from '../docker/exec';
import type { ServiceOptions } from '../options/service-options';

/** When an image's inputs last changed: the commit's time (Unix seconds) and, from git, the commit itself. */
export interface SourceDate {
  epoch: number;
  revision?: string;
}

/** git argv: the committer time and hash of the newest commit that touched any of `paths`. */
export const getLastChangeCommand = (paths: readonly string[]): string[] => ['log', '-1', '--format=%ct %H', '--', ...paths];

const parseEpoch = (text: string): number | undefined => {
  const seconds = Number(text);
  return text !== '' && Number.isInteger(seconds) && seconds >= 0 ? seconds : undefined;
};

/** `git log --format='%ct %H'` output; undefined when git printed nothing usable (no commit touched them). */
export function parseLastChange(stdout: string): SourceDate | undefined {
  const [seconds = '', revision] = stdout.trim().split(/\s+/);
  const epoch = parseEpoch(seconds);
  return epoch === undefined ? undefined : { epoch, ...(revision && { revision }) };
}

/** What an image is built from, as paths for git: its context and Dockerfile, and those of the siblings it is built FROM in this bake. */
export function imageInputPaths(id: string, services: ReadonlyMap<string, ServiceOptions>, links: ReadonlyMap<string, Record<string, string>>): string[] {
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
  return paths.has('.') ? ['.'] : [...paths].map((p) => posix.normalize(p));
}

/**
 * Each reproducible task's source date: the environment's SOURCE_DATE_EPOCH when set (as every
 * reproducible-builds tool reads it), else the last commit that touched its image inputs — not HEAD,
 * which would change every image on every commit. Tasks git says nothing about get none.
 */
export async function resolveSourceDates(
  exec: Exec,
  workspaceRoot: string,
  services: readonly ServiceOptions[],
  links: ReadonlyMap<string, Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Map<string, SourceDate>> {
  const wanted = services.filter((s) => s.reproducible);
  const fromEnv = parseEpoch(env.SOURCE_DATE_EPOCH?.trim() ?? '');
  if (fromEnv !== undefined) return new Map(wanted.map((s) => [s.id, { epoch: fromEnv }]));
  const byId = new Map(services.map((s) => [s.id, s]));
  const dates = await Promise.all(
    wanted.map(async (s) => {
      const result = await exec('git', getLastChangeCommand(imageInputPaths(s.id, byId, links)), { cwd: workspaceRoot });
      return [s.id, result.exitCode === 0 ? parseLastChange(result.stdout) : undefined] as const;
    }),
  );
  return new Map(dates.filter((d): d is readonly [string, SourceDate] => d[1] !== undefined));
}
