/** Paths inside the image as a step sees them: literal or not, and resolved against a working directory. */
import { posix } from 'node:path';

/** Nothing in it the shell would expand. */
export const literal = (path: string) => !/[$`*?]/.test(path);

/** `path` from `dir`, a trailing slash kept; undefined when it is relative and `dir` is unknown. */
export function resolvePath(dir: string | undefined, path: string): string | undefined {
  if (path.startsWith('/')) return path.endsWith('/') ? posix.normalize(path) : posix.normalize(path).replace(/\/$/, '');
  if (dir === undefined) return undefined;
  const joined = posix.join(dir, path);
  return path.endsWith('/') && !joined.endsWith('/') ? `${joined}/` : joined;
}

/** The working directory after `cd <arg>` from `cwd`; undefined when the shell decides it. */
export const afterCd = (cwd: string | undefined, arg: string | undefined): string | undefined =>
  arg !== undefined && literal(arg) ? resolvePath(cwd, arg) : undefined;
