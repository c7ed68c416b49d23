import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes `text` to a file of its own, then renames it into place, so a reader in a parallel process sees the
 * old document or the new one, never half of one. Throws when it could not be written, leaving nothing behind.
 */
export function writeFileAtomically(file: string, text: string, options: { mode?: number } = {}): void {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temp, text, options.mode === undefined ? {} : { mode: options.mode });
    renameSync(temp, file);
  } catch (e) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // force covers only a missing file: where the folder itself is unusable there is nothing to remove
    }
    throw e;
  }
}

/**
 * `value` as JSON, written as writeFileAtomically does. For caches: false when it could not be written, never
 * an error (the caller asks again next time).
 */
export function writeJsonFileAtomically(file: string, value: unknown, options: { mode?: number } = {}): boolean {
  try {
    writeFileAtomically(file, JSON.stringify(value), options);
    return true;
  } catch {
    return false;
  }
}
