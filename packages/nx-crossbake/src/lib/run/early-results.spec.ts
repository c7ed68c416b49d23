import { serviceResult } from '../../../test-support/service-result';
import type { ServiceOptions } from '../options/service-options';
import type { ServiceResult } from '../results/service-result';
import { earlyResults } from './early-results';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;
const options = { id: 'api:docker-multiarch' } as ServiceOptions;
const ended = serviceResult({ task: options.id, status: 'built', digest: DIGEST, durationMs: 900 });
const finish = async (_o: ServiceOptions, r: ServiceResult) => ({ ...r, contentKey: 'finished' });

/** Lets the promise chains of targetEnded run. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('earlyResults', () => {
  it('tells a task the registry confirms on the digest pushed, once, and keeps it when the bake later cancels it', async () => {
    const told: ServiceResult[] = [];
    const early = earlyResults(
      async (_o, r) => ({ ...r, tags: ['r/api:1'] }),
      (r) => told.push(r),
    );
    early.targetEnded(options, ended);
    early.targetEnded(options, ended);
    await settled();
    expect(told).toEqual([{ ...ended, tags: ['r/api:1'] }]);
    expect(early.told.has(options.id)).toBe(true);
    const { result, warning } = await early.settle(options, { ...ended, status: 'cancelled', digest: undefined }, finish);
    expect(result).toEqual(told[0]);
    expect(warning).toBeUndefined();
  });

  it('takes the metadata duration and findings when the bake confirms the same digest', async () => {
    const early = earlyResults(
      async (_o, r) => r,
      () => undefined,
    );
    early.targetEnded(options, ended);
    const checks = [{ rule: 'FromAsCasing', file: 'Dockerfile', line: 1, message: 'm' }];
    const { result } = await early.settle(options, { ...ended, durationMs: 4200, checks }, finish);
    expect(result).toEqual({ ...ended, durationMs: 4200, checks });
  });

  it('follows the metadata, with a warning, when it gives another digest', async () => {
    const early = earlyResults(
      async (_o, r) => r,
      () => undefined,
    );
    early.targetEnded(options, ended);
    const { result, warning } = await early.settle(options, { ...ended, digest: OTHER }, finish);
    expect(result).toMatchObject({ digest: OTHER, contentKey: 'finished' });
    expect(warning).toMatch(/reported done with sha256:a+, .* metadata gives sha256:b+/);
  });

  it.each<[string, (o: ServiceOptions, r: ServiceResult) => Promise<ServiceResult | undefined>]>([
    ['the registry has another digest', async (_o, r) => ({ ...r, digest: OTHER })],
    ['nothing can confirm it before the metadata', async () => undefined],
    ['the registry cannot be asked', async () => Promise.reject(new Error('refused'))],
    ['its tags could not be pointed', async (_o, r) => ({ ...r, status: 'failed' })],
  ])('tells nothing when %s, and the task is finished from its bake like any other', async (_, finishEarly) => {
    const told: ServiceResult[] = [];
    const early = earlyResults(finishEarly, (r) => told.push(r));
    early.targetEnded(options, ended);
    await settled();
    expect(told).toEqual([]);
    expect(early.told.has(options.id)).toBe(false);
    const { result, warning } = await early.settle(options, { ...ended, status: 'cancelled' }, finish);
    expect(result).toMatchObject({ status: 'cancelled', contentKey: 'finished' });
    expect(warning).toBeUndefined();
  });

  it('tells nothing of a target that pushed no digest (a load, cacheonly)', async () => {
    const told: ServiceResult[] = [];
    const early = earlyResults(
      async (_o, r) => r,
      (r) => told.push(r),
    );
    early.targetEnded(options, { ...ended, digest: undefined });
    await settled();
    expect(told).toEqual([]);
  });
});
