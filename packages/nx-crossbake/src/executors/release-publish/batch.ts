import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { buildServices } from '../../lib/run/build-services';
import { batchResults, batchTaskResult, failedTask, type BatchTaskResult } from '../executor-result';
import { runInputs } from '../multiarch/tasks';
import { toPublishRequest, type PublishRequest } from './publish-request';
import type { ReleasePublishExecutorSchema } from '../../lib/options/schemas/release-publish';

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
  const tasks = Object.values(taskGraph.tasks);
  yield* batchResults(
    tasks.map((task) => task.id),
    startTime,
    (async function* () {
      const publishes: PublishRequest[] = [];
      for (const task of tasks) {
        try {
          publishes.push(toPublishRequest(task.id, task.target.project, inputs[task.id] ?? {}, context));
        } catch (e) {
          yield failedTask(task.id, e, startTime);
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
    })(),
  );
}
