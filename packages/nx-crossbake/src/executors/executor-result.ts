/**
 * What Nx records of a run: a task's result, and an error turned into one. Errors we raise (CrossbakeError) are
 * the user's to fix and reported as such; anything else is a bug, thrown on so Nx shows its stack.
 */
import { logger } from '@nx/devkit';
import { isReportable } from '../lib/core/errors';
import { assertSupportedNx } from '../lib/core/nx-version';
import type { ServiceResult } from '../lib/results/service-result';
import { formatTaskOutput } from '../lib/results/summary';

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

/** How an error we raise reads in Nx's output; a bug is thrown on. */
function reported(e: unknown): string {
  if (!isReportable(e)) throw e;
  return `nx-crossbake: ${e.message}`;
}

/**
 * One task's executor: its body says whether it succeeded; an error we raise is logged and fails it. Nothing
 * runs on an Nx the plugin does not support.
 */
export async function executorResult(body: () => Promise<boolean>): Promise<{ success: boolean }> {
  try {
    assertSupportedNx();
    return { success: await body() };
  } catch (e) {
    logger.error(reported(e));
    return { success: false };
  }
}

/** Built, reused, or (printing) planned. */
const succeeded = (result: ServiceResult) => ['built', 'reused', 'planned'].includes(result.status);

/** Whether one task succeeded; a failure is logged with the task's output. */
export function reportTask(result: ServiceResult): boolean {
  const success = succeeded(result);
  if (!success) logger.error(formatTaskOutput(result));
  return success;
}

/** What Nx records for one task of a bake: built (or, printing, planned) is success; cancelled is skipped. */
export function batchTaskResult(result: ServiceResult, startTime: number, endTime: number): BatchTaskResult {
  const success = succeeded(result);
  return {
    task: result.task,
    result: {
      success,
      // Nx prints it as it is, and a task told done mid-run is followed by the run's own output: its own line end.
      terminalOutput: `${formatTaskOutput(result)}\n`,
      startTime,
      endTime,
      status: success ? 'success' : result.status === 'cancelled' ? 'skipped' : 'failure',
    },
  };
}

const failure = (task: string, terminalOutput: string, startTime: number): BatchTaskResult => ({
  task,
  result: { success: false, terminalOutput, startTime, endTime: Date.now(), status: 'failure' },
});

/** A batch task stopped by an error we raise: failed, with the error as its output. */
export const failedTask = (task: string, e: unknown, startTime: number): BatchTaskResult => failure(task, reported(e), startTime);

/**
 * A batch executor's results: when an error we raise stops it, every task it has not yielded yet fails with that
 * error, so each still gets a result of its own. Nothing runs on an Nx the plugin does not support.
 */
export async function* batchResults(
  tasks: readonly string[],
  startTime: number,
  body: AsyncGenerator<BatchTaskResult>,
): AsyncGenerator<BatchTaskResult> {
  const done = new Set<string>();
  try {
    assertSupportedNx();
    for await (const result of body) {
      done.add(result.task);
      yield result;
    }
  } catch (e) {
    const output = reported(e);
    for (const task of tasks) if (!done.has(task)) yield failure(task, output, startTime);
  }
}
