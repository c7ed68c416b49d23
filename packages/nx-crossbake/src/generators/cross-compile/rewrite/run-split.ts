/**
 * A shell-form RUN cut at its top-level `&&` and `;` into the commands a person would put in RUNs of their
 * own: `apk add upx && go build -o /app && upx /app` is three. The cut keeps each piece's text as written
 * (continuation lines, quotes, comments), so the pieces can be written back as RUNs. Only what is safe to cut
 * is cut: a heredoc, the exec form, another escape character than `\`, or a compound command (`if`, `for`,
 * `{ …; }`, a subshell) whose `;` belong to it leave the RUN whole (undefined).
 */

export interface RunPiece {
  /** The piece's text, without the separator around it. */
  text: string;
  /** Where it starts and ends in the script. */
  start: number;
  end: number;
  /** The separator after it (`&&`, `;`), or '' for the last. */
  separator: string;
}

interface SplitRun {
  /** `RUN` and its flags, as written (with the blank after them). */
  head: string;
  /** The shell script after the flags. */
  script: string;
  pieces: RunPiece[];
}

const HEAD = /^(\s*RUN(?:[ \t]+|\\\n)+(?:--\S+(?:[ \t]+|\\\n)+)*)/i;
const COMPOUND = /^(if|then|else|elif|fi|for|while|until|do|done|case|esac|select|function|\{|\}|\(|\))$/;

/** The RUN's text cut into pieces; undefined when it cannot be cut safely. */
export function splitRun(own: readonly string[], escape: string): SplitRun | undefined {
  const text = own.join('\n');
  const head = text.match(HEAD)?.[1];
  if (escape !== '\\' || head === undefined) return undefined;
  const script = text.slice(head.length);
  if (script.trimStart().startsWith('[') || /<<-?\s*['"]?\w/.test(script)) return undefined;
  const pieces: RunPiece[] = [];
  let quote: string | undefined;
  let depth = 0;
  let start = 0;
  const cut = (end: number, separator: string, next: number) => {
    pieces.push({ text: script.slice(start, end), start, end, separator });
    start = next;
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (c === '\\' && quote !== "'") {
      i++;
    } else if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"' || c === '`') {
      quote = c;
    } else if (c === '$' && script[i + 1] === '(') {
      depth++;
      i++;
    } else if (c === '(' || c === '{') {
      depth++;
    } else if ((c === ')' || c === '}') && depth > 0) {
      depth--;
    } else if (depth === 0 && c === '&' && script[i + 1] === '&') {
      cut(i, '&&', i + 2);
      i++;
    } else if (depth === 0 && c === ';' && script[i + 1] !== ';') {
      cut(i, ';', i + 1);
    } else if (depth === 0 && c === '#' && /(^|\s)$/.test(script.slice(0, i))) {
      // A comment runs to the end of its line (BuildKit drops whole comment lines before the shell sees them).
      const eol = script.indexOf('\n', i);
      i = eol < 0 ? script.length : eol - 1;
    }
  }
  if (quote || depth !== 0) return undefined;
  cut(script.length, '', script.length);
  const trimmed = pieces.map((p) => {
    const text = trimPiece(p.text);
    const start = p.start + p.text.indexOf(text);
    return { ...p, text, start, end: start + text.length };
  });
  if (trimmed.some((p) => p.text === '' || COMPOUND.test(p.text.split(/\s+/)[0]))) return undefined;
  return { head, script, pieces: trimmed };
}

/** A piece without the blanks and line continuations around it. */
const trimPiece = (text: string) => text.replace(/^(\s|\\\n)+/, '').replace(/(\s|\\\n|\\$)+$/, '');

/** A RUN of the given pieces, joined by their own separators (the last piece's dropped), as Dockerfile lines. */
export function runOf(split: SplitRun, pieces: readonly RunPiece[]): string[] {
  const body = pieces.map((p, i) => (i < pieces.length - 1 ? `${p.text} ${p.separator || '&&'}` : p.text)).join(' \\\n    ');
  return `${split.head}${body}`.split('\n');
}
