/**
 * Where each instruction sits in the Dockerfile's lines, so a rewrite can move whole instructions (their
 * comments, continuation lines and heredoc bodies included) and leave every other line byte for byte.
 * The instructions come from parseDockerfileInstructions; only their extent is worked out here.
 */
import { parseDockerfileInstructions, type DockerfileInstruction } from '../../../lib/dockerfile/instructions';

export interface InstructionSpan {
  instruction: DockerfileInstruction;
  /** 0-based index of the first comment or blank line that stands right above it (== `start` when none). */
  lead: number;
  /** 0-based index of the instruction's first line. */
  start: number;
  /** 0-based index of its last continuation line: what follows up to `end` is heredoc body. */
  head: number;
  /** 0-based index of its last line (a heredoc's terminator, or `head`). */
  end: number;
}

export interface DockerfileLayout {
  escape: string;
  /** The text split into lines, a byte-order mark removed. */
  lines: string[];
  /** `\r\n` when the file uses it, so rewritten lines keep the file's own line ends. */
  eol: string;
  bom: string;
  spans: InstructionSpan[];
}

export const skippable = (line: string) => line.trim() === '' || line.trimStart().startsWith('#');

/** The last line of the instruction's continuation, walking as the parser does (comments inside are skipped). */
export function headEnd(lines: readonly string[], start: number, escape: string): number {
  const continued = (line: string) => line.replace(/[ \t]+$/, '').endsWith(escape);
  let i = start;
  let last = start;
  let open = continued(lines[i]);
  while (open && ++i < lines.length) {
    if (skippable(lines[i])) continue;
    last = i;
    open = continued(lines[i]);
  }
  return last;
}

export function layoutDockerfile(text: string): DockerfileLayout {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = text.slice(bom.length);
  const eol = body.includes('\r\n') ? '\r\n' : '\n';
  const lines = body.split(/\r?\n/);
  const { escape, instructions } = parseDockerfileInstructions(body);
  const spans: InstructionSpan[] = [];
  instructions.forEach((instruction, k) => {
    const start = instruction.line - 1;
    const next = k + 1 < instructions.length ? instructions[k + 1].line - 1 : lines.length;
    // Comment and blank lines after an instruction belong to the next one: they describe what follows.
    let end = next - 1;
    while (end > start && skippable(lines[end])) end--;
    const previousEnd = spans.at(-1)?.end ?? -1;
    let lead = start;
    while (lead - 1 > previousEnd && skippable(lines[lead - 1])) lead--;
    spans.push({ instruction, lead, start, head: Math.min(headEnd(lines, start, escape), end), end });
  });
  return { escape, lines, eol, bom, spans };
}

/** The lines of a span, from its leading comments to its last. */
export const spanLines = (layout: DockerfileLayout, span: InstructionSpan): string[] => layout.lines.slice(span.lead, span.end + 1);
