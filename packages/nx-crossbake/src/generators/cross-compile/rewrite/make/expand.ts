/**
 * GNU make's variable expansion, enough to read what a Makefile's recipes will run: `$(VAR)`, `${VAR}`,
 * `$X`, substitution references, and the text functions Makefiles use to compute flags and paths. Values
 * the Makefile cannot know when read here stay marked instead of guessed: the target's GOARCH (a value that
 * differs per platform, but is the target's), and what only the build machine knows (`$(shell …)`,
 * `$(wildcard …)`). Conditionals and rules decide on these marks (makefile.ts).
 */

/** The target's value of a Go variable, as the build stage's environment gives it (GOARCH, GOARM). */
export const targetValue = (name: string): string => `\uE000${name}\uE000`;
const TARGET_MARK = /\uE000([A-Z_]+)\uE000/g;
/** A value make computes when it runs, which nothing here knows. */
export const UNKNOWN_VALUE = '\uE001';

export const isKnown = (text: string): boolean => !text.includes(UNKNOWN_VALUE) && !text.includes('\uE000');
export const hasUnknown = (text: string): boolean => text.includes(UNKNOWN_VALUE);
/** For messages: the marks as `$GOARCH` and `<unknown>`. */
export const shown = (text: string): string => text.replace(TARGET_MARK, '$$$1').replaceAll(UNKNOWN_VALUE, '<unknown>');

export interface Variable {
  value: string;
  /** `=`: expanded each time it is used; `:=`: expanded once, when assigned. */
  recursive: boolean;
  origin: 'environment' | 'file' | 'command line' | 'override' | 'automatic';
  exported?: boolean;
}

export type Lookup = (name: string) => Variable | undefined;

// Outputs of `$(shell …)` that are the same on every Linux machine or follow the build's Go environment.
const SHELL_KNOWN: Record<string, string> = { 'uname -s': 'Linux', uname: 'Linux' };
const GO_ENV = /^go\s+env\s+(GOOS|GOARCH|GOARM|GOPATH|GOBIN|CGO_ENABLED)$/;

function splitArgs(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      args.push(text.slice(start, i));
      start = i + 1;
    }
  }
  args.push(text.slice(start));
  return args;
}

/** The index of the parenthesis closing the one opened just before `from`. */
function closing(text: string, from: number, open: string): number {
  const close = open === '(' ? ')' : '}';
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === open) depth++;
    else if (text[i] === close && --depth === 0) return i;
  }
  return -1;
}

const words = (text: string) => text.split(/\s+/).filter(Boolean);

/** The stem `%` matches when `word` fits `pattern` (a pattern without `%` matches only itself, with an empty stem). */
export function patternMatch(pattern: string, word: string): string | undefined {
  const at = pattern.indexOf('%');
  if (at < 0) return pattern === word ? '' : undefined;
  const [before, after] = [pattern.slice(0, at), pattern.slice(at + 1)];
  return word.length >= before.length + after.length && word.startsWith(before) && word.endsWith(after)
    ? word.slice(before.length, word.length - after.length)
    : undefined;
}

function patsubst(pattern: string, replacement: string, text: string): string {
  return words(text)
    .map((w) => {
      const stem = patternMatch(pattern, w);
      return stem === undefined ? w : replacement.includes('%') ? replacement.replace('%', stem) : replacement;
    })
    .join(' ');
}

const dirOf = (w: string) => (w.includes('/') ? w.slice(0, w.lastIndexOf('/') + 1) : './');
const notdirOf = (w: string) => w.slice(w.lastIndexOf('/') + 1);

type Fn = (args: string[], lookup: Lookup, depth: number) => string;
const eager =
  (f: (args: string[], lookup: Lookup) => string): Fn =>
  (args, lookup, depth) =>
    f(
      args.map((a) => expand(a, lookup, depth)),
      lookup,
    );

