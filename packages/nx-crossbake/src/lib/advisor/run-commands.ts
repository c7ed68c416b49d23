/**
 * The shell commands a RUN instruction runs: its command line (after `--mount`-style flags), the script of an
 * exec-form `["sh", "-c", …]`, and the body of a heredoc the shell reads as its script (`RUN <<EOF`,
 * `RUN bash <<EOF`). parseDockerfileInstructions skips heredoc bodies so nothing inside reads as an
 * instruction; for RUN that body is the script itself, so it is read back here from the Dockerfile's lines.
 */
import type { DockerfileInstruction } from '../dockerfile/instructions';
import { splitWords } from '../dockerfile/words';
import { parseShellCommands } from './shell-commands';

// The heredoc opener parseDockerfileInstructions recognises; it keeps its own pattern private.
const HEREDOC = /^\d*<<(-?)(['"]?)([^<'"\s]+)\2$/;
const SHELL = /^(?:.*\/)?(?:ba|da|a|z)?sh$/;

export function parseRunCommands(run: DockerfileInstruction, dockerfileLines: readonly string[], escape: string): string[][] {
  // RUN flags are always `--name=value` and come first; BuildKit hands the rest to the shell as written.
  const words = splitWords(run.args);
  const start = words.findIndex((word) => !word.startsWith('--'));
  if (start < 0) return [];
  const rest = words.slice(start);

  const exec = parseExecForm(rest.join(' '));
  if (exec !== undefined) {
    const [command = '', flag, script] = exec;
    return SHELL.test(command) && flag === '-c' && script !== undefined ? parseShellCommands(script) : [exec];
  }

  const at = rest.findIndex((word) => HEREDOC.test(word));
  // A heredoc is a redirection to the shell, not a word of the command: `bash -e <<EOF` runs `bash -e`.
  const commands = parseShellCommands(rest.filter((word) => !HEREDOC.test(word)).join(' '));
  if (at < 0) return commands;
  // The body is a shell script when the heredoc is the whole command, or feeds a shell: not `python3 <<EOF`.
  if (at > 0 && !SHELL.test(rest[0])) return commands;
  const [, dash, , terminator] = rest[at].match(HEREDOC)!;
  const body = heredocBody(dockerfileLines, run.line - 1, escape, terminator, dash === '-');
  // BuildKit runs a heredoc with its shebang's interpreter.
  if (at === 0 && body[0]?.startsWith('#!') && !SHELL.test(shebangInterpreter(body[0]))) return commands;
  return [...commands, ...parseShellCommands(body.join('\n'))];
}

/** `#!/bin/bash -e` → `/bin/bash`; `#!/usr/bin/env python3` → `python3`. */
function shebangInterpreter(line: string): string {
  const [program = '', ...args] = line.slice(2).trim().split(/\s+/);
  return /(^|\/)env$/.test(program) ? (args.find((arg) => !arg.startsWith('-')) ?? '') : program;
}

/** `["go", "build"]`: a JSON array of strings, or undefined for the shell form. */
function parseExecForm(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((word) => typeof word === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The lines of the first heredoc of the instruction starting at `first` (0-based): from the line after the
 * instruction's last continued line up to the terminator. The continuation walk mirrors the instruction parser.
 */
function heredocBody(lines: readonly string[], first: number, escape: string, terminator: string, stripTabs: boolean): string[] {
  const continued = (line: string) => line.replace(/[ \t]+$/, '').endsWith(escape);
  const skippable = (line: string) => line.trim() === '' || line.trimStart().startsWith('#');
  let i = first;
  let open = continued(lines[i++] ?? '');
  while (open && i < lines.length) {
    const next = lines[i++];
    if (!skippable(next)) open = continued(next);
  }
  const body: string[] = [];
  for (; i < lines.length; i++) {
    const line = stripTabs ? lines[i].replace(/^\t+/, '') : lines[i];
    if (line === terminator) break;
    body.push(line);
  }
  return body;
}

/** The command `env` runs, after its options and assignments: `env CGO_ENABLED=0 go build` runs `go build`. */
export function unwrapEnv(words: readonly string[]): readonly string[] {
  if (words[0] !== 'env') return words;
  let i = 1;
  while (i < words.length && (words[i].startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]))) i++;
  return words.slice(i);
}
