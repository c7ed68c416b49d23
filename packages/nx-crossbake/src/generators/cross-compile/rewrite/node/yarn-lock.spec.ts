import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYarnLock } from './yarn-lock';
import type { Lockfile } from './lockfile';
import { platformDependence } from './platform-independence';

const fixture = (name: string) => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
const lockOf = (result: Lockfile | string): Lockfile => {
  if (typeof result === 'string') throw new Error(result);
  return result;
};

describe('parseYarnLock, v1', () => {
  it('reads each entry, leaving install scripts and platforms to the registry', () => {
    const lock = lockOf(parseYarnLock(fixture('yarn-v1.yarn.lock')));
    expect(lock).toEqual({
      label: 'yarn.lock v1',
      packages: [
        {
          key: 'ms@2.1.3',
          name: 'ms',
          version: '2.1.3',
          integrity: expect.stringMatching(/^sha512-6Flzub/),
          installScript: false,
          link: false,
          unrecorded: false,
          git: false,
          unknown: { scripts: true, platforms: true },
        },
      ],
    });
  });

  it('reads scoped names, several specs, resolved URLs without their #sha1, aliases, links and git', () => {
    const text = [
      '"@babel/core@^7.1.0", "@babel/core@^7.12.3":',
      '  version "7.12.10"',
      '  resolved "https://registry.yarnpkg.com/@babel/core/-/core-7.12.10.tgz#b79a2e1b9f70ed3d84bbfb6d8c4ef825f606bccd"',
      '  dependencies:',
      '    "@babel/code-frame" "^7.10.4"',
      '',
      '"string-width-cjs@npm:string-width@^4.2.0":',
      '  version "4.2.3"',
      '',
      '"local@file:../local":',
      '  version "1.0.0"',
      '',
      '"fork@github:me/fork#abc":',
      '  version "1.0.0"',
      '  resolved "https://codeload.github.com/me/fork/tar.gz/abc"',
      '',
    ].join('\n');
    const lock = lockOf(parseYarnLock(text));
    expect(lock.packages.map(({ name, version, resolved, link, git }) => ({ name, version, resolved, link, git }))).toEqual([
      {
        name: '@babel/core',
        version: '7.12.10',
        resolved: 'https://registry.yarnpkg.com/@babel/core/-/core-7.12.10.tgz',
        link: false,
        git: false,
      },
      { name: 'string-width', version: '4.2.3', resolved: undefined, link: false, git: false },
      { name: 'local', version: '1.0.0', resolved: undefined, link: true, git: false },
      { name: 'fork', version: '1.0.0', resolved: 'https://codeload.github.com/me/fork/tar.gz/abc', link: false, git: true },
    ]);
  });
});

