/**
 * The blob id of every tracked file whose working copy git vouches for: what lets a content digest skip reading
 * files git has already hashed. Only reads the index (ls-files never writes it; no `update-index --refresh`).
 */
import type { Exec } from '../process/exec';

export type ObjectFormat = 'sha1' | 'sha256';

interface TrackedBlobs {
  /** The repository's hash: blob ids computed from content must use it too. `sha1` outside a repository. */
  objectFormat: ObjectFormat;
  /** cwd-relative path (as git prints it, `/`-separated) → blob id. Empty outside a repository. */
  blobs: Map<string, string>;
}

/**
 * git argv: each index entry under `folders` (taken literally, cwd-relative) with its mode, blob id and stage,
 * tagged: `H` cached, then again `C` when the working copy differs (git compares content when the index's
 * stat data cannot tell: racily clean entries), `R` when it is gone; `h` (-v) an assume-unchanged entry,
 * whose working copy git never checks; `S` skip-worktree, `M` unmerged.
 */
export const getTrackedFilesCommand = (folders: readonly string[]): string[] => [
  '--literal-pathspecs',
  'ls-files',
  '--stage',
  '-v',
  '--modified',
  '--deleted',
  '-z',
  '--',
  ...folders,
];

// `<tag> <mode> <blob id> <stage>\t<path>`; -z: the path is never quoted and may hold any byte but NUL.
const ENTRY = /^(\S) ([0-7]{6}) ([0-9a-f]{40}|[0-9a-f]{64}) ([0-3])\t([^]*)$/;
const REGULAR_FILE = new Set(['100644', '100755']);

/**
 * ls-files' records → path → blob id of the regular files listed only as cached (`H`, stage 0). Symlinks and
 * submodules are left out: their ids are not of file content.
 */
export function parseTrackedFiles(stdout: string): Map<string, string> {
  const cached = new Map<string, string>();
  const doubted = new Set<string>();
  for (const record of stdout.split('\0')) {
    const entry = record.match(ENTRY);
    if (!entry) continue;
    const [, tag, mode, id, stage, path] = entry;
    if (tag === 'H' && stage === '0' && REGULAR_FILE.has(mode)) cached.set(path, id);
    else doubted.add(path);
  }
  for (const path of doubted) cached.delete(path);
  return cached;
}

/** git argv: the settings that decide the object format and whether checkout writes CRLF (`-z`: `key\nvalue\0`). */
export const getRepositoryConfigCommand = (): string[] => [
  'config',
  '-z',
  '--get-regexp',
  '^(core\\.(autocrlf|eol)|extensions\\.objectformat)$',
];

interface RepositoryConfig {
  objectFormat: ObjectFormat;
  /** Checkout may turn LF into CRLF in a file with no attribute that says otherwise. */
  crlfOnCheckout: boolean;
}

/** git's boolean spellings; a key with no `=` is true. */
const isTrue = (value: string | undefined) =>
  value === undefined || /^(true|yes|on)$/i.test(value) || (/^-?\d+$/.test(value) && Number(value) !== 0);

/** `git config -z --get-regexp` → the format and CRLF settings; the last value of a key wins, as in git. */
export function parseRepositoryConfig(stdout: string, platform: NodeJS.Platform = process.platform): RepositoryConfig {
  const values = new Map<string, string | undefined>();
  for (const record of stdout.split('\0')) {
    if (record === '') continue;
    const newline = record.indexOf('\n');
    values.set((newline < 0 ? record : record.slice(0, newline)).toLowerCase(), newline < 0 ? undefined : record.slice(newline + 1));
  }
  const autocrlf = values.has('core.autocrlf') ? values.get('core.autocrlf') : 'false';
  const eol = values.get('core.eol')?.toLowerCase();
  return {
    objectFormat: values.get('extensions.objectformat')?.toLowerCase() === 'sha256' ? 'sha256' : 'sha1',
    // `input` converts only when committing; core.eol's default, `native`, is CRLF on Windows.
    crlfOnCheckout: (autocrlf?.toLowerCase() !== 'input' && isTrue(autocrlf)) || eol === 'crlf' || (platform === 'win32' && eol !== 'lf'),
  };
}

/**
 * git argv: every attribute given to each path on stdin (NUL-ended): `--all` prints only what is set, unset or
 * valued, so a repository without attributes answers with nothing.
 */
export const getCheckoutAttributesCommand = (): string[] => ['check-attr', '--stdin', '-z', '--all'];

/** `git check-attr -z --all` (`path\0attribute\0value\0`…) → each path's attributes; a path without any is absent. */
export function parseCheckoutAttributes(stdout: string): Map<string, Map<string, string>> {
  const byPath = new Map<string, Map<string, string>>();
  const fields = stdout.split('\0');
  for (let i = 0; i + 2 < fields.length; i += 3) {
    const attributes = byPath.get(fields[i]) ?? new Map<string, string>();
    byPath.set(fields[i], attributes.set(fields[i + 1], fields[i + 2]));
  }
  return byPath;
}

const given = (value: string | undefined) => value !== undefined && value !== 'unset';

/**
 * Whether checkout may write a file other than its blob byte for byte: a smudge filter (Git LFS), `ident`, a
 * working-tree encoding, CRLF line endings by attribute, or by configuration unless an attribute keeps the file
 * as it is (binary, `eol=lf`, the old `-crlf`/`crlf=input`).
 */
export function isChangedOnCheckout(attributes: ReadonlyMap<string, string> | undefined, crlfOnCheckout: boolean): boolean {
  const a = attributes ?? new Map<string, string>();
  if (given(a.get('filter')) || a.get('ident') === 'set' || given(a.get('working-tree-encoding')) || a.get('eol') === 'crlf') return true;
  const keptAsIs = a.get('text') === 'unset' || a.get('crlf') === 'unset' || a.get('crlf') === 'input' || a.get('eol') === 'lf';
  return crlfOnCheckout && !keptAsIs;
}

/**
 * The tracked files under `folders` (cwd-relative) whose working copy is their blob, with the blob id. The
 * listing and the configuration are read at once; the attributes of the listed files after, only when there
 * are any. Outside a repository (or without git): nothing, so everything is hashed from content. Trusts git
 * as `git status` does: an edit that leaves a file's stat data (size, mtime, ctime, inode) as the index
 * recorded it goes unseen.
 */
export async function readTrackedBlobs(exec: Exec, cwd: string, folders: readonly string[]): Promise<TrackedBlobs> {
  const [listing, config] = await Promise.all([
    exec('git', getTrackedFilesCommand(folders), { cwd }),
    exec('git', getRepositoryConfigCommand(), { cwd }),
  ]);
  // config exits 1 when no key matches: the defaults.
  const { objectFormat, crlfOnCheckout } = parseRepositoryConfig(config.exitCode === 0 ? config.stdout : '');
  if (listing.exitCode !== 0) return { objectFormat, blobs: new Map() };
  const blobs = parseTrackedFiles(listing.stdout);
  if (blobs.size === 0) return { objectFormat, blobs };
  const attributes = await exec('git', getCheckoutAttributesCommand(), { cwd, input: [...blobs.keys()].map((p) => `${p}\0`).join('') });
  if (attributes.exitCode !== 0) return { objectFormat, blobs: new Map() };
  const byPath = parseCheckoutAttributes(attributes.stdout);
  for (const path of blobs.keys()) if (isChangedOnCheckout(byPath.get(path), crlfOnCheckout)) blobs.delete(path);
  return { objectFormat, blobs };
}
