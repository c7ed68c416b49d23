import type { TargetConfiguration } from '@nx/devkit';
import type { MultiarchExecutorSchema } from '../../executors/multiarch/schema';
import { MULTIARCH_EXECUTOR } from '../../executor-names';

/** Where the multiarch executor writes the project's image.json report; declared so Nx knows the target's output. */
export const REPORT_OUTPUT = '{workspaceRoot}/dist/nx-crossbake/{projectRoot}';

/**
 * The target the generator adds. Only what differs from the executor's defaults is left out: platforms
 * and tags are written so they can be edited. Without push the executor still needs a result, so the
 * build goes to the cache only: every platform is built (which is the check) and nothing is exported.
 */
export function multiarchTarget(spec: { platforms: string[]; image: string; push: boolean }): TargetConfiguration<MultiarchExecutorSchema> {
  const options: MultiarchExecutorSchema = {
    platforms: spec.platforms,
    tags: [spec.image],
    push: spec.push,
    ...(!spec.push && { outputs: ['type=cacheonly'] }),
  };
  return {
    executor: MULTIARCH_EXECUTOR,
    outputs: [REPORT_OUTPUT],
    options,
    // No `technologies`: Nx concatenates that list with the plugin's inferred target, listing docker twice.
    metadata: {
      description: spec.push ? `Build ${spec.image} for ${spec.platforms.join(', ')} and push it` : `Build ${spec.image} for ${spec.platforms.join(', ')}`,
    },
  };
}
