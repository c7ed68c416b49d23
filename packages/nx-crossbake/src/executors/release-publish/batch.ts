import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { CrossbakeError } from '../../lib/core/errors';
import { buildServices } from '../../lib/run/build-services';
import { batchTaskResult, type BatchTaskResult } from '../batch-result';
import { runInputs } from '../multiarch/tasks';
import { toPublishRequest, type PublishRequest } from './publish-request';
import type { ReleasePublishExecutorSchema } from '../../lib/options/schemas/release-publish';

const failure = (task: string, terminalOutput: string, startTime: number): BatchTaskResult => ({
  task,
  result: { success: false, terminalOutput, startTime, endTime: Date.now(), status: 'failure' },
});

/**
 * `nx release publish`: every publish task of the batch (a release group's projects, as far as Nx puts them
 * in one batch: docs/release.md) is built and pushed by ONE bake. A task that cannot publish fails alone, at
 * once; the others are yielded when the bake ends.
 */
export default async function* releasePublishBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, ReleasePublishExecutorSchema>,
  _overrides: ReleasePublishExecutorSchema,
  context: ExecutorContext,
): AsyncGenerator<BatchTaskResult> {
  const startTime = Date.now();
  const publishes: PublishRequest[] = [];
  for (const task of Object.values(taskGraph.tasks)) {
    try {
      publishes.push(toPublishRequest(task.id, task.target.project, inputs[task.id] ?? {}, context));
    } catch (e) {
      if (!(e instanceof CrossbakeError)) throw e;
      yield failure(task.id, `nx-crossbake: ${e.message}`, startTime);
    }
  }
  // A dry run is a whole bake's choice (printed, never run): a task that asks for it alone never shares a bake
  // with tasks that push. `nx release --dry-run` asks it of every task, so this is still one bake.
  for (const print of [true, false]) {
    const requests = publishes.filter((p) => p.print === print).map((p) => p.request);
    if (requests.length === 0) continue;
    const results = await buildServices({ ...runInputs(context), requests, print });
    const endTime = Date.now();
    for (const request of requests) yield batchTaskResult(results.get(request.id)!, startTime, endTime);
  }
}
