/**
 * .dockerignore as BuildKit reads it, so the run judges a context by Docker's rules rather than by a nearby
 * glob library. Follows moby/patternmatcher v0.6.1 (5a6d842; the version buildx v0.36.1 pins):
 * ignorefile/ignorefile.go ReadAll, patternmatcher.go New, Pattern.compile and MatchesOrParentMatches, for
 * slash-separated paths (not the Windows backslash mode). `keepsOut`/`mayReinclude` follow BuildKit's
 * walker (tonistiigi/fsutil) instead. The spec replays patternmatcher's own test tables.
 *
 * Departures (each a row in the spec's departures table):
 * - A pattern becomes a Go RE2 expression upstream and a JavaScript `u` RegExp here. RE2-only constructs
 *   (POSIX classes such as `[[:alpha:]]`, `\A`, `\z`, `\pL`, `\Q…\E`) are refused with an error naming them,
 *   not emulated; RE2's `\s` (`[\t\n\f\r ]`) is emulated, but `\S` inside a `[…]` class keeps JavaScript's meaning.
 * - Upstream compiles a pattern's regular expression when a path first reaches it. Here only a `!` pattern
 *   before any other pattern (which no path can reach) is left uncompiled; any other regular-expression
 *   error is raised up front, where upstream raises it at the first path that reaches the pattern.
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
  constructor(
    readonly pattern: string,
    /** Set when Docker reads the pattern but we do not (an RE2-only construct). */
    readonly unsupported?: string,
  ) {
    super(
      unsupported
        ? `.dockerignore pattern '${pattern}' uses ${unsupported}, which nx-crossbake does not read`
        : `syntax error in .dockerignore pattern '${pattern}'`,
    );
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

// Go's unicode.IsSpace, what strings.TrimSpace strips: unlike String.prototype.trim, U+0085 but not U+FEFF.
const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const GO_TRIM = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, 'g');
const goTrim = (text: string) => text.replace(GO_TRIM, '');

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
    let pattern = goTrim(line);
    if (pattern === '') continue;
    const invert = pattern.startsWith('!');
    if (invert) pattern = goTrim(pattern.slice(1));
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
// Go, an unknown one (`\q`) is a bad pattern. RE2's `\s` is ASCII only (JavaScript's adds `\v` and Unicode
// spaces), so it is spelled out.
function escaped(c: string, inClass: boolean): string {
  if (c === 's') return inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]';
  if (c === 'S' && !inClass) return '[^\\t\\n\\f\\r ]';
  return /[A-Za-z0-9]/.test(c) ? `\\${c}` : `\\u{${c.codePointAt(0)!.toString(16)}}`;
}

/** The RE2-only construct a pattern uses, for the error; undefined when it uses none. */
function re2Only(pattern: string): string | undefined {
  if (/\[:\^?[a-z]+:\]/.test(pattern)) return 'a POSIX class such as [[:alpha:]] (RE2 only)';
  const escape = /\\([AzpPQE])/.exec(pattern)?.[1];
  return escape && `\\${escape} (RE2 only)`;
}

/** Pattern.compile: an exact path, a prefix (`dir/**`), a suffix (a leading `**`) or a regular expression. */
function compile(pattern: string): (path: string) => boolean {
  const chars = [...pattern];
  let re = '^';
  let type: 'exact' | 'prefix' | 'suffix' | 'regexp' = 'exact';
  let inClass = false;
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
        re += escaped(chars[at++], inClass);
        type = 'regexp';
      } else re += '\\';
    } else if (c === '[' || c === ']') {
      re += c;
      inClass = c === '[';
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
    throw new BadPatternError(pattern, re2Only(pattern)); // Go's regexp refuses it too (e.g. `\q`), unless RE2-only
  }
  return (path) => regexp.test(path);
}

/** A `!` pattern no path reaches: upstream never compiles it, so its regular expression is never checked. */
const unreached = (pattern: string) => (): boolean => {
  throw new Error(`unreachable .dockerignore exception '${pattern}' was evaluated`);
};

/** patternmatcher.New: throws BadPatternError for a pattern BuildKit would refuse. */
export function compileDockerignore(patterns: readonly string[]): IgnorePattern[] {
  const compiled: IgnorePattern[] = [];
  for (const raw of patterns) {
    let text = goTrim(raw);
    if (text === '') continue;
    text = cleanPath(text);
    const exclusion = text.startsWith('!');
    if (exclusion) {
      if (text.length === 1) throw new BadPatternError(raw);
      text = text.slice(1);
    }
    if (!isValidPattern(text)) throw new BadPatternError(raw);
    // Only an inclusion can make a path matched, and a `!` pattern is evaluated only for a matched path.
    const reachable = !exclusion || compiled.some((p) => !p.exclusion);
    compiled.push({ text, exclusion, dirs: text.split('/'), match: reachable ? compile(text) : unreached(raw) });
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
