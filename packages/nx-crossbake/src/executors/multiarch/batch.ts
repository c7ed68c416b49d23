import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { buildServices } from '../../lib/run/build-services';
import type { ServiceResult } from '../../lib/results/service-result';
import { asTheyCome } from '../as-they-come';
import { batchResults, batchTaskResult, type BatchTaskResult } from '../executor-result';
import type { MultiarchExecutorSchema } from '../../lib/options/schemas/multiarch';
import { runInputs, toServiceRequest } from './tasks';

/**
 * `nx run-many -t docker-multiarch`: every task of the batch goes into ONE bake file and one bake run.
 * Each task's result is yielded as soon as the run knows it (a reused image, a target buildx shows finished and
 * whose tags are confirmed), so Nx's terminal UI shows it done while the bake goes on; the rest, and always the
 * last one, when the run ends. Nx prints each one; it caches them all when the batch ends.
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
      const told = asTheyCome((onResult: (result: ServiceResult) => void) => buildServices({ ...runInputs(context), requests, onResult }));
      const yielded = new Set<string>();
      let next = await told.next();
      for (; !next.done; next = await told.next()) {
        // The last task waits for the end of the run: once every task has its result Nx is done with the batch,
        // and the run still writes its reports and prints its summary.
        if (yielded.size + 1 >= requests.length) continue;
        yielded.add(next.value.task);
        yield batchTaskResult(next.value, startTime, Date.now());
      }
      const results = next.value;
      const endTime = Date.now();
      for (const request of requests) if (!yielded.has(request.id)) yield batchTaskResult(results.get(request.id)!, startTime, endTime);
    })(),
  );
}
