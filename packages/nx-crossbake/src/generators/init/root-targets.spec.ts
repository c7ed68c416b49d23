import { addMissingTargets, workspaceTargets } from './root-targets';

describe('workspaceTargets', () => {
  it('writes the driver and platforms into the setup target and points affected at docker-multiarch', () => {
    const targets = workspaceTargets('docker', ['linux/amd64']);
    expect(targets['docker-setup']).toMatchObject({
      executor: 'nx-crossbake:setup',
      options: { driver: 'docker', platforms: ['linux/amd64'] },
    });
    expect(targets['docker-affected']).toMatchObject({ executor: 'nx-crossbake:affected', options: { target: 'docker-multiarch' } });
  });
});

describe('addMissingTargets', () => {
  const wanted = workspaceTargets('docker-container', ['linux/amd64', 'linux/arm64']);

  it('adds every target to a project that has none', () => {
    const merge = addMissingTargets(undefined, wanted);
    expect(merge.added).toEqual(['docker-setup', 'docker-affected']);
    expect(merge.kept).toEqual([]);
    expect(merge.targets).toEqual(wanted);
  });

  it('never replaces a target of the same name, and keeps the others', () => {
    const mine = { executor: 'nx:run-commands', options: { command: 'echo mine' } };
    const build = { executor: 'nx:noop' };
    const merge = addMissingTargets({ 'docker-setup': mine, build }, wanted);
    expect(merge.kept).toEqual(['docker-setup']);
    expect(merge.added).toEqual(['docker-affected']);
    expect(merge.targets['docker-setup']).toBe(mine);
    expect(merge.targets.build).toBe(build);
  });
});
