import { parseDockerfileInstructions } from './instructions';
import { splitWords, unquoteWord } from './words';

// A URL (`https://…`, `git://…`) or an scp-like git address (`git@github.com:acme/x.git`): what ADD fetches itself.
const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|[\w.-]+@[\w.-]+:)/i;

/**
 * Each `ADD` that fetches from the network at build time without pinning what it gets (`--checksum`), as
 * `ADD <source> (line n)`: what the build reads there can change while the Dockerfile does not.
 */
export function remoteAddSources(text: string): string[] {
  const { escape, instructions } = parseDockerfileInstructions(text);
  const found: string[] = [];
  for (const instruction of instructions.filter((i) => i.keyword === 'ADD')) {
    const json = instruction.args.startsWith('[');
    let words: string[];
    try {
      words = json ? (JSON.parse(instruction.args) as string[]) : splitWords(instruction.args, escape);
    } catch {
      continue; // not an instruction BuildKit would run
    }
    const flags = json ? [] : words.filter((w) => w.startsWith('--'));
    if (flags.some((f) => /^--checksum=/i.test(f))) continue;
    const sources = words.filter((w) => !w.startsWith('--')).slice(0, -1);
    for (const source of sources.map((w) => (json ? w : unquoteWord(w, escape)))) {
      if (REMOTE.test(source)) found.push(`ADD ${source} (line ${instruction.line})`);
    }
  }
  return found;
}
