import { ensureResult } from './ensure-result';

describe('ensureResult', () => {
  it('leaves options that push, load or export alone', () => {
    for (const options of [{ push: true }, { load: true }, { outputs: ['type=local,dest=out'] }]) {
      const copy = { ...options };
      expect(ensureResult(copy, {})).toEqual([]);
      expect(copy).toEqual(options);
    }
  });

  it('sends a build that produces nothing to the cache only', () => {
    const options: Record<string, unknown> = { tags: ['a/b:1'], push: false };
    expect(ensureResult(options, {})).toHaveLength(1);
    expect(options.outputs).toEqual(['type=cacheonly']);
  });

  it('lets a pushing configuration drop the inherited cache-only output', () => {
    const options: Record<string, unknown> = { tags: ['a/b:1'] };
    const configurations: Record<string, Record<string, unknown>> = { production: { push: true }, ci: {} };
    ensureResult(options, configurations);
    expect(configurations).toEqual({ production: { push: true, outputs: [] }, ci: {} });
  });

  it('keeps outputs a configuration sets itself', () => {
    const configurations: Record<string, Record<string, unknown>> = { production: { push: true, outputs: ['type=local,dest=x'] } };
    ensureResult({}, configurations);
    expect(configurations.production.outputs).toEqual(['type=local,dest=x']);
  });

  it('sends a configuration that turns push off to the cache only', () => {
    const configurations: Record<string, Record<string, unknown>> = { local: { push: false } };
    expect(ensureResult({ push: true, tags: ['a/b:1'] }, configurations)).toEqual([expect.stringMatching(/configuration 'local'/)]);
    expect(configurations.local.outputs).toEqual(['type=cacheonly']);
  });
});
