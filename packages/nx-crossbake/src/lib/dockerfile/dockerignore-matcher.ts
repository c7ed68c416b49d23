/**
 * .dockerignore as BuildKit reads it, ported from moby/patternmatcher (ignorefile.ReadAll, New,
 * MatchesOrParentMatches) for slash-separated paths, so the run judges a context by Docker's rules rather
 * than by a nearby glob library. The spec replays patternmatcher's own test tables.
 */

export interface IgnorePattern {
  /** The cleaned pattern, without its `!`. */
  text: string;
  /** A `!` line: re-includes what it matches. */
  exclusion: boolean;
  /** The pattern's path segments (patternmatcher's `dirs`). */
  dirs: string[];
  match: (path: string) => boolean;
}

/** A pattern BuildKit refuses: the build itself would fail with "invalid excludepatterns". */
export class BadPatternError extends Error {
  constructor(readonly pattern: string) {
    super(`syntax error in .dockerignore pattern '${pattern}'`);
    this.name = 'BadPatternError';
  }
}

/** Go's filepath.Clean for slash paths: the shortest equivalent path. */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const parts: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment !== '..') parts.push(segment);
    else if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else if (!rooted) parts.push('..');
  }
  const joined = parts.join('/');
  return rooted ? `/${joined}` : joined || '.';
}

/**
 * ignorefile.ReadAll: `#` comments only in column 1, whitespace trimmed, each pattern cleaned, a leading
 * `/` dropped (the context is the root), `!` kept in front.
 */
export function parseDockerignore(text: string): string[] {
  const patterns: string[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (i === 0) line = line.replace(/^\uFEFF/, '');
    if (line.startsWith('#')) continue;
    let pattern = line.trim();
    if (pattern === '') continue;
    const invert = pattern.startsWith('!');
    if (invert) pattern = pattern.slice(1).trim();
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    patterns.push(invert ? `!${pattern}` : pattern);
  }
  return patterns;
}

/** One `[...]` range end as filepath.Match reads it; the index after it, or -1 when malformed. */
function rangeEnd(chars: string[], i: number): number {
  if (i >= chars.length || chars[i] === '-' || chars[i] === ']') return -1;
  if (chars[i] === '\\' && ++i >= chars.length) return -1;
  return i + 1 < chars.length ? i + 1 : -1;
}

/** filepath.Match's syntax check of one chunk (the text between stars). */
function isValidChunk(chars: string[]): boolean {
  let i = 0;
  while (i < chars.length) {
    if (chars[i] === '[') {
      i++;
      if (chars[i] === '^') i++;
      for (let ranges = 0; ; ranges++) {
        if (chars[i] === ']' && ranges > 0) {
          i++;
          break;
        }
        i = rangeEnd(chars, i);
        if (i < 0) return false;
        if (chars[i] === '-') i = rangeEnd(chars, i + 1);
        if (i < 0) return false;
      }
    } else if (chars[i] === '\\') {
      if (i + 1 >= chars.length) return false;
      i += 2;
    } else i++;
  }
  return true;
}

/** filepath.Match's error for a malformed pattern (patternmatcher.New calls it to check syntax). */
function isValidPattern(pattern: string): boolean {
  const chars = [...pattern];
  let chunk: string[] = [];
  let inRange = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '*' && !inRange) {
      if (!isValidChunk(chunk)) return false;
      chunk = [];
      continue;
    }
    chunk.push(c);
    if (c === '\\' && i + 1 < chars.length) chunk.push(chars[++i]);
    else if (c === '[') inRange = true;
    else if (c === ']') inRange = false;
  }
  return isValidChunk(chunk);
}

const REGEXP_SPECIAL = new Set([...'.+()|{}$']);

// Go's regexp takes `\` before any punctuation as that literal character; JavaScript's unicode mode refuses
// most of them (`\-`, `\!`), so those are written as code points. Letters keep their meaning (`\d`) and, as in
// Go, an unknown one (`\q`) is a bad pattern.
const escaped = (c: string) => (/[A-Za-z0-9]/.test(c) ? `\\${c}` : `\\u{${c.codePointAt(0)!.toString(16)}}`);

