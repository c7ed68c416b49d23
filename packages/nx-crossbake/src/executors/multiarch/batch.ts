import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { buildServices } from '../../lib/run/build-services';
import { formatTaskOutput } from '../../lib/results/summary';
import type { MultiarchExecutorSchema } from './schema';
import { runInputs, toServiceRequest } from './tasks';

/** Mirrors Nx's BatchExecutorTaskResult, which @nx/devkit does not export. */
export interface BatchTaskResult {
  task: string;
  result: {
    success: boolean;
    terminalOutput: string;
    startTime?: number;
    endTime?: number;
    /** Nx ≥22 reads 'skipped' as "never ran because a sibling failed"; older Nx ignores it. */
    status?: 'success' | 'failure' | 'skipped';
  };
}

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
  const requests = Object.values(taskGraph.tasks).map((task) =>
    toServiceRequest(task.id, task.target, inputs[task.id], context),
  );
  const results = await buildServices({
    ...runInputs(context),
    requests,
  });
  const endTime = Date.now();
  for (const request of requests) {
    const result = results.get(request.id)!;
    const success = result.status === 'built';
    yield {
      task: request.id,
      result: {
        success,
        terminalOutput: formatTaskOutput(result),
        startTime,
        endTime,
        status: success ? 'success' : result.status === 'cancelled' ? 'skipped' : 'failure',
      },
    };
  }
}
