import type { ServiceOptions } from '../options/service-options';
import type { ServiceResult } from '../results/service-result';

/**
 * Tasks told done (BuildServicesInput.onResult) while their bake still runs. When buildx's progress shows a
 * task's target ended, with the digest it pushed (bake-once's onTargetEnd), the task is finished as far as the
 * registry can confirm it (GroupReuse.finishEarly: its tags pointed and read back on that digest) and told. From
 * then on the registry's word stands: the bake's later failure elsewhere (bake cancels the rest, and reports
 * them cancelled) neither undoes it nor bakes it again. Only a metadata file that gives it another digest does,
 * with a warning.
 */
/** Which tasks were told done; `settled` waits for the confirmations under way (registry reads). */
export interface ToldTasks {
  has(task: string): boolean;
  settled(): Promise<unknown>;
}

interface EarlyResults {
  /** For BakeRun.onTargetEnd: a target's end as buildx's progress shows it. */
  targetEnded(options: ServiceOptions, result: ServiceResult): void;
  /** The tasks told done (not baked again), once every target end seen so far is confirmed or not. */
  told: ToldTasks;
  /** The task's final result, from its bake's result (`finish` as for any task) or the one it was told with. */
  settle(
    options: ServiceOptions,
    baked: ServiceResult,
    finish: (options: ServiceOptions, baked: ServiceResult) => Promise<ServiceResult>,
  ): Promise<{ result: ServiceResult; warning?: string }>;
}

export function earlyResults(
  finishEarly: (options: ServiceOptions, result: ServiceResult) => Promise<ServiceResult | undefined>,
  tell: (result: ServiceResult) => void,
): EarlyResults {
  const pending = new Map<string, Promise<ServiceResult | undefined>>();
  const told = new Map<string, ServiceResult>();
  return {
    targetEnded: (options, result) => {
      if (!result.digest || pending.has(options.id)) return;
      pending.set(
        options.id,
        finishEarly(options, result)
          .then((finished) => {
            // Its tags read back on the digest buildx's progress showed pushed: the registry confirms both.
            if (finished?.status !== 'built' || finished.digest !== result.digest) return undefined;
            told.set(options.id, finished);
            tell(finished);
            return finished;
          })
          // A registry that cannot say now: the task waits for its bake's metadata, like any other.
          .catch(() => undefined),
      );
    },
    told: { has: (task) => told.has(task), settled: () => Promise.all(pending.values()) },
    settle: async (options, baked, finish) => {
      const early = await pending.get(options.id);
      if (!early) return { result: await finish(options, baked) };
      if (baked.status === 'built' && baked.digest !== early.digest) {
        return {
          result: await finish(options, baked),
          warning:
            `it was reported done with ${early.digest}, which buildx's progress showed pushed and the registry confirmed, ` +
            `but its bake's metadata gives ${baked.digest ?? 'no digest'}: its report and the summary follow the metadata`,
        };
      }
      // Cancelled or failed by another target's failure after it ended: what the registry confirmed stands.
      return { result: baked.status === 'built' ? { ...early, durationMs: baked.durationMs, checks: baked.checks } : early };
    },
  };
}
