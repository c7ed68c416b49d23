import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { integrityDiffers, readPackageRecord } from './package-record';

// Version manifests as registry.npmjs.org serves them (`GET /<name>/<version>`), recorded on 2026-12-07.
const manifest = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '..', '__fixtures__', 'npm-registry', `${name}.json`), 'utf8'));

describe('readPackageRecord', () => {
  it.each([
    ['ms@2.1.3', { installScript: false }],
    ['bcrypt@5.1.1', { installScript: true, nativeBy: 'node-addon-api' }], // "install": "node-pre-gyp install --fallback-to-build"
    ['microtime@3.1.1', { installScript: true, nativeBy: 'node-addon-api' }], // gypfile, and an install script
    ['fsevents@2.3.2', { installScript: false, os: ['darwin'] }],
    ['esbuild__linux-arm64@0.20.0', { installScript: false, os: ['linux'], cpu: ['arm64'] }],
    // No script and no gypfile, yet a binding.gyp that npm builds: its dependency on nan tells.
    ['heapdump@0.3.15', { installScript: false, nativeBy: 'nan' }],
  ])('%s', (name, expected) => {
    const record = readPackageRecord(manifest(name));
    expect(record).toEqual({
      os: undefined,
      cpu: undefined,
      libc: undefined,
      nativeBy: undefined,
      ...expected,
      integrity: expect.stringMatching(/^sha512-/),
    });
  });

  it('reads the abbreviated form (hasInstallScript) and a gypfile without a script', () => {
    expect(readPackageRecord({ version: '1.0.0', hasInstallScript: true })).toMatchObject({ installScript: true });
    expect(readPackageRecord({ version: '1.0.0', gypfile: true })).toMatchObject({ installScript: true });
  });

  it('refuses what is not a version manifest', () => {
    expect(readPackageRecord({ error: 'Not found' })).toMatch(/not a package version/);
    expect(readPackageRecord(undefined)).toMatch(/not a package version/);
  });
});

describe('integrityDiffers', () => {
  it.each([
    ['sha512-a', 'sha512-a', false],
    ['sha512-a', 'sha512-b', true],
    ['sha1-x sha512-a', 'sha512-a', false],
    ['sha1-x', 'sha512-a', false], // nothing to compare
    ['sha1-x sha512-a', 'sha1-x sha512-b', true],
    [undefined, 'sha512-a', false],
  ])('%s vs %s', (a, b, differs) => expect(integrityDiffers(a, b)).toBe(differs));
});
