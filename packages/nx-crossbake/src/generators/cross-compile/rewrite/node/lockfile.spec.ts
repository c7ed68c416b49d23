import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackageRecord, PackageRecords } from '../../../../lib/npm-registry/package-record';
import { parsePackageLock, parsePnpmLock, registryVersion, type Lockfile } from './lockfile';
import { platformDependence, rootScriptProblem } from './platform-independence';

// Recorded from the real tools (npm 11, npm 6, pnpm 8 and 9, yarn 1) with --package-lock-only /
// --lockfile-only; `resolved` URLs removed from the npm 6 and yarn files.
const fixture = (name: string) => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
const lockOf = (result: Lockfile | string): Lockfile => {
  if (typeof result === 'string') throw new Error(result);
  return result;
};

describe('parsePackageLock', () => {
  it('reads every package of a v3 lockfile, by install path', () => {
    const lock = lockOf(parsePackageLock(fixture('pure-js.package-lock.json')));
    expect(lock.label).toBe('package-lock.json v3');
    expect(lock.packages.map((p) => [p.key, p.name, p.installScript, p.link])).toEqual([
      ['node_modules/debug', 'debug', false, false],
      ['node_modules/ms', 'ms', false, false],
    ]);
  });

  it("reads esbuild's install script and its per-platform packages' os and cpu", () => {
    const lock = lockOf(parsePackageLock(fixture('esbuild.package-lock.json')));
    expect(lock.packages.find((p) => p.name === 'esbuild')?.installScript).toBe(true);
    expect(lock.packages.find((p) => p.key === 'node_modules/@esbuild/linux-arm64')).toMatchObject({ os: ['linux'], cpu: ['arm64'] });
  });

  it('reads v1, leaving install scripts and platforms to the registry', () => {
    const lock = lockOf(parsePackageLock(fixture('v1.package-lock.json')));
    expect(lock.label).toBe('package-lock.json v1');
    expect(lock.packages).toEqual([
      expect.objectContaining({ key: 'node_modules/ms', name: 'ms', version: '2.1.3', unknown: { scripts: true, platforms: true } }),
    ]);
    expect(registryVersion(lock.packages[0])).toEqual({
      name: 'ms',
      version: '2.1.3',
      resolved: undefined,
      integrity: expect.stringMatching(/^sha512-/),
    });
  });

  it('reads v1 nesting, bundled packages, file: folders and tarballs, and git specs', () => {
    const lock = lockOf(
      parsePackageLock(
        JSON.stringify({
          lockfileVersion: 1,
          dependencies: {
            a: { version: '1.0.0', dependencies: { b: { version: '2.0.0', bundled: true } } },
            local: { version: 'file:../local' },
            packed: { version: 'file:vendor/packed-1.0.0.tgz' },
            fork: { version: 'github:me/fork#abc', from: 'github:me/fork' },
          },
        }),
      ),
    );
    expect(
      lock.packages.map(({ key, version, link, unrecorded, git, resolved }) => ({ key, version, link, unrecorded, git, resolved })),
    ).toEqual([
      { key: 'node_modules/a', version: '1.0.0', link: false, unrecorded: false, git: false, resolved: undefined },
      { key: 'node_modules/a/node_modules/b', version: '2.0.0', link: false, unrecorded: true, git: false, resolved: undefined },
      { key: 'node_modules/local', version: undefined, link: true, unrecorded: false, git: false, resolved: undefined },
      // A tarball of the context has no registry record: `resolved` says where it came from.
      {
        key: 'node_modules/packed',
        version: 'file:vendor/packed-1.0.0.tgz',
        link: false,
        unrecorded: false,
        git: false,
        resolved: 'file:vendor/packed-1.0.0.tgz',
      },
      { key: 'node_modules/fork', version: undefined, link: false, unrecorded: false, git: true, resolved: undefined },
    ]);
  });

  it.each([
    ['not JSON', '{', /is not valid JSON/],
    ['no packages section', '{"lockfileVersion": 3}', /has no "packages" section/],
  ])('refuses %s', (_, text, reason) => expect(parsePackageLock(text)).toMatch(reason));

  it('marks links, bundled packages and git installs', () => {
    const lock = lockOf(
      parsePackageLock(
        JSON.stringify({
          lockfileVersion: 3,
          packages: {
            '': { name: 'app' },
            'libs/util': { version: '1.0.0' },
            'node_modules/util': { resolved: 'libs/util', link: true },
            'node_modules/a/node_modules/b': { version: '1.0.0', inBundle: true },
            'node_modules/c': { version: '1.0.0', resolved: 'git+ssh://git@example.com/c.git#0123abc' },
          },
        }),
      ),
    );
    expect(lock.packages.map((p) => [p.key, p.link, p.unrecorded, p.git])).toEqual([
      ['libs/util', true, false, false],
      ['node_modules/util', true, false, false],
      ['node_modules/a/node_modules/b', false, true, false],
      ['node_modules/c', false, false, true],
    ]);
  });
});