const FUNCTIONS: Record<string, Fn> = {
  subst: eager(([from = '', to = '', text = '']) => (from ? text.split(from).join(to) : text)),
  patsubst: eager(([p = '', r = '', text = '']) => patsubst(p.trim(), r.trim(), text)),
  strip: eager(([text = '']) => words(text).join(' ')),
  findstring: eager(([find = '', text = '']) => (hasUnknown(text) ? UNKNOWN_VALUE : text.includes(find) ? find : '')),
  filter: eager(([p = '', text = '']) =>
    words(text)
      .filter((w) => words(p).some((q) => patternMatch(q, w) !== undefined))
      .join(' '),
  ),
  'filter-out': eager(([p = '', text = '']) =>
    words(text)
      .filter((w) => !words(p).some((q) => patternMatch(q, w) !== undefined))
      .join(' '),
  ),
  sort: eager(([text = '']) => [...new Set(words(text))].sort().join(' ')),
  word: eager(([n = '', text = '']) => words(text)[Number(n) - 1] ?? ''),
  words: eager(([text = '']) => String(words(text).length)),
  firstword: eager(([text = '']) => words(text)[0] ?? ''),
  lastword: eager(([text = '']) => words(text).at(-1) ?? ''),
  dir: eager(([text = '']) => words(text).map(dirOf).join(' ')),
  notdir: eager(([text = '']) => words(text).map(notdirOf).join(' ')),
  suffix: eager(([text = '']) =>
    words(text)
      .map((w) => notdirOf(w).match(/\.[^.]*$/)?.[0] ?? '')
      .filter(Boolean)
      .join(' '),
  ),
  basename: eager(([text = '']) =>
    words(text)
      .map((w) => w.replace(/\.[^./]*$/, ''))
      .join(' '),
  ),
  addsuffix: eager(([s = '', text = '']) =>
    words(text)
      .map((w) => w + s)
      .join(' '),
  ),
  addprefix: eager(([p = '', text = '']) =>
    words(text)
      .map((w) => p + w)
      .join(' '),
  ),
  wildcard: eager(([text = '']) => (text.trim() ? UNKNOWN_VALUE : '')),
  realpath: () => UNKNOWN_VALUE,
  abspath: () => UNKNOWN_VALUE,
  info: () => '',
  warning: () => '',
  error: () => UNKNOWN_VALUE,
  value: ([name = ''], lookup) => lookup(name.trim())?.value ?? '',
  origin: ([name = ''], lookup, depth) => lookup(expand(name, lookup, depth).trim())?.origin ?? 'undefined',
  if: ([cond = '', then = '', otherwise = ''], lookup, depth) => {
    const c = expand(cond, lookup, depth).trim();
    if (hasUnknown(c)) return UNKNOWN_VALUE;
    return expand(c ? then : otherwise, lookup, depth);
  },
  or: (args, lookup, depth) => {
    for (const a of args) {
      const v = expand(a, lookup, depth).trim();
      if (v) return v;
    }
    return '';
  },
  and: (args, lookup, depth) => {
    let v = '';
    for (const a of args) if (!(v = expand(a, lookup, depth).trim())) return '';
    return v;
  },
  foreach: ([name = '', list = '', body = ''], lookup, depth) => {
    const v = expand(name, lookup, depth).trim();
    return words(expand(list, lookup, depth))
      .map((w) => expand(body, (n) => (n === v ? { value: w, recursive: false, origin: 'automatic' } : lookup(n)), depth))
      .join(' ');
  },
  shell: ([command = ''], lookup, depth) => {
    const text = expand(command, lookup, depth).trim().replace(/\s+/g, ' ');
    const go = text.match(GO_ENV);
    if (go) {
      const variable = lookup(go[1]);
      if (variable && (variable.origin === 'environment' || variable.exported)) return expand(variable.value, lookup, depth);
      // Unset, GOBIN is empty; the others have defaults of the go tool's own.
      return go[1] === 'GOBIN' ? '' : UNKNOWN_VALUE;
    }
    return SHELL_KNOWN[text] ?? UNKNOWN_VALUE;
  },
};

function reference(inner: string, lookup: Lookup, depth: number): string {
  const space = inner.search(/[\s]/);
  const name = space < 0 ? inner : inner.slice(0, space);
  const fn = FUNCTIONS[name];
  if (fn && space >= 0) return fn(splitArgs(inner.slice(space + 1).replace(/^\s+/, '')), lookup, depth);
  const expandedName = expand(inner, lookup, depth);
  // A substitution reference: $(VAR:.c=.o), $(VAR:%.c=%.o).
  const sub = expandedName.match(/^([^:=\s]+):([^=]*)=(.*)$/s);
  if (sub) {
    const [, variable, from, to] = sub;
    const value = valueOf(variable, lookup, depth);
    return patsubst(from.includes('%') ? from : `%${from}`, to.includes('%') || from.includes('%') ? to : `%${to}`, value);
  }
  // $(@D), $(@F), $(*D)…: the folder or file part of an automatic variable.
  const part = expandedName.match(/^([@*<^?+])([DF])$/);
  if (part) {
    const value = valueOf(part[1], lookup, depth);
    return words(value)
      .map((w) => (part[2] === 'D' ? dirOf(w).replace(/\/$/, '') || '.' : notdirOf(w)))
      .join(' ');
  }
  return valueOf(expandedName, lookup, depth);
}

function valueOf(name: string, lookup: Lookup, depth: number): string {
  if (name === 'MAKE') return 'make';
  const variable = lookup(name);
  if (variable === undefined) return '';
  return variable.recursive ? expand(variable.value, lookup, depth + 1) : variable.value;
}

/** `text` with every variable reference and function call expanded; `$$` becomes `$`. */
export function expand(text: string, lookup: Lookup, depth = 0): string {
  if (depth > 50) return UNKNOWN_VALUE; // a recursive variable that refers to itself: make stops with an error
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      continue;
    }
    const next = text[i + 1];
    if (next === undefined) break;
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(' || next === '{') {
      const end = closing(text, i + 2, next);
      if (end < 0) return out + UNKNOWN_VALUE;
      out += reference(text.slice(i + 2, end), lookup, depth);
      i = end;
    } else {
      out += valueOf(next, lookup, depth);
      i++;
    }
  }
  return out;
}
