import { logger, type ExecutorContext } from '@nx/devkit';
import { buildServices } from '../../lib/run/build-services';
import { RELEASE_PUBLISH_EXECUTOR } from '../../lib/core/executor-names';
import { executorResult, reportTask } from '../executor-result';
import { soloTasksNotice } from '../solo-tasks';
import { runInputs } from '../multiarch/tasks';
import { toPublishRequest } from './publish-request';
import type { ReleasePublishExecutorSchema } from '../../lib/options/schemas/release-publish';

/**
 * `nx-release-publish` for images, one project (`--batch=false`, or `nx run`): builds the project's multiarch
 * target for every platform and pushes it tagged with the released version, so `nx release` publishes
 * multi-arch images (@nx/docker's publish builds one platform only: nrwl/nx#33326). batch.ts publishes a
 * whole release group in one bake.
 */
export default async function releasePublishExecutor(
  options: ReleasePublishExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  return executorResult(async () => {
    const projectName = context.projectName!;
    const id = `${projectName}:${context.targetName}`;
    const notice = soloTasksNotice(context, id, RELEASE_PUBLISH_EXECUTOR);
    if (notice) logger.warn(`nx-crossbake: ${notice}`);
    const { request, print } = toPublishRequest(id, projectName, options, context);
    const results = await buildServices({ ...runInputs(context), requests: [request], print });
    const result = results.get(request.id)!;
    if (result.status === 'built' || result.status === 'reused')
      logger.info(
        `nx-crossbake: published ${result.tags.join(', ')} for ${result.platforms.join(', ')}${result.reused ? ' (reused: unchanged since it was built)' : ''}`,
      );
    return reportTask(result);
  });
}