describe('parseYarnLock, Berry', () => {
  const berry = [
    '__metadata:',
    '  version: 6',
    '  cacheKey: 8',
    '',
    '"fsevents@npm:^2.3.2":',
    '  version: 2.3.2',
    '  resolution: "fsevents@npm:2.3.2"',
    '  conditions: os=darwin',
    '  languageName: node',
    '  linkType: hard',
    '',
    '"fsevents@patch:fsevents@^2.3.2#~builtin<compat/fsevents>":',
    '  version: 2.3.2',
    '  resolution: "fsevents@patch:fsevents@npm%3A2.3.2#~builtin<compat/fsevents>::version=2.3.2&hash=18f3a7"',
    '  conditions: os=darwin',
    '  languageName: node',
    '  linkType: hard',
    '',
    '"@img/sharp-linux-arm64@npm:0.33.5":',
    '  version: 0.33.5',
    '  resolution: "@img/sharp-linux-arm64@npm:0.33.5"',
    '  conditions: os=linux & cpu=arm64 & libc=glibc',
    '  languageName: node',
    '  linkType: hard',
    '',
    '"app@workspace:.":',
    '  version: 0.0.0-use.local',
    '  resolution: "app@workspace:."',
    '  languageName: unknown',
    '  linkType: soft',
    '',
    '"lib@workspace:packages/lib":',
    '  version: 0.0.0-use.local',
    '  resolution: "lib@workspace:packages/lib"',
    '  languageName: unknown',
    '  linkType: soft',
    '',
  ].join('\n');

  it('reads conditions as platforms, patches as the package they patch, and workspaces as links; the project itself is not a package', () => {
    const lock = lockOf(parseYarnLock(berry));
    expect(lock.label).toBe('yarn.lock (Yarn 2+, format 6)');
    expect(lock.packages.map(({ name, version, os, cpu, libc, link }) => ({ name, version, os, cpu, libc, link }))).toEqual([
      { name: 'fsevents', version: '2.3.2', os: ['darwin'], cpu: undefined, libc: undefined, link: false },
      { name: 'fsevents', version: '2.3.2', os: ['darwin'], cpu: undefined, libc: undefined, link: false },
      { name: '@img/sharp-linux-arm64', version: '0.33.5', os: ['linux'], cpu: ['arm64'], libc: ['glibc'], link: false },
      { name: 'lib', version: undefined, os: undefined, cpu: undefined, libc: undefined, link: true },
    ]);
    expect(lock.packages.every((p) => p.unknown.scripts && !p.unknown.platforms)).toBe(true);
  });

  it('refuses what is not YAML', () => expect(parseYarnLock('__metadata:\n  version: [\n')).toMatch(/is not valid YAML/));
});

describe('parseYarnLock, Berry: what the lockfile does not settle', () => {
  const entry = (descriptor: string, resolution: string, extra = '') =>
    [`"${descriptor}":`, '  version: 1.0.0', `  resolution: "${resolution}"`, extra, '  linkType: hard', ''].filter(Boolean).join('\n');
  const lock = (...entries: string[]) => ['__metadata:', '  version: 8', '', ...entries].join('\n');

  it('keeps a condition it does not resolve as a limit, never as free', () => {
    const text = lock(entry('bin@npm:1.0.0', 'bin@npm:1.0.0', '  conditions: (os=linux | os=darwin) & !cpu=arm64'));
    const parsed = lockOf(parseYarnLock(text));
    expect(parsed.packages[0]).toMatchObject({ unresolvedLimit: '(os=linux | os=darwin) & !cpu=arm64' });
    expect(platformDependence(parsed, undefined, { get: () => ({ installScript: false }) })).toMatch(
      /bin@npm:1.0.0 is limited by `\(os=linux \| os=darwin\) & !cpu=arm64`, a condition this reading does not resolve/,
    );
  });

  it("names the registry .yarnrc.yml sends a package to, so a private scope's package is never read from npm's", () => {
    const text = lock(entry('@corp/x@npm:1.0.0', '@corp/x@npm:1.0.0'), entry('ms@npm:2.1.3', 'ms@npm:2.1.3'));
    const yarnrc = 'npmScopes:\n  corp:\n    npmRegistryServer: "https://npm.corp.example"\n';
    expect(lockOf(parseYarnLock(text, 'yarn.lock', yarnrc)).packages.map((p) => [p.name, p.resolved])).toEqual([
      ['@corp/x', 'https://npm.corp.example'],
      ['ms', undefined],
    ]);
    const everything = 'npmRegistryServer: https://npm.corp.example/\n';
    expect(lockOf(parseYarnLock(text, 'yarn.lock', everything)).packages.map((p) => p.resolved)).toEqual([
      'https://npm.corp.example/',
      'https://npm.corp.example/',
    ]);
  });

  it('reads a patch with a malformed escape without stopping', () => {
    const text = lock(entry('x@patch:x@npm%ZZ1.0.0#./p.patch', 'x@patch:x@npm%ZZ1.0.0#./p.patch::version=1.0.0'));
    expect(lockOf(parseYarnLock(text)).packages[0]).toMatchObject({ name: 'x', version: undefined });
  });
});
