/**
 * Where a run's time went, when builder groups run at once: the time some bake ran, the time some setup ran
 * while no bake did, and the rest (the plugin's own work). Each moment is counted once, so the three add up
 * to the run's wall time however the groups overlap.
 */
export interface Interval {
  start: number;
  end: number;
}

/** The time covered by at least one of the intervals. */
export function coveredMs(intervals: readonly Interval[]): number {
  const sorted = [...intervals].filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  let total = 0;
  let reach = -Infinity;
  for (const { start, end } of sorted) {
    if (end <= reach) continue;
    total += end - Math.max(start, reach);
    reach = end;
  }
  return total;
}

export interface RunTimings {
  setup: Interval[];
  bake: Interval[];
  /** Content keys and registry lookups (lib/reuse). */
  lookup: Interval[];
  /** Pointing tags at images under their key tags. */
  retag: Interval[];
  /** Signing and verifying pushed images (run/sign-step.ts); it overlaps bakes, since tasks are signed as they finish. */
  sign: Interval[];
}

/** Runs `fn`, adding the time it took to `into`. */
export async function timed<T>(into: Interval[], fn: () => Promise<T>, now: () => number = Date.now): Promise<T> {
  const start = now();
  try {
    return await fn();
  } finally {
    into.push({ start, end: now() });
  }
}

/**
 * The run's wall time split into bake, setup (outside any bake) and the rest, the plugin's own time; of that
 * rest, how much went to reuse lookups and to pointing tags (outside bakes and setups).
 */
export function splitRunTime(
  timings: Omit<RunTimings, 'sign'>,
  totalMs: number,
): { bakeMs: number; setupMs: number; overheadMs: number; lookupMs: number; retagMs: number } {
  const bakeMs = coveredMs(timings.bake);
  const busy = coveredMs([...timings.setup, ...timings.bake]);
  const outside = (parts: Interval[]) => coveredMs([...parts, ...timings.setup, ...timings.bake]) - busy;
  return {
    bakeMs,
    setupMs: busy - bakeMs,
    overheadMs: Math.max(0, totalMs - busy),
    lookupMs: outside(timings.lookup),
    retagMs: outside([...timings.retag, ...timings.lookup]) - outside(timings.lookup),
  };
}