/** Pattern.compile: an exact path, a prefix (`dir/**`), a suffix (a leading `**`) or a regular expression. */
function compile(pattern: string): (path: string) => boolean {
  const chars = [...pattern];
  let re = '^';
  let type: 'exact' | 'prefix' | 'suffix' | 'regexp' = 'exact';
  for (let i = 0, at = 0; at < chars.length; i++) {
    const c = chars[at++];
    if (c === '*') {
      if (chars[at] === '*') {
        at++;
        if (chars[at] === '/') at++; // `**/` is `**`
        if (at >= chars.length) {
          if (type === 'exact') type = 'prefix';
          else {
            re += '.*';
            type = 'regexp';
          }
        } else {
          re += '(.*/)?';
          type = 'regexp';
        }
        if (i === 0) type = 'suffix';
      } else {
        re += '[^/]*';
        type = 'regexp';
      }
    } else if (c === '?') {
      re += '[^/]';
      type = 'regexp';
    } else if (REGEXP_SPECIAL.has(c)) {
      re += `\\${c}`;
    } else if (c === '\\') {
      if (at < chars.length) {
        re += escaped(chars[at++]);
        type = 'regexp';
      } else re += '\\';
    } else if (c === '[' || c === ']') {
      re += c;
      type = 'regexp';
    } else re += c;
  }
  if (type === 'exact') return (path) => path === pattern;
  if (type === 'prefix') return (path) => path.startsWith(pattern.slice(0, -2));
  if (type === 'suffix') {
    const suffix = pattern.slice(2);
    return (path) => path.endsWith(suffix) || (suffix.startsWith('/') && path === suffix.slice(1));
  }
  let regexp: RegExp;
  try {
    regexp = new RegExp(`${re}$`, 'u');
  } catch {
    throw new BadPatternError(pattern); // Go's regexp refuses it too (e.g. `\q`)
  }
  return (path) => regexp.test(path);
}

/** patternmatcher.New: throws BadPatternError for a pattern BuildKit would refuse. */
export function compileDockerignore(patterns: readonly string[]): IgnorePattern[] {
  const compiled: IgnorePattern[] = [];
  for (const raw of patterns) {
    let text = raw.trim();
    if (text === '') continue;
    text = cleanPath(text);
    const exclusion = text.startsWith('!');
    if (exclusion) {
      if (text.length === 1) throw new BadPatternError(raw);
      text = text.slice(1);
    }
    if (!isValidPattern(text)) throw new BadPatternError(raw);
    compiled.push({ text, exclusion, dirs: text.split('/'), match: compile(text) });
  }
  return compiled;
}

/** `path` and each of its parent folders, shortest first. */
const selfAndParents = (path: string) => path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));

/** The pattern matches the path or one of its parent folders (what excludes a folder excludes all in it). */
const matchesOrParent = (pattern: IgnorePattern, path: string) => selfAndParents(path).some(pattern.match);

/** MatchesOrParentMatches: the last pattern that matches the path or a parent decides; `!` re-includes. */
export function isIgnored(patterns: readonly IgnorePattern[], path: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    if (pattern.exclusion !== matched) continue;
    if (matchesOrParent(pattern, path)) matched = !pattern.exclusion;
  }
  return matched;
}

/**
 * Whether an exception could re-include `folder` or anything under it. Conservative: a `**` in the part of
 * the pattern that must match the folder could match anything. A pattern without wildcards is the case
 * BuildKit's walker (fsutil) decides the same way: it skips the folder unless an exception names a path in it.
 */
export function mayReinclude(pattern: IgnorePattern, folder: string): boolean {
  const segments = folder.split('/');
  for (const [i, dir] of pattern.dirs.entries()) {
    if (dir.includes('**') || i >= segments.length) return true;
    try {
      if (!compile(dir)(segments[i])) return false;
    } catch {
      return true; // a segment that is no pattern on its own (a class split at `/`): assume it could
    }
  }
  return true; // it names the folder or a parent of it
}

// `dir/*` and `dir/**` exclude all of dir's content though not dir itself (fsutil's patternWithoutTrailingGlob).
const withoutTrailingGlob = (text: string) => text.replace(/\/\*\*?$/, '');

/**
 * True when BuildKit sends nothing from inside `folder`: a pattern excludes all of it, and no later `!`
 * exception could bring any of it back.
 */
export function keepsOut(patterns: readonly IgnorePattern[], folder: string): boolean {
  let last = -1;
  patterns.forEach((pattern, i) => {
    if (pattern.exclusion) return;
    const trimmed = withoutTrailingGlob(pattern.text);
    if (matchesOrParent(pattern, folder) || (trimmed !== pattern.text && selfAndParents(folder).some(compile(trimmed)))) last = i;
  });
  return last >= 0 && !patterns.slice(last + 1).some((p) => p.exclusion && mayReinclude(p, folder));
}
