import { asTheyCome } from './as-they-come';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('asTheyCome', () => {
  it('yields each item when it is told, before the work ends, then returns its result', async () => {
    const seen: string[] = [];
    let ended = false;
    const items = asTheyCome<string, number>(async (tell) => {
      tell('a');
      await tick(5);
      tell('b');
      tell('c');
      await tick(5);
      ended = true;
      return 42;
    });
    let next = await items.next();
    while (!next.done) {
      seen.push(`${next.value}${ended ? ' after' : ' before'}`);
      next = await items.next();
    }
    expect(seen).toEqual(['a before', 'b before', 'c before']);
    expect(next.value).toBe(42);
  });

  it('yields what was told in the same turn as the end, and nothing when nothing is told', async () => {
    const told = asTheyCome<string, string>(async (tell) => {
      tell('last');
      return 'done';
    });
    expect(await told.next()).toEqual({ value: 'last', done: false });
    expect(await told.next()).toEqual({ value: 'done', done: true });
    expect(await asTheyCome(async () => 'none').next()).toEqual({ value: 'none', done: true });
  });

  it('throws the work’s error once every item told before it was yielded', async () => {
    const seen: string[] = [];
    const failing = asTheyCome<string, void>(async (tell) => {
      tell('first');
      await tick(5);
      throw new Error('boom');
    });
    await expect(
      (async () => {
        for await (const item of failing) seen.push(item);
      })(),
    ).rejects.toThrow('boom');
    expect(seen).toEqual(['first']);
  });
});
