import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CrossbakeError } from './errors';
import { assertSupportedNx, installedNxVersion, nxAbilities, nxVersionProblem, SUPPORTED_NX_RANGE } from './nx-version';

describe('the supported Nx range', () => {
  it('is the range package.json asks npm for, for nx and @nx/devkit alike', () => {
    const { peerDependencies } = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
      peerDependencies: Record<string, string>;
    };
    expect(peerDependencies).toEqual({ nx: SUPPORTED_NX_RANGE, '@nx/devkit': SUPPORTED_NX_RANGE });
  });

  it('holds the Nx this repository is built with', () => {
    expect(installedNxVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(nxVersionProblem(installedNxVersion())).toBeUndefined();
  });
});

describe('nxVersionProblem', () => {
  it.each(['21.0.0', '21.2.2', '22.5.4', '22.7.8', '23.2.1', '24.0.6', '24.9.0-beta.3'])('accepts Nx %s', (version) =>
    expect(nxVersionProblem(version)).toBeUndefined(),
  );

  it.each(['20.8.2', '19.0.0', '20.0.0-rc.2'])('sends Nx %s to nx migrate', (version) => {
    expect(nxVersionProblem(version)).toBe(
      `Nx ${version} is older than nx-crossbake supports (Nx >=21.0.0 <25.0.0): update the workspace first (npx nx migrate 22, then npx nx migrate --run-migrations), or stay on Nx ${version.split('.')[0]} without the plugin`,
    );
  });

  it.each(['25.0.0', '25.0.0-rc.0', '26.1.0'])('sends Nx %s to a newer nx-crossbake', (version) => {
    expect(nxVersionProblem(version)).toBe(
      `Nx ${version} is newer than this nx-crossbake supports (Nx >=21.0.0 <25.0.0): update nx-crossbake (npm install -D nx-crossbake@latest)`,
    );
  });

  it('leaves a version it cannot read to Nx', () => {
    expect(nxVersionProblem(undefined)).toBeUndefined();
    expect(nxVersionProblem('next')).toBeUndefined();
  });

  it('is thrown as an error the user can fix', () => {
    expect(() => assertSupportedNx('20.1.0')).toThrow(CrossbakeError);
    expect(() => assertSupportedNx('22.7.8')).not.toThrow();
  });
});

describe('nxAbilities', () => {
  // preferBatch and ^{projectRoot} file sets both first appear in the nx 22.6.0 package (checked in the npm tarballs
  // of 22.5.4 and 22.6.0).
  it.each([
    ['21.0.0', false],
    ['22.5.4', false],
    ['22.6.0', true],
    ['22.6.0-beta.1', true],
    ['24.0.6', true],
    [undefined, true],
  ])('Nx %s: batch by preference and dependency file sets %s', (version, recent) => {
    expect(nxAbilities(version)).toEqual({ prefersBatch: recent, dependencyFileSets: recent });
  });
});
