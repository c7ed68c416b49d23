/**
 * What the other commands of a moved RUN leave behind. The moved RUN runs in the build stage, and the
 * original stage receives nothing but its artifacts: a command may share the RUN only when it leaves
 * nothing (it steers the shell or prints), or when what it writes is known and lands inside what is
 * copied back. One list for every rewrite, so Go and Node judge a RUN alike.
 */
import { literal, resolvePath } from './image-paths';

// Commands that leave nothing once the RUN ends: they steer its shell, test, or print to its log.
const NO_EFFECT = new Set(['cd', 'set', 'export', 'true', ':', 'test', '[', 'echo', 'printf', 'cat', 'uname', 'pwd']);
// `mkdir` flags that change nothing but whether parents are made or names are printed.
const MKDIR_FLAGS = /^-(p|v|pv|vp)$|^--(parents|verbose)$/;
// Named with their subcommand in messages: `go generate` says more than `go`.
const TOOLS = new Set(['go', 'npm', 'pnpm', 'yarn']);
const REDIRECT = /^(\d*|&)(>>?|>\||<>?)(.*)$/s;

/** The command's name without its folder: `/usr/local/go/bin/go` is `go`. */
export const commandName = (words: readonly string[]): string => (words[0] ?? '').slice((words[0] ?? '').lastIndexOf('/') + 1);

export const hasNoEffect = (name: string): boolean => NO_EFFECT.has(name);

/** The words without redirections, and the files the redirections write (not /dev/null, not a descriptor). */
export function splitRedirects(words: readonly string[]): { words: string[]; writes: string[] } {
  const kept: string[] = [];
  const writes: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const redirect = words[i].match(REDIRECT);
    if (!redirect) {
      kept.push(words[i]);
      continue;
    }
    const target = redirect[3] || words[++i] || '';
    if (redirect[2] !== '<' && target !== '/dev/null' && !/^&\d$/.test(target)) writes.push(target);
  }
  return { words: kept, writes };
}

/**
 * The absolute paths a command other than the moved one writes or creates, from `cwd`; or why they cannot
 * be known (a command this list does not know, a path from the shell, a relative path in an unknown folder).
 */
export function sideEffectsOf(words: readonly string[], cwd: string | undefined): string[] | string {
  const { words: plain, writes } = splitRedirects(words);
  const name = commandName(plain);
  let paths: string[];
  if (NO_EFFECT.has(name)) paths = writes;
  else if (name === 'mkdir' && plain.slice(1).every((w) => !w.startsWith('-') || MKDIR_FLAGS.test(w)))
    paths = [...plain.slice(1).filter((w) => !w.startsWith('-')), ...writes];
  else
    return `the RUN also runs \`${TOOLS.has(name) && plain[1] && !plain[1].startsWith('-') ? `${name} ${plain[1]}` : name}\`, whose effects would not reach the final stage`;
  const resolved: string[] = [];
  for (const path of paths) {
    const absolute = literal(path) ? resolvePath(cwd, path) : undefined;
    if (absolute === undefined)
      return `the RUN also writes \`${path}\`, a path this rewrite cannot resolve, so it cannot tell whether the final stage receives it`;
    resolved.push(absolute.replace(/(.)\/$/, '$1'));
  }
  return resolved;
}

/** `path` is an artifact or inside a folder artifact (one ending in `/`, whose contents are copied). */
export const isCopiedBack = (path: string, artifacts: readonly string[]): boolean =>
  artifacts.some((a) => (a.endsWith('/') ? path === a.slice(0, -1) || path.startsWith(a) : path === a));
