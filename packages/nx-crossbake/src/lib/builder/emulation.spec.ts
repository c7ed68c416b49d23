import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BinfmtSnapshot,
  byEmulator,
  canEmulate,
  emulatorInstallNames,
  entriesWithoutFixBinary,
  nativePlatforms,
  parseBinfmtEntry,
  platformsNeedingEmulator,
  readBinfmtEntries,
  type BinfmtEntry,
} from './emulation';

const fixture = (name: string) => readFileSync(join(__dirname, '..', '__fixtures__', name), 'utf8');

const entry = (platform: string, flags = 'F', enabled = true): BinfmtEntry => ({ name: `qemu-${platform}`, enabled, flags, platform });

describe('parseBinfmtEntry', () => {
  it.each([
    [
      'binfmt-qemu-aarch64.txt',
      { enabled: true, flags: 'PF', platform: 'linux/arm64', interpreter: '/usr/libexec/qemu-binfmt/aarch64-binfmt-P' },
    ],
    ['binfmt-qemu-arm.txt', { enabled: true, flags: 'PF', platform: 'linux/arm', interpreter: '/usr/libexec/qemu-binfmt/arm-binfmt-P' }],
    ['binfmt-installer-aarch64.txt', { enabled: true, flags: 'F', platform: 'linux/arm64', interpreter: '/usr/bin/qemu-aarch64-static' }],
  ])('reads the recorded %s', (file, expected) => {
    expect(parseBinfmtEntry('x', fixture(file))).toEqual({ name: 'x', ...expected });
  });

  // The magic each emulator of tonistiigi/binfmt registers (cmd/binfmt/config.go), as the kernel prints it.
  it.each([
    ['7f454c4602010100000000000000000002003e00', 'linux/amd64'],
    ['7f454c460201010000000000000000000200b700', 'linux/arm64'],
    ['7f454c4601010100000000000000000002002800', 'linux/arm'],
    ['7f454c4602020100000000000000000000020016', 'linux/s390x'],
    ['7f454c4602010100000000000000000002001500', 'linux/ppc64le'],
    ['7f454c460201010000000000000000000200f300', 'linux/riscv64'],
    ['7f454c4601010100000000000000000002000300', 'linux/386'],
    ['7f454c4602010100000000000000000002000800', 'linux/mips64le'],
    ['7f454c4602020100000000000000000000020008', 'linux/mips64'],
    ['7f454c4602010100000000000000000002000201', 'linux/loong64'],
    ['4d5a', undefined],
    ['7f454c4602010100000000000000000002009900', undefined],
    ['7f454c4601020100000000000000000000020008', undefined], // 32-bit big-endian MIPS: no emulator for it
  ])('knows magic %s as %s', (magic, platform) => {
    expect(parseBinfmtEntry('x', `enabled\ninterpreter /q\nflags: F\noffset 0\nmagic ${magic}\n`).platform).toBe(platform);
  });

  it('reads a disabled entry as disabled', () => {
    expect(parseBinfmtEntry('x', fixture('binfmt-qemu-arm.txt').replace('enabled', 'disabled')).enabled).toBe(false);
  });
});

describe('platformsNeedingEmulator', () => {
  const amd64 = nativePlatforms('x64');
  it.each([
    ['everything native', ['linux/amd64', 'linux/386'], [], []],
    ['arm needs QEMU when nothing is registered', ['linux/amd64', 'linux/arm64', 'linux/arm/v7'], [], ['linux/arm64', 'linux/arm/v7']],
    ['one emulator serves every arm variant', ['linux/arm/v6', 'linux/arm/v7'], [entry('linux/arm')], []],
    ['an entry without F does not count', ['linux/arm64'], [entry('linux/arm64', 'P')], ['linux/arm64']],
    ['a disabled entry does not count', ['linux/arm64'], [entry('linux/arm64', 'F', false)], ['linux/arm64']],
    ['registered ones are not asked again', ['linux/arm64', 'linux/s390x'], [entry('linux/arm64', 'POCF')], ['linux/s390x']],
    ['other OSes never run under QEMU', ['darwin/arm64', 'windows/arm64', 'freebsd/riscv64', 'linux/arm64'], [], ['linux/arm64']],
  ])('%s', (_name, requested, entries, needed) => {
    expect(platformsNeedingEmulator(requested, entries, amd64)).toEqual(needed);
  });

  it('on an arm64 host, amd64 is the foreign one', () => {
    expect(platformsNeedingEmulator(['linux/amd64', 'linux/arm64'], [], nativePlatforms('arm64'))).toEqual(['linux/amd64']);
  });
});