describe('parsePnpmLock', () => {
  it('reads a 6.0 lockfile, names from /name@version', () => {
    const lock = lockOf(parsePnpmLock(fixture('pure-js.pnpm-lock.yaml')));
    expect(lock.label).toBe('pnpm-lock.yaml 6.0');
    expect(lock.packages.map((p) => [p.name, p.installScript])).toEqual([
      ['debug', false],
      ['ms', false],
    ]);
  });

  it("reads esbuild's requiresBuild and its per-platform packages' cpu", () => {
    const lock = lockOf(parsePnpmLock(fixture('esbuild.pnpm-lock.yaml')));
    expect(lock.packages.find((p) => p.name === 'esbuild')?.installScript).toBe(true);
    expect(lock.packages.find((p) => p.name === '@esbuild/linux-arm64')).toMatchObject({ os: ['linux'], cpu: ['arm64'] });
  });

  it('reads 5.x keys (/name/version)', () => {
    const lock = lockOf(
      parsePnpmLock(
        'lockfileVersion: 5.4\npackages:\n  /@scope/pkg/1.0.0_react@18.0.0:\n    resolution: {integrity: sha512-x}\n    requiresBuild: true\n',
      ),
    );
    expect(lock.packages).toMatchObject([{ name: '@scope/pkg', installScript: true }]);
  });

  it('reads 9.0, leaving install scripts to the registry: pnpm 9 dropped requiresBuild from the lockfile', () => {
    const lock = lockOf(parsePnpmLock(fixture('pnpm9.pnpm-lock.yaml')));
    expect(lock.packages).toEqual([
      expect.objectContaining({ key: 'ms@2.1.3', name: 'ms', version: '2.1.3', unknown: { scripts: true, platforms: false } }),
    ]);
  });

  it.each([
    ['/@scope/a/1.2.3_peer@2.0.0', '5.4', '@scope/a', '1.2.3'],
    ['/a@1.2.3-rc.1(peer@2.0.0)', '6.0', 'a', '1.2.3-rc.1'],
    ['@scope/a@1.2.3', '9.0', '@scope/a', '1.2.3'],
  ])('reads the version of %s (lockfile %s)', (key, version, name, pinned) => {
    const lock = lockOf(parsePnpmLock(`lockfileVersion: '${version}'\npackages:\n  '${key}':\n    resolution: {integrity: sha512-x}\n`));
    expect(lock.packages).toMatchObject([{ name, version: pinned }]);
  });

  it('marks workspace importers as links', () => {
    const lock = lockOf(parsePnpmLock("lockfileVersion: '6.0'\nimporters:\n  .: {}\n  packages/a: {}\n"));
    expect(lock.packages).toMatchObject([{ key: 'packages/a', link: true }]);
  });
});

