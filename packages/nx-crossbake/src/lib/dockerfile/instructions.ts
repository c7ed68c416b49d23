/**
 * Splits a Dockerfile into instructions the way BuildKit's parser reads it, so that what a later step
 * sees as `FROM` is what BuildKit would build FROM: parser directives (only `escape` changes how the
 * rest reads), comment lines (skipped even inside a continued instruction), line continuations, and
 * heredoc bodies (skipped, or a `FROM` written inside a `RUN <<EOF` script would count as one).
 */
export interface DockerfileInstruction {
  /** Upper-cased: instructions are case-insensitive. */
  keyword: string;
  /** Everything after the keyword, continuation lines joined, untouched otherwise (quotes, `$VAR`s). */
  args: string;
  /** 1-based line the instruction starts on, for messages. */
  line: number;
}

interface DockerfileInstructions {
  /** The escape character: `\` unless a `# escape=`` ` directive chose the backtick (Windows images). */
  escape: string;
  instructions: DockerfileInstruction[];
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);
// Only these take heredocs; anywhere else `<<` is just text.
const HEREDOC_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD']);
const HEREDOC = /^\d*<<(-?)(['"]?)([^<'"\s]+)\2$/;

const isComment = (line: string) => line.trimStart().startsWith('#');
const isBlank = (line: string) => line.trim() === '';

/** Directives count only at the very top: any other line, even a comment or an unknown directive, ends them. */
function parseEscapeDirective(lines: readonly string[]): string {
  for (const line of lines) {
    const [, name = '', value] = line.match(DIRECTIVE) ?? [];
    if (!KNOWN_DIRECTIVES.has(name.toLowerCase())) break;
    if (name.toLowerCase() === 'escape' && (value === '\\' || value === '`')) return value;
  }
  return '\\';
}

/** The `# syntax=` directive: the image of the frontend BuildKit runs to read the Dockerfile, if it names one. */
export function frontendImage(text: string): string | undefined {
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const [, name = '', value] = line.match(DIRECTIVE) ?? [];
    if (!KNOWN_DIRECTIVES.has(name.toLowerCase())) return undefined;
    if (name.toLowerCase() === 'syntax') return value;
  }
  return undefined;
}

/** Each heredoc the instruction opens: its terminator, and whether `<<-` lets the terminator be tab-indented. */
function heredocs(keyword: string, args: string): Array<{ terminator: string; stripTabs: boolean }> {
  if (!HEREDOC_INSTRUCTIONS.has(keyword) || !args.includes('<<')) return [];
  return args
    .split(/\s+/)
    .map((word) => word.match(HEREDOC))
    .filter((match): match is RegExpMatchArray => match !== null)
    .map((match) => ({ terminator: match[3], stripTabs: match[1] === '-' }));
}

export function parseDockerfileInstructions(text: string): DockerfileInstructions {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const escape = parseEscapeDirective(lines);
  const continuation = new RegExp(`${escape === '\\' ? '\\\\' : escape}[ \\t]*$`);
  const instructions: DockerfileInstruction[] = [];

  let i = 0;
  while (i < lines.length) {
    const start = i;
    const first = lines[i++];
    if (isBlank(first) || isComment(first)) continue;
    let open = continuation.test(first);
    let line = first.replace(continuation, '');
    while (open && i < lines.length) {
      const next = lines[i++];
      // BuildKit drops comment and blank lines inside a continued instruction rather than ending it there.
      if (isComment(next) || isBlank(next)) continue;
      open = continuation.test(next);
      line += next.replace(continuation, '');
    }
    line = line.trim();

    const [keyword, args = ''] = line.split(/\s+(.*)/s);
    instructions.push({ keyword: keyword.toUpperCase(), args: args.trim(), line: start + 1 });

    for (const { terminator, stripTabs } of heredocs(keyword.toUpperCase(), args)) {
      while (i < lines.length && (stripTabs ? lines[i].replace(/^\t+/, '') : lines[i]) !== terminator) i++;
      i++; // the terminator line itself
    }
  }
  return { escape, instructions };
}
