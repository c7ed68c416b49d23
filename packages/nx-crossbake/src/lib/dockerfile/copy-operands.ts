/**
 * What a COPY or ADD takes from the build context: its sources, as written, and its destination. BuildKit reads
 * a source relative to the context's root whatever its leading `/` or `..` (it never leaves the context), and
 * matches a wildcard as Go's filepath.Match does.
 */
import { posix } from 'node:path';
import type { DockerfileInstruction } from './instructions';
import { splitWords, unquoteWord } from './words';

export const WILDCARD = /[*?[]/;

/** A Go filepath.Match pattern of one path segment as a RegExp (`*` and `?` never match `/`). */
export function globRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/** A source as the context path BuildKit reads: posix, relative to the context's root, `.` for the root. */
export const contextPath = (source: string) =>
  posix
    .normalize(`./${source}`)
    .replace(/^\/+/, '')
    .replace(/^(\.\.(\/|$))+/, '') || '.';

/**
 * Sources and destination of a COPY/ADD from the context; undefined for `--from`, URLs, git sources, heredocs,
 * sources with variables, and exec forms that do not parse.
 */
export function contextCopyOperands(instruction: DockerfileInstruction, escape: string): { sources: string[]; dest: string } | undefined {
  const { keyword, args } = instruction;
  if (keyword !== 'COPY' && keyword !== 'ADD') return undefined;
  const all = splitWords(args, escape);
  const start = all.findIndex((w) => !w.startsWith('--'));
  if (start < 0 || all.slice(0, start).some((f) => /^--from=/i.test(f))) return undefined;
  const rest = all.slice(start).join(' ');
  let words: string[];
  if (rest.startsWith('[')) {
    try {
      words = JSON.parse(rest) as string[];
    } catch {
      return undefined;
    }
  } else {
    words = all.slice(start).map((w) => unquoteWord(w, escape));
  }
  const remote = (w: string) => /^[a-z]+:\/\//i.test(w) || /^git@/.test(w) || w.startsWith('<<');
  if (words.length < 2 || words.some((w) => remote(w) || w.includes('$'))) return undefined;
  return { sources: words.slice(0, -1), dest: words.at(-1)! };
}
