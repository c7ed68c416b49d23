import { normalizeOptions } from '../../lib/options/normalize';
import { multiarchTarget } from './multiarch-target';

describe('multiarchTarget', () => {
  const spec = { platforms: ['linux/amd64', 'linux/arm64'], image: 'ghcr.io/acme/api:latest', targetName: 'docker-multiarch' };

  it('pushes the image when asked', () => {
    expect(multiarchTarget({ ...spec, push: true })).toMatchObject({
      executor: 'nx-crossbake:multiarch',
      outputs: ['{workspaceRoot}/dist/nx-crossbake/{projectRoot}/docker-multiarch'],
      options: { platforms: spec.platforms, tags: [spec.image], push: true },
    });
    expect(multiarchTarget({ ...spec, push: true }).options).not.toHaveProperty('outputs');
  });

  it('builds into the cache only without push', () => {
    expect(multiarchTarget({ ...spec, push: false }).options).toEqual({
      platforms: spec.platforms,
      tags: [spec.image],
      push: false,
      outputs: ['type=cacheonly'],
    });
  });

  it.each([true, false])('writes options the multiarch executor accepts (push: %s)', (push) => {
    const options = multiarchTarget({ ...spec, push }).options!;
    expect(() => normalizeOptions(options, { name: 'api', root: 'apps/api' })).not.toThrow();
  });
});
