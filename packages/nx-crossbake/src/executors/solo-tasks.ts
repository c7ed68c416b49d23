import type { ExecutorContext } from '@nx/devkit';
import { installedNxVersion, nxAbilities } from '../lib/core/nx-version';

/**
 * Before Nx 22.6 (no `preferBatch`), run-many gives a batch executor its tasks together only with --batch: each
 * of ours runs alone, with a bake of its own. Said once per run, by the first such task, with the fix.
 */
export function soloTasksNotice(
  context: Pick<ExecutorContext, 'taskGraph' | 'projectsConfigurations'>,
  taskId: string,
  executor: string,
  version = installedNxVersion(),
): string | undefined {
  if (nxAbilities(version).prefersBatch || !context.taskGraph) return undefined;
  const ours = Object.values(context.taskGraph.tasks)
    .filter((t) => context.projectsConfigurations.projects[t.target.project]?.targets?.[t.target.target]?.executor === executor)
    .map((t) => t.id);
  if (ours.length < 2 || ours[0] !== taskId) return undefined;
  return (
    `Nx ${version} runs these ${ours.length} ${executor} tasks one by one, a bake each (before 22.6 Nx batches only when asked): ` +
    'add --batch, or set NX_BATCH_MODE=true, to build them in one bake'
  );
}
