import { logger, type ExecutorContext } from '@nx/devkit';
import { CrossbakeError } from '../../lib/core/errors';
import { formatTaskOutput } from '../../lib/results/summary';
import { buildServices } from '../../lib/run/build-services';
import { runInputs } from '../multiarch/tasks';
import { toPublishRequest, type PublishRequest } from './publish-request';
import type { ReleasePublishExecutorSchema } from '../../lib/options/schemas/release-publish';

/**
 * `nx-release-publish` for images, one project (`--batch=false`, or `nx run`): builds the project's multiarch
 * target for every platform and pushes it tagged with the released version, so `nx release` publishes
 * multi-arch images (@nx/docker's publish builds one platform only: nrwl/nx#33326). batch.ts publishes a
 * whole release group in one bake.
 */
export default async function releasePublishExecutor(options: ReleasePublishExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const projectName = context.projectName!;
  let publish: PublishRequest;
  try {
    publish = toPublishRequest(`${projectName}:${context.targetName}`, projectName, options, context);
  } catch (e) {
    if (!(e instanceof CrossbakeError)) throw e;
    logger.error(`nx-crossbake: ${e.message}`);
    return { success: false };
  }
  const { request, print } = publish;
  const results = await buildServices({ ...runInputs(context), requests: [request], print });
  const result = results.get(request.id)!;
  if (result.status === 'planned') return { success: true };
  if (result.status !== 'built') logger.error(formatTaskOutput(result));
  else logger.info(`nx-crossbake: published ${result.tags.join(', ')} for ${result.platforms.join(', ')}`);
  return { success: result.status === 'built' };
}
