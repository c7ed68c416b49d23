import { adviseOnEmulation, formatEmulationAdvice } from '../advisor/emulation-advisor';
import { isLinuxPlatform, platformFamily } from '../docker/platforms';
import { nativePlatforms } from '../builder/emulation';
import type { PreparedService } from './prepare-services';

/**
 * Warns (or, with strict-emulation, fails) when a service's compile steps would run under QEMU: on the
 * Linux platforms that are neither native here nor built by a native node of its builder (other OSes
 * never run under QEMU). Returns the problem for each task (`options.id`) that must not be built.
 */
export function checkEmulation(
  services: readonly PreparedService[],
  nodePlatforms: readonly string[],
  log: (message: string) => void,
  native: readonly string[] = nativePlatforms(),
): Map<string, string> {
  const here = new Set([...native, ...nodePlatforms].map(platformFamily));
  const problems = new Map<string, string>();
  for (const { options, dockerfile } of services) {
    const emulated = options.platforms.filter((p) => isLinuxPlatform(p) && !here.has(platformFamily(p)));
    const message = formatEmulationAdvice(options.id, emulated, adviseOnEmulation(dockerfile, emulated));
    if (!message) continue;
    if (options.strictEmulation)
      problems.set(options.id, `${message}\n  (strict-emulation is on: cross-compile these steps, or turn it off)`);
    else log(`nx-crossbake: warning: ${message}`);
  }
  return problems;
}
