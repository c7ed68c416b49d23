/** The folders nx-crossbake writes and nobody should commit: bake files and metadata, image reports. */
export const CROSSBAKE_IGNORES = ['tmp/nx-crossbake', 'dist/nx-crossbake'];

// `/tmp/`, `tmp/` and `tmp` all ignore the folder at the root; compare them in one spelling.
const canonical = (line: string) => line.trim().replace(/^\/+/, '').replace(/\/+$/, '');

/**
 * True when the file already decides about `path`: a line ignores it or a parent folder, or a `!` line
 * re-includes it on purpose (appending the path after that would silently undo the user's choice).
 */
function isDecided(lines: readonly string[], path: string): boolean {
  const patterns = lines.map((l) => canonical(l.trim().replace(/^!/, ''))).filter((l) => l !== '' && !l.startsWith('#'));
  return patterns.some((p) => path === p || path.startsWith(`${p}/`));
}

/**
 * .gitignore text with every path of `paths` ignored: only the missing ones are appended, under a comment,
 * and the rest of the file is kept byte for byte. Returns what was added, so the caller can report it.
 */
export function withIgnoredPaths(text: string, paths: readonly string[]): { text: string; added: string[] } {
  const lines = text.split(/\r?\n/);
  const added = paths.filter((p) => !isDecided(lines, p));
  return { text: appendBlock(text, '# nx-crossbake: generated bake files and image reports', added), added };
}

/** `text` with `lines` appended under `comment`, after a blank line; the existing text kept byte for byte. */
export function appendBlock(text: string, comment: string, lines: readonly string[]): string {
  if (lines.length === 0) return text;
  const head = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  const gap = head === '' ? '' : '\n';
  return `${head}${gap}${comment}\n${lines.join('\n')}\n`;
}
