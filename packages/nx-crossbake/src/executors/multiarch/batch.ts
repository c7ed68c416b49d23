import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { buildServices } from '../../lib/run/build-services';
import { batchResults, batchTaskResult, type BatchTaskResult } from '../executor-result';
import type { MultiarchExecutorSchema } from '../../lib/options/schemas/multiarch';
import { runInputs, toServiceRequest } from './tasks';

/**
 * `nx run-many -t docker-multiarch`: every task of the batch goes into ONE bake file and one bake run.
 * Results are yielded per task so Nx prints and caches each one.
 */
export default async function* multiarchBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, MultiarchExecutorSchema>,
  _overrides: MultiarchExecutorSchema,
  context: ExecutorContext,
): AsyncGenerator<BatchTaskResult> {
  const startTime = Date.now();
  const tasks = Object.values(taskGraph.tasks);
  yield* batchResults(
    tasks.map((task) => task.id),
    startTime,
    (async function* () {
      const requests = tasks.map((task) => toServiceRequest(task.id, task.target, inputs[task.id], context));
      const results = await buildServices({ ...runInputs(context), requests });
      const endTime = Date.now();
      for (const request of requests) yield batchTaskResult(results.get(request.id)!, startTime, endTime);
    })(),
  );
}