describe('platformDependence', () => {
  it('finds nothing in a pure-JavaScript lockfile, from npm or pnpm', () => {
    expect(platformDependence(lockOf(parsePackageLock(fixture('pure-js.package-lock.json'))))).toBeUndefined();
    expect(platformDependence(lockOf(parsePnpmLock(fixture('pure-js.pnpm-lock.yaml'))))).toBeUndefined();
  });

  it.each([
    [
      'esbuild.package-lock.json',
      parsePackageLock,
      // Only what a build machine (x64, arm64: no targets given) installs counts: not @esbuild/darwin-arm64,
      // @esbuild/aix-ppc64 or @esbuild/linux-loong64.
      // A package's builds for each platform are one problem.
      /^package-lock.json v3: node_modules\/esbuild runs an install script; @esbuild\/\* \(2 packages\) are each limited to one platform's os\/cpu$/,
    ],
    ['bcrypt.package-lock.json', parsePackageLock, /node_modules\/bcrypt runs an install script/],
    // pnpm 8 marks even the per-platform @esbuild packages requiresBuild; the first reason found is given.
    ['esbuild.pnpm-lock.yaml', parsePnpmLock, /^pnpm-lock.yaml 6.0: \/@esbuild\/linux-arm64@0.24.0 runs an install script;/],
  ])('names what ties %s to a platform', (name, parse, reason) => {
    expect(platformDependence(lockOf(parse(fixture(name))))).toMatch(reason);
  });

  it('refuses a listed platform-binary package even when the lockfile records nothing about it', () => {
    // npm/cli#4828: lockfiles written without the other platforms' optional binaries; the parent still shows.
    const lock = lockOf(
      parsePackageLock(JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/rollup': { version: '4.0.0' } } })),
    );
    expect(platformDependence(lock)).toMatch(/is rollup, which installs a binary for one platform/);
  });

  it('judges a package by what the lockfile records, not by its name', () => {
    const packages = {
      'node_modules/@img/colour': { version: '1.0.0' }, // plain JavaScript in sharp's scope
      'node_modules/fsevents': { version: '2.3.3', os: ['darwin'], hasInstallScript: true, optional: true },
      'node_modules/@esbuild/win32-x64': { version: '0.24.0', os: ['win32'], cpu: ['x64'], optional: true },
      'node_modules/not-on-linux': { version: '1.0.0', os: ['!linux', '!win32'], hasInstallScript: true },
    };
    expect(platformDependence(lockOf(parsePackageLock(JSON.stringify({ lockfileVersion: 3, packages }))))).toBeUndefined();
    const linux = { 'node_modules/@img/sharp-linux-arm64': { version: '0.34.0', os: ['linux'], cpu: ['arm64'], optional: true } };
    expect(platformDependence(lockOf(parsePackageLock(JSON.stringify({ lockfileVersion: 3, packages: linux }))))).toMatch(
      /@img\/sharp-linux-arm64 is limited to os linux, cpu arm64/,
    );
  });
});

describe('platformDependence with the registry records', () => {
  const v1 = (dependencies: Record<string, unknown>) => lockOf(parsePackageLock(JSON.stringify({ lockfileVersion: 1, dependencies })));
  const records = (answers: Record<string, PackageRecord | string>): PackageRecords => ({ get: (v) => answers[`${v.name}@${v.version}`] });

  it('proves a v1 lockfile when every record shows no install script and no platform limit', () => {
    const lock = v1({ ms: { version: '2.1.3' }, debug: { version: '4.3.7' } });
    expect(
      platformDependence(lock, undefined, records({ 'ms@2.1.3': { installScript: false }, 'debug@4.3.7': { installScript: false } })),
    ).toBeUndefined();
  });

  it('names the package whose record shows an install script or a platform limit', () => {
    const lock = v1({ bcrypt: { version: '5.1.1' }, 'lefthook-linux-x64': { version: '2.1.9' } });
    expect(
      platformDependence(
        lock,
        undefined,
        records({
          'bcrypt@5.1.1': { installScript: true },
          'lefthook-linux-x64@2.1.9': { installScript: false, os: ['linux'], cpu: ['x64'] },
        }),
      ),
    ).toBe(
      'package-lock.json v1: node_modules/bcrypt runs an install script; node_modules/lefthook-linux-x64 is limited to os linux, cpu x64',
    );
  });

  it('counts a record that leaves Linux out for nothing, as the lockfile does', () => {
    const lock = v1({ fsevents: { version: '2.3.2' } });
    expect(platformDependence(lock, undefined, records({ 'fsevents@2.3.2': { installScript: true, os: ['darwin'] } }))).toBeUndefined();
  });

  it('refuses what it could not read, with the reasons, and what it never read', () => {
    const lock = v1({ a: { version: '1.0.0' }, b: { version: '1.0.0' } });
    expect(
      platformDependence(
        lock,
        undefined,
        records({ 'a@1.0.0': { installScript: false }, 'b@1.0.0': 'registry.npmjs.org answered 404 for b@1.0.0' }),
      ),
    ).toBe(
      "package-lock.json v1 does not record install scripts or os/cpu limits, and the registry's record of 1 package was not read: registry.npmjs.org answered 404 for b@1.0.0",
    );
    expect(platformDependence(lock)).toBe(
      "package-lock.json v1 does not record install scripts or os/cpu limits, and the registry's record of 2 packages was not read",
    );
  });

  it('asks the registry only what pnpm 9 leaves out, and nothing of a package it shows installed nowhere', () => {
    const lock = lockOf(
      parsePnpmLock(
        "lockfileVersion: '9.0'\npackages:\n  fsevents@2.3.3:\n    os: [darwin]\n  ms@2.1.3:\n    resolution: {integrity: sha512-x}\n",
      ),
    );
    const asked: string[] = [];
    const answer = platformDependence(lock, undefined, { get: (v) => (asked.push(`${v.name}@${v.version}`), { installScript: false }) });
    expect([answer, asked]).toEqual([undefined, ['ms@2.1.3']]);
  });
});

describe('what an install without devDependencies leaves out', () => {
  it('npm marks dev-only packages (dev: true); devOptional ones are installed', () => {
    const lock = lockOf(
      parsePackageLock(
        JSON.stringify({
          lockfileVersion: 3,
          packages: {
            'node_modules/esbuild': { version: '0.24.0', hasInstallScript: true, dev: true },
            'node_modules/fsevents': { version: '2.3.3', os: ['darwin'], devOptional: true, optional: true },
            'node_modules/ms': { version: '2.1.3' },
          },
        }),
      ),
    );
    expect(lock.packages.map((p) => [p.name, p.dev])).toEqual([
      ['esbuild', true],
      ['fsevents', false],
      ['ms', false],
    ]);
    expect(platformDependence(lock, undefined, undefined, true)).toBeUndefined();
    expect(platformDependence(lock)).toMatch(/node_modules\/esbuild runs an install script/);
  });

  it('pnpm 5.x/6.x mark them; 9.0 is walked from the importers through snapshots, peers and optional ones included', () => {
    const five = lockOf(
      parsePnpmLock(
        "lockfileVersion: '5.4'\npackages:\n  /esbuild/0.15.13:\n    requiresBuild: true\n    dev: true\n  /ms/2.1.3:\n    dev: false\n",
      ),
    );
    expect(five.packages.map((p) => [p.name, p.dev])).toEqual([
      ['esbuild', true],
      ['ms', false],
    ]);
    const nine = [
      "lockfileVersion: '9.0'",
      'importers:',
      '  .:',
      '    dependencies:',
      '      a: {specifier: ^1.0.0, version: 1.0.0(peer@2.0.0)}',
      '      local: {specifier: workspace:*, version: link:packages/local}',
      '    optionalDependencies:',
      '      opt: {specifier: ^1.0.0, version: 1.0.0}',
      '    devDependencies:',
      '      lefthook: {specifier: ^2.1.9, version: 2.1.9}',
      '  packages/local:',
      '    dependencies:',
      '      c: {specifier: ^1.0.0, version: 1.0.0}',
      'packages:',
      ...['a@1.0.0', 'b@1.0.0', 'c@1.0.0', 'peer@2.0.0', 'opt@1.0.0', 'lefthook@2.1.9', 'lefthook-linux-x64@2.1.9'].map(
        (k) => `  ${k}: {}`,
      ),
      'snapshots:',
      '  a@1.0.0(peer@2.0.0):',
      '    dependencies:',
      '      b: 1.0.0',
      '      peer: 2.0.0',
      '  b@1.0.0: {}',
      '  c@1.0.0: {}',
      '  peer@2.0.0: {}',
      '  opt@1.0.0: {}',
      '  lefthook@2.1.9:',
      '    optionalDependencies:',
      '      lefthook-linux-x64: 2.1.9',
      '  lefthook-linux-x64@2.1.9: {}',
    ].join('\n');
    const lock = lockOf(parsePnpmLock(nine));
    expect(lock.packages.filter((p) => p.dev).map((p) => p.key)).toEqual(['lefthook@2.1.9', 'lefthook-linux-x64@2.1.9']);
  });
});

describe('pnpm 9: dependencies that are not registry versions', () => {
  it("follows a file: dependency's subtree as production's, and reads a file: folder as a link", () => {
    const nine = [
      "lockfileVersion: '9.0'",
      'importers:',
      '  .:',
      '    dependencies:',
      '      vendored: {specifier: file:vendor/vendored, version: file:vendor/vendored}',
      '      alias: {specifier: npm:real@1.0.0, version: real@1.0.0}',
      'packages:',
      '  vendored@file:vendor/vendored:',
      '    resolution: {directory: vendor/vendored, type: directory}',
      '  bcrypt@5.1.1:',
      '    resolution: {integrity: sha512-x}',
      '  real@1.0.0:',
      '    resolution: {integrity: sha512-y}',
      'snapshots:',
      '  vendored@file:vendor/vendored:',
      '    dependencies:',
      '      bcrypt: 5.1.1',
      '  bcrypt@5.1.1: {}',
      '  real@1.0.0: {}',
    ].join('\n');
    const lock = lockOf(parsePnpmLock(nine));
    expect(lock.packages.map((p) => [p.key, p.dev, p.link])).toEqual([
      ['vendored@file:vendor/vendored', false, true],
      ['bcrypt@5.1.1', false, false],
      ['real@1.0.0', false, false],
    ]);
  });
});

describe("a package's builds for each platform, named once", () => {
  it('groups siblings by the name without its platform, and keeps a lone one as it is', () => {
    const packages = Object.fromEntries(
      [
        ['@img/sharp-linux-arm64', 'arm64'],
        ['@img/sharp-linuxmusl-x64', 'x64'],
        ['@img/sharp-libvips-linux-x64', 'x64'],
        ['lefthook-linux-x64', 'x64'],
        ['lefthook-linux-arm64', 'arm64'],
      ].map(([name, cpu]) => [`node_modules/${name}`, { version: '1.0.0', os: ['linux'], cpu: [cpu] }]),
    );
    expect(platformDependence(lockOf(parsePackageLock(JSON.stringify({ lockfileVersion: 3, packages }))))).toBe(
      "package-lock.json v3: @img/sharp-* (2 packages) are each limited to one platform's os/cpu; node_modules/@img/sharp-libvips-linux-x64 is limited to os linux, cpu x64; lefthook-* (2 packages) are each limited to one platform's os/cpu",
    );
  });
});

describe('rootScriptProblem', () => {
  it.each([
    ['no scripts', '{"name":"app"}', undefined],
    ['a build script only', '{"scripts":{"build":"tsc","start":"node ."}}', undefined],
    ['postinstall', '{"scripts":{"postinstall":"node setup.js"}}', /`postinstall` script runs the project's own code/],
    ['prepare', '{"scripts":{"prepare":"husky"}}', /`prepare` script runs/],
    ['gypfile', '{"gypfile":true}', /native module/],
  ])('%s', (_, manifest, reason) => {
    const problem = rootScriptProblem(manifest, false);
    if (reason === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(reason);
  });

  it('a binding.gyp beside package.json', () => expect(rootScriptProblem('{}', true)).toMatch(/binding.gyp/));
});
