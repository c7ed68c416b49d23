import { coveredMs, splitRunTime, timed, type Interval } from './timings';

const at = (start: number, end: number): Interval => ({ start, end });

describe('coveredMs', () => {
  it.each([
    [[], 0],
    [[at(0, 10)], 10],
    [[at(0, 10), at(20, 25)], 15],
    // two groups baking at once count once
    [[at(0, 10), at(5, 15)], 15],
    [[at(5, 15), at(0, 10), at(2, 4)], 15],
    [[at(0, 10), at(10, 12)], 12],
    [[at(3, 3), at(5, 4)], 0],
  ])('%j → %i', (intervals, ms) => expect(coveredMs(intervals)).toBe(ms));
});

describe('splitRunTime', () => {
  it('counts setup only while no bake runs, and the rest as overhead', () => {
    // group A sets up 0–10 and bakes 10–50; group B sets up 0–30 (during A's bake) and bakes 30–60
    const split = splitRunTime({ setup: [at(0, 10), at(0, 30)], bake: [at(10, 50), at(30, 60)], lookup: [], retag: [] }, 70);
    expect(split).toEqual({ bakeMs: 50, setupMs: 10, overheadMs: 10, lookupMs: 0, retagMs: 0 });
  });

  it('adds up to the wall time of groups one after another', () => {
    expect(splitRunTime({ setup: [at(0, 5), at(20, 25)], bake: [at(5, 20), at(25, 40)], lookup: [], retag: [] }, 45)).toEqual({
      bakeMs: 30,
      setupMs: 10,
      overheadMs: 5,
      lookupMs: 0,
      retagMs: 0,
    });
  });

  it('counts reuse lookups and tagging as parts of the overhead, outside bakes and setups', () => {
    const split = splitRunTime({ setup: [at(10, 20)], bake: [at(20, 30)], lookup: [at(0, 15)], retag: [at(28, 40), at(35, 45)] }, 50);
    expect(split).toEqual({ bakeMs: 10, setupMs: 10, overheadMs: 30, lookupMs: 10, retagMs: 15 });
  });
});

describe('timed', () => {
  it('records the interval also when fn throws', async () => {
    const into: Interval[] = [];
    let t = 100;
    await expect(
      timed(
        into,
        async () => {
          t = 130;
          throw new Error('boom');
        },
        () => t,
      ),
    ).rejects.toThrow('boom');
    expect(into).toEqual([at(100, 130)]);
  });
});
