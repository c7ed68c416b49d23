import { CrossbakeError } from '../src/lib/core/errors';
import type { ManifestReader } from '../src/lib/reuse/manifest-reader';

/**
 * Stands in for lib/run/registry-reader in specs that run executors: no registry is asked, every lookup fails,
 * so every task is built as it would be without reuse (lib/run/reuse.spec.ts covers reuse itself).
 */
export const registryReader = () => async (): Promise<ManifestReader> => {
  const refuse = async (): Promise<never> => {
    throw new CrossbakeError('no registry in unit tests');
  };
  return { getManifest: refuse, headManifest: refuse };
};
