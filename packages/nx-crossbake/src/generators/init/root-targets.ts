import type { TargetConfiguration } from '@nx/devkit';
import type { AffectedExecutorSchema } from '../../lib/options/schemas/affected';
import type { SetupExecutorSchema } from '../../lib/options/schemas/setup';
import { AFFECTED_EXECUTOR, SETUP_EXECUTOR } from '../../lib/core/executor-names';

const SETUP_TARGET = 'docker-setup';
const AFFECTED_TARGET = 'docker-affected';
/** Where the workspace-level targets go when the workspace has no root project.json. */
export const DOCKER_PROJECT = { name: 'docker', root: 'tools/docker' } as const;

/**
 * The workspace-level targets: one builder for every project (multiarch builds read this target's options
 * for their builder) and one bake for everything affected. Defaults are written out so they can be edited.
 */
export function workspaceTargets(
  driver: NonNullable<SetupExecutorSchema['driver']>,
  platforms: string[],
): Record<string, TargetConfiguration> {
  const setup: SetupExecutorSchema = { driver, platforms };
  const affected: AffectedExecutorSchema = { target: 'docker-multiarch' };
  return {
    [SETUP_TARGET]: {
      executor: SETUP_EXECUTOR,
      options: setup,
      metadata: { description: 'Create or check the shared buildx builder (QEMU emulators included)', technologies: ['docker'] },
    },
    [AFFECTED_TARGET]: {
      executor: AFFECTED_EXECUTOR,
      options: affected,
      metadata: { description: 'Build and push the images of the affected projects with one docker buildx bake', technologies: ['docker'] },
    },
  };
}

interface TargetMerge {
  targets: Record<string, TargetConfiguration>;
  added: string[];
  /** Names that existed already: left exactly as they were. */
  kept: string[];
}

/** `existing` plus the `wanted` targets it does not have; an existing target is never replaced. */
export function addMissingTargets(
  existing: Record<string, TargetConfiguration> | undefined,
  wanted: Record<string, TargetConfiguration>,
): TargetMerge {
  const targets = { ...existing };
  const added: string[] = [];
  const kept: string[] = [];
  for (const [name, target] of Object.entries(wanted)) {
    if (name in targets) kept.push(name);
    else {
      targets[name] = target;
      added.push(name);
    }
  }
  return { targets, added, kept };
}
