import { logger, type ExecutorContext } from '@nx/devkit';
import { MULTIARCH_EXECUTOR } from '../../lib/core/executor-names';
import { buildServices } from '../../lib/run/build-services';
import type { MultiarchExecutorSchema } from '../../lib/options/schemas/multiarch';
import { executorResult, reportTask } from '../executor-result';
import { soloTasksNotice } from '../solo-tasks';
import { runInputs, toServiceRequest } from './tasks';

/** One task alone (`--batch=false`, or `nx run`): the same pipeline with a bake of one target. */
export default async function multiarchExecutor(options: MultiarchExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return executorResult(async () => {
    const projectName = context.projectName!;
    const id = [projectName, context.targetName, context.configurationName].filter(Boolean).join(':');
    const notice = soloTasksNotice(context, id, MULTIARCH_EXECUTOR);
    if (notice) logger.warn(`nx-crossbake: ${notice}`);
    const results = await buildServices({
      ...runInputs(context),
      requests: [toServiceRequest(id, { project: projectName, target: context.targetName! }, options, context)],
    });
    return reportTask(results.get(id)!);
  });
}
