import { appliedTargetDefaults } from './target-defaults';

describe('appliedTargetDefaults', () => {
  const nxJson = {
    targetDefaults: {
      '@nx-tools/nx-container:build': { options: { push: true } },
      container: { dependsOn: ['build'] },
    },
  };

  it('prefers the entry keyed by the executor, as Nx does', () => {
    expect(appliedTargetDefaults(nxJson, 'container', '@nx-tools/nx-container:build')).toEqual({
      key: '@nx-tools/nx-container:build',
      defaults: { options: { push: true } },
    });
  });

  it('falls back to the entry keyed by the target name', () => {
    expect(appliedTargetDefaults(nxJson, 'container', 'nx-crossbake:multiarch')).toEqual({
      key: 'container',
      defaults: { dependsOn: ['build'] },
    });
  });

  it('finds nothing without a matching key', () => {
    expect(appliedTargetDefaults(nxJson, 'docker', 'nx-crossbake:multiarch')).toBeUndefined();
    expect(appliedTargetDefaults(null, 'docker', 'nx-crossbake:multiarch')).toBeUndefined();
  });
});
