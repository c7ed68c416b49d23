/**
 * Splits a RUN script into the simple commands the shell would run, each as its words, so that a tool
 * counts only where it is the command (`make`), not where it is an argument (`apt-get install make`) or
 * part of another word (`gomake`, `cmake-format`). A shell's grammar is far richer than this: we read the
 * separators that chain build steps (`&&`, `||`, `;`, `|`, `&`, newlines, subshell parentheses), comments,
 * and the reserved words and `NAME=value` assignments that can stand before a command.
 */
import { splitWords, unquoteWord } from '../dockerfile/words';

// What stands before a command without being one: `if make; then make install; fi`, `! grep`, `{ make; }`.
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', 'time']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const OPERATOR = /[;&|()]/;

/** `2>&1`, `<&3`, `&>log`: the `&` of a redirection does not end the command. */
const isRedirection = (word: string, at: number) => word[at] === '&' && (/[<>]/.test(word[at - 1] ?? '') || word[at + 1] === '>');

/**
 * The pieces of one word between unquoted operators; `undefined` marks an operator. Words arrive from
 * `splitWords`, so `a&&b` and `make;` (no space) are one word until here.
 */
function splitOperators(word: string): Array<string | undefined> {
  const pieces: Array<string | undefined> = [];
  let piece = '';
  let quote: string | undefined;
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (c === '\\' && quote !== "'") {
      piece += c + (word[i + 1] ?? '');
      i++;
    } else if (quote !== undefined) {
      if (c === quote) quote = undefined;
      piece += c;
    } else if (OPERATOR.test(c) && !isRedirection(word, i)) {
      if (piece) pieces.push(piece);
      piece = '';
      pieces.push(undefined);
    } else {
      if (c === '"' || c === "'") quote = c;
      piece += c;
    }
  }
  if (piece) pieces.push(piece);
  return pieces;
}

/** Each simple command of a shell script, as its unquoted words, the command word first. */
export function parseShellCommands(script: string): string[][] {
  const commands: string[][] = [];
  let current: string[] = [];
  const end = () => {
    if (current.length > 0) commands.push(current);
    current = [];
  };
  // A backslash-newline joins lines in the shell too (in a heredoc script, say).
  for (const line of script.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    for (const word of splitWords(line)) {
      // An unquoted `#` opening a word comments out the rest of the line.
      if (word.startsWith('#')) break;
      for (const piece of splitOperators(word)) {
        if (piece === undefined) end();
        // Reserved words and assignments count only before the command word: `echo if` is an echo.
        else if (current.length > 0 || !(RESERVED.has(piece) || ASSIGNMENT.test(piece))) current.push(unquoteWord(piece));
      }
    }
    end();
  }
  return commands;
}
