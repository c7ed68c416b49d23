/**
 * What one run leaves for the next, so a warm run asks nothing it already knows: the builder's readiness and
 * the source dates of a commit. Small JSON files in the user's private folder
 * (the one holding the machine-wide locks), outside every workspace. Only ever a cache: a file that is
 * missing, torn or foreign reads as empty, and losing a write to a parallel run costs one question.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonFileAtomically } from './json-file';
import { ensurePrivateFolder, lockRoot } from './lock';

export interface StateStore {
  /** The document named `name`, or undefined when there is none that can be read. */
  read(name: string): Record<string, unknown> | undefined;
  write(name: string, value: Record<string, unknown>): void;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The per-user store: `<lock folder>/state-<name>.json` (CROSSBAKE_STATE_DIR moves it), written whole and renamed into place. */
export function userStateStore(dir: string = process.env.CROSSBAKE_STATE_DIR || lockRoot()): StateStore {
  const path = (name: string) => join(dir, `state-${name}.json`);
  let checked = false;
  // Read only from a folder no one else can write: a planted file could claim a builder ready or a date.
  const privateFolder = () => {
    if (!checked) ensurePrivateFolder(dir);
    checked = true;
  };
  return {
    read(name) {
      try {
        privateFolder();
        const value: unknown = JSON.parse(readFileSync(path(name), 'utf8'));
        return isRecord(value) ? value : undefined;
      } catch {
        return undefined;
      }
    },
    write(name, value) {
      try {
        privateFolder();
      } catch {
        return; // not a folder we may trust: nothing is kept, and the question is asked again next time
      }
      writeJsonFileAtomically(path(name), value, { mode: 0o600 });
    },
  };
}

/** A store that lives as long as the object (tests, and runs given a replaced docker or git). */
export function memoryStateStore(): StateStore & { documents: Map<string, Record<string, unknown>> } {
  const documents = new Map<string, Record<string, unknown>>();
  return {
    documents,
    read: (name) => (documents.has(name) ? structuredClone(documents.get(name)) : undefined),
    write: (name, value) => void documents.set(name, structuredClone(value)),
  };
}
