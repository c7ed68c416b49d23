import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Points the per-user folder (run files, generated buildkitd configs, readiness records, locks) at a fresh
 * temporary folder, so a spec never reads or writes the real one.
 */
export function usePrivateStateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'crossbake-spec-state-'));
  process.env.CROSSBAKE_LOCK_DIR = dir;
  return dir;
}
