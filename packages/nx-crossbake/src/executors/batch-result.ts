import { formatTaskOutput } from '../lib/results/summary';
import type { ServiceResult } from '../lib/results/service-result';

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

/** What Nx records for one task of a bake: built (or, printing, planned) is success; cancelled is skipped. */
export function batchTaskResult(result: ServiceResult, startTime: number, endTime: number): BatchTaskResult {
  const success = result.status === 'built' || result.status === 'planned';
  return {
    task: result.task,
    result: {
      success,
      terminalOutput: formatTaskOutput(result),
      startTime,
      endTime,
      status: success ? 'success' : result.status === 'cancelled' ? 'skipped' : 'failure',
    },
  };
}
