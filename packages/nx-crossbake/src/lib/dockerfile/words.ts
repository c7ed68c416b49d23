/**
 * Word splitting and variable expansion for Dockerfile arguments, following BuildKit's shell lexer
 * closely enough to read image references: quotes, escapes, `$VAR`, `${VAR}` and the `-`/`+` forms.
 * Anything whose value we cannot know makes the whole word unknown rather than a wrong guess.
 */

/** A variable that is set, but to something we cannot know (per-platform build args, or derived from those). */
export const UNKNOWN = Symbol('unknown');

/**
 * What is known of a declared variable: its value; `null` when it is declared without a default and not
 * passed (unset, unless the build passes it some other way); or UNKNOWN. Undeclared variables are absent.
 */
export type VariableValue = string | null | typeof UNKNOWN;
export type Variables = ReadonlyMap<string, VariableValue>;

const NAME_START = /[A-Za-z_]/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const BRACED = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([\s\S]*))?$/;

/** Splits on white space outside quotes. Quotes and escapes stay in the words: `expandWord` removes them. */
export function splitWords(text: string, escape = '\\'): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === escape && quote !== "'" && i + 1 < text.length) {
      word += c + text[++i];
    } else if (quote === undefined && /\s/.test(c)) {
      if (word) words.push(word);
      word = '';
    } else {
      if (c === quote) quote = undefined;
      else if (quote === undefined && (c === '"' || c === "'")) quote = c;
      word += c;
    }
  }
  if (word) words.push(word);
  return words;
}

/**
 * `$X` of a variable declared without a default is unknowable: its value is meant to come from outside.
 * The `-`/`+` forms say what happens when it is not passed, so there it counts as unset.
 */
function substitute(value: VariableValue | undefined, op: string | undefined, alternative: () => string | undefined) {
  if (value === UNKNOWN) return undefined;
  const set = typeof value === 'string';
  const nonEmpty = set && value !== '';
  switch (op) {
    case ':-':
      return nonEmpty ? value : alternative();
    case '-':
      return set ? value : alternative();
    case ':+':
      return nonEmpty ? alternative() : '';
    case '+':
      return set ? alternative() : '';
    default:
      // An undeclared variable expands to nothing, as in BuildKit.
      return value === null ? undefined : (value ?? '');
  }
}

/** The closing `}` of the `${` opening at `open`, skipping nested `${…}`; -1 when there is none. */
function closingBrace(word: string, open: number): number {
  let depth = 0;
  for (let i = open; i < word.length; i++) {
    if (word[i] === '$' && word[i + 1] === '{') {
      depth++;
      i++;
    } else if (word[i] === '}' && --depth === 0) {
      return i;
    }
  }
  return -1;
}

/** The expansion of the variable reference at `word[at] === '$'`, and where the rest of the word resumes. */
function expandVariable(word: string, at: number, variables: Variables, escape: string): [string | undefined, number] {
  if (word[at + 1] === '{') {
    const close = closingBrace(word, at);
    const parts = close < 0 ? null : word.slice(at + 2, close).match(BRACED);
    // No closing brace, or an operator we do not model (`${#X}`, `${X?}`, `${X%suffix}`…).
    if (!parts) return [undefined, word.length];
    const [, name, op, alternative] = parts;
    return [substitute(variables.get(name), op, () => expandWord(alternative ?? '', variables, escape)), close + 1];
  }
  if (NAME_START.test(word[at + 1] ?? '')) {
    const name = word.slice(at + 1).match(NAME)![0];
    return [substitute(variables.get(name), undefined, () => ''), at + 1 + name.length];
  }
  return ['$', at + 1];
}

/** Expands variables and removes quotes and escapes; undefined when the result depends on a value we cannot know. */
export function expandWord(word: string, variables: Variables, escape = '\\'): string | undefined {
  return processWord(word, variables, escape);
}

/** Removes quotes and escapes only: for values BuildKit takes literally, where a `$` is just a character. */
export function unquoteWord(word: string, escape = '\\'): string {
  return processWord(word, null, escape)!;
}

function processWord(word: string, variables: Variables | null, escape: string): string | undefined {
  let result = '';
  let quote: string | undefined;
  let i = 0;
  while (i < word.length) {
    const c = word[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else result += c;
      i++;
    } else if (c === escape && i + 1 < word.length) {
      // Inside double quotes an escape only protects what double quotes would otherwise interpret.
      const next = word[i + 1];
      result += quote === '"' && !['"', '$', escape].includes(next) ? c + next : next;
      i += 2;
    } else if (c === '$' && variables !== null) {
      const [expanded, resume] = expandVariable(word, i, variables, escape);
      if (expanded === undefined) return undefined;
      result += expanded;
      i = resume;
    } else {
      if (c === '"') quote = quote === '"' ? undefined : '"';
      else if (c === "'" && quote === undefined) quote = "'";
      else result += c;
      i++;
    }
  }
  return result;
}
