import type { TargetConfiguration } from '@nx/devkit';
import type { MultiarchExecutorSchema } from '../../lib/options/schemas/multiarch';
import { MULTIARCH_EXECUTOR } from '../../lib/core/executor-names';
import { imageTargetInputs } from '../../lib/graph/image-inputs';
import { getReportOutput } from '../../lib/results/report';

/**
 * The target the generator adds. Only what differs from the executor's defaults is left out: platforms
 * and tags are written so they can be edited. Without push the executor still needs a result, so the
 * build goes to the cache only: every platform is built (which is the check) and nothing is exported.
 */
export function multiarchTarget(spec: {
  platforms: string[];
  image: string;
  push: boolean;
  targetName: string;
  /** Written when it is not the project folder. */
  context?: string;
  /** Default: the project's and its dependencies' files. */
  inputs?: string[];
}): TargetConfiguration<MultiarchExecutorSchema> {
  const options: MultiarchExecutorSchema = {
    ...(spec.context !== undefined && { context: spec.context }),
    platforms: spec.platforms,
    tags: [spec.image],
    push: spec.push,
    ...(!spec.push && { outputs: ['type=cacheonly'] }),
  };
  return {
    executor: MULTIARCH_EXECUTOR,
    // Written out, so a workspace's targetDefaults or named inputs cannot drop the images it is built FROM.
    inputs: spec.inputs ?? imageTargetInputs(),
    // Where the executor writes this target's image.json report, so Nx knows the target's output.
    outputs: [getReportOutput(spec.targetName)],
    options,
    // No `technologies`: Nx 22's `nx release version` would then ask for @nx/docker (see the inferred target).
    metadata: {
      description: spec.push
        ? `Build ${spec.image} for ${spec.platforms.join(', ')} and push it`
        : `Build ${spec.image} for ${spec.platforms.join(', ')}`,
    },
  };
}