describe('emulatorInstallNames', () => {
  it.each([
    [
      ['linux/arm64', 'linux/arm/v7', 'linux/arm/v6'],
      ['arm64', 'arm'],
    ],
    [
      ['linux/riscv64', 'linux/s390x', 'linux/ppc64le', 'linux/386', 'linux/amd64'],
      ['riscv64', 's390x', 'ppc64le', '386', 'amd64'],
    ],
    [
      ['linux/mips64', 'linux/mips64le', 'linux/loong64'],
      ['mips64', 'mips64le', 'loong64'],
    ],
    // Nothing to install for what no emulator runs: the builder check reports it.
    [['linux/sparc64', 'darwin/arm64', 'windows/amd64', 'linux/arm64'], ['arm64']],
  ])('%j → %j', (platforms, names) => expect(emulatorInstallNames(platforms)).toEqual(names));
});

describe('canEmulate', () => {
  it.each([
    ['linux/amd64/v3', true],
    ['linux/arm/v6', true],
    ['linux/mips64', true],
    ['linux/sparc64', false],
    ['darwin/arm64', false],
    ['windows/amd64', false],
  ])('%s → %s', (platform, expected) => expect(canEmulate(platform)).toBe(expected));
});

describe('nativePlatforms', () => {
  it.each([
    ['x64', ['linux/amd64', 'linux/386']],
    ['ia32', ['linux/386']],
    ['arm64', ['linux/arm64']],
    ['arm', ['linux/arm']],
    ['ppc64', ['linux/ppc64le']],
    ['s390x', ['linux/s390x']],
    ['riscv64', ['linux/riscv64']],
  ])("Node's %s runs %j", (arch, platforms) => expect(nativePlatforms(arch)).toEqual(platforms));
});

describe('byEmulator', () => {
  it('groups the variants one emulator serves, in first-seen order', () => {
    expect(byEmulator(['linux/arm/v7', 'linux/s390x', 'linux/arm/v6'])).toEqual([['linux/arm/v7', 'linux/arm/v6'], ['linux/s390x']]);
  });
});

describe('readBinfmtEntries', () => {
  it('reads every entry of the folder but register and status', () => {
    const dir = mkdtempSync(join(tmpdir(), 'binfmt-'));
    writeFileSync(join(dir, 'register'), '');
    writeFileSync(join(dir, 'status'), 'enabled');
    writeFileSync(join(dir, 'qemu-aarch64'), fixture('binfmt-qemu-aarch64.txt'));
    expect(readBinfmtEntries(dir).map((e) => [e.name, e.platform])).toEqual([['qemu-aarch64', 'linux/arm64']]);
  });

  it('reads nothing when binfmt_misc is not mounted', () => {
    expect(readBinfmtEntries(join(tmpdir(), 'no-such-binfmt-dir'))).toEqual([]);
  });
});

describe('entriesWithoutFixBinary', () => {
  it('lists enabled emulators that lack F', () => {
    const entries = [entry('linux/arm64', 'P'), entry('linux/arm', 'F'), entry('linux/s390x', 'P', false)];
    expect(entriesWithoutFixBinary(entries).map((e) => e.platform)).toEqual(['linux/arm64']);
  });
});

describe('BinfmtSnapshot', () => {
  it('reads binfmt_misc once, however often it is asked, and again only when told to', () => {
    let reads = 0;
    const registered = [entry('linux/arm64')];
    const snapshot = new BinfmtSnapshot(() => {
      reads++;
      return [...registered];
    });
    snapshot.read();
    snapshot.read();
    expect(snapshot.servedPlatforms()).toEqual(['linux/arm64']);
    expect(reads).toBe(1);
    registered.push(entry('linux/arm'), entry('linux/s390x', 'P'), entry('linux/riscv64', 'F', false));
    expect(snapshot.read()).toHaveLength(1);
    expect(snapshot.reread()).toHaveLength(4);
    // only enabled entries with the F flag serve a platform in a build container
    expect(snapshot.servedPlatforms()).toEqual(['linux/arm', 'linux/arm64']);
    expect(reads).toBe(2);
  });
});
