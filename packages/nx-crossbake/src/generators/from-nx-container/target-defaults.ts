import type { NxJsonConfiguration, TargetConfiguration } from '@nx/devkit';

export interface AppliedDefaults {
  /** The targetDefaults key: an executor or a target name. */
  key: string;
  defaults: Partial<TargetConfiguration>;
}

/**
 * The targetDefaults entry Nx applies to a target: the one keyed by its executor, else by its name.
 * (Nx then tries glob keys; a converter cannot know every glob, so those are left to the report's reader.)
 * Comparing the entry before and after the executor changes tells what stops and what starts applying.
 */
export function appliedTargetDefaults(
  nxJson: NxJsonConfiguration | null,
  targetName: string,
  executor: string,
): AppliedDefaults | undefined {
  const all = nxJson?.targetDefaults ?? {};
  for (const key of [executor, targetName]) {
    if (all[key]) return { key, defaults: all[key] };
  }
  return undefined;
}
