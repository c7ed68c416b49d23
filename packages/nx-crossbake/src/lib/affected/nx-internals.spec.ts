import { loadNxAffectedInternals } from './nx-internals';

// Not mocked: proves the deep imports still resolve on the Nx version this repository installs.
describe('loadNxAffectedInternals', () => {
  it('finds the changed-files and touched-project functions of the installed Nx', () => {
    const internals = loadNxAffectedInternals();
    expect(internals).toBeDefined();
    expect(typeof internals!.changedFiles).toBe('function');
    expect(typeof internals!.touchedProjects).toBe('function');
  });
});
