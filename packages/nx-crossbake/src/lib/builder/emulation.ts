/**
 * Which platforms a machine runs natively, which need QEMU, and what binfmt_misc says is registered.
 * binfmt entries are matched by the ELF header they claim (class, byte order, machine), not by their
 * name, since installers name them differently (qemu-aarch64, aarch64, …).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLinuxPlatform, platformFamily } from '../docker/platforms';

export interface BinfmtEntry {
  name: string;
  enabled: boolean;
  interpreter?: string;
  flags: string;
  /** The platform whose binaries this entry runs, when its magic is an ELF header we know. */
  platform?: string;
}

interface Arch {
  platform: string;
  /** The name tonistiigi/binfmt's `--install` takes. */
  installName: string;
  elf: { class64: boolean; littleEndian: boolean; machine: number };
}

// Every emulator tonistiigi/binfmt can register (cmd/binfmt/config.go `configs`), in its order, with the ELF
// header its binfmt_misc entry matches. e_machine values: https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.eheader.html
const ARCHES: Arch[] = [
  { platform: 'linux/amd64', installName: 'amd64', elf: { class64: true, littleEndian: true, machine: 0x3e } },
  { platform: 'linux/arm64', installName: 'arm64', elf: { class64: true, littleEndian: true, machine: 0xb7 } },
  { platform: 'linux/arm', installName: 'arm', elf: { class64: false, littleEndian: true, machine: 0x28 } },
  { platform: 'linux/s390x', installName: 's390x', elf: { class64: true, littleEndian: false, machine: 0x16 } },
  { platform: 'linux/ppc64le', installName: 'ppc64le', elf: { class64: true, littleEndian: true, machine: 0x15 } },
  { platform: 'linux/riscv64', installName: 'riscv64', elf: { class64: true, littleEndian: true, machine: 0xf3 } },
  { platform: 'linux/386', installName: '386', elf: { class64: false, littleEndian: true, machine: 0x03 } },
  { platform: 'linux/mips64le', installName: 'mips64le', elf: { class64: true, littleEndian: true, machine: 0x08 } },
  { platform: 'linux/mips64', installName: 'mips64', elf: { class64: true, littleEndian: false, machine: 0x08 } },
  { platform: 'linux/loong64', installName: 'loong64', elf: { class64: true, littleEndian: true, machine: 0x102 } },
];

/** The emulators the installer knows, by their `--install` name. */
export const EMULATOR_NAMES: readonly string[] = ARCHES.map((a) => a.installName);

function platformOfMagic(magicHex: string): string | undefined {
  const bytes = magicHex.match(/../g)?.map((b) => parseInt(b, 16)) ?? [];
  if (bytes.length < 20 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) return undefined;
  const class64 = bytes[4] === 2;
  const littleEndian = bytes[5] === 1;
  const machine = littleEndian ? bytes[18] | (bytes[19] << 8) : (bytes[18] << 8) | bytes[19];
  return ARCHES.find((a) => a.elf.class64 === class64 && a.elf.littleEndian === littleEndian && a.elf.machine === machine)?.platform;
}

/** Parses one file of /proc/sys/fs/binfmt_misc/. */
export function parseBinfmtEntry(name: string, text: string): BinfmtEntry {
  const lines = text.split('\n').map((l) => l.trim());
  const value = (key: string) =>
    lines
      .find((l) => l.startsWith(`${key} `) || l.startsWith(`${key}:`))
      ?.slice(key.length + 1)
      .trim();
  const magic = value('magic');
  return {
    name,
    enabled: lines[0] === 'enabled',
    interpreter: value('interpreter'),
    flags: value('flags') ?? '',
    platform: magic ? platformOfMagic(magic) : undefined,
  };
}

export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';

/** Every entry of binfmt_misc whose file can be read; none when it is not mounted. */
export function readBinfmtEntries(dir = BINFMT_DIR): BinfmtEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n !== 'register' && n !== 'status');
  } catch {
    return []; // not mounted: nothing registered
  }
  return names.flatMap((name) => {
    try {
      return [parseBinfmtEntry(name, readFileSync(join(dir, name), 'utf8'))];
    } catch {
      return [];
    }
  });
}

/**
 * binfmt_misc as one run sees it: read once, whatever number of builders the run sets up, and read again only
 * after an emulator was registered (then binfmt_misc, read again, is the truth).
 */
export class BinfmtSnapshot {
  private entries?: BinfmtEntry[];

  constructor(private readonly readEntries: () => BinfmtEntry[] = () => readBinfmtEntries()) {}

  read(): BinfmtEntry[] {
    return (this.entries ??= this.readEntries());
  }

  reread(): BinfmtEntry[] {
    this.entries = undefined;
    return this.read();
  }

  /** The platforms registered emulators serve (enabled, with the F flag): what a builder's readiness depends on here. */
  servedPlatforms(): string[] {
    return [
      ...new Set(
        this.read()
          .filter((e) => e.enabled && e.flags.includes('F') && e.platform)
          .map((e) => e.platform!),
      ),
    ].sort();
  }
}

const archOf = (platform: string) => ARCHES.find((a) => a.platform === platformFamily(platform));

/** Whether the installer has an emulator for this Linux platform (every variant of an architecture shares one). */
export const canEmulate = (platform: string) => archOf(platform) !== undefined;

// Node's process.arch → the OCI platform(s) it runs. Node names ppc64le `ppc64` (it supports no big-endian ppc64).
const NATIVE: Record<string, string[]> = {
  x64: ['linux/amd64', 'linux/386'],
  ia32: ['linux/386'],
  arm64: ['linux/arm64'],
  arm: ['linux/arm'],
  ppc64: ['linux/ppc64le'],
};

/** The platforms this machine runs without an emulator. */
export function nativePlatforms(nodeArch: string = process.arch): string[] {
  return NATIVE[nodeArch] ?? [`linux/${nodeArch}`];
}

/**
 * Linux platforms of `requested` that are neither native nor served by an enabled emulator with the F flag.
 * F ("fix binary") makes the kernel open the interpreter at registration, so it works inside containers
 * and build sandboxes that do not have the emulator's file: without it, builds fail with "exec format error".
 */
export function platformsNeedingEmulator(
  requested: readonly string[],
  entries: readonly BinfmtEntry[],
  native: readonly string[],
): string[] {
  const served = new Set([
    ...native.map(platformFamily),
    ...entries.filter((e) => e.enabled && e.flags.includes('F') && e.platform).map((e) => e.platform!),
  ]);
  return requested.filter((p) => isLinuxPlatform(p) && !served.has(platformFamily(p)));
}

/** Entries that serve a platform but lack the F flag: reported, since they break builds in containers. */
export function entriesWithoutFixBinary(entries: readonly BinfmtEntry[]): BinfmtEntry[] {
  return entries.filter((e) => e.enabled && e.platform && !e.flags.includes('F'));
}

/** The names tonistiigi/binfmt's `--install` takes for these platforms, e.g. `arm64,arm`; none for what it cannot emulate. */
export function emulatorInstallNames(platforms: readonly string[]): string[] {
  return [...new Set(platforms.flatMap((p) => archOf(p)?.installName ?? []))];
}

/** Platforms grouped by the emulator that serves them: `linux/arm/v6` and `linux/arm/v7` share one. */
export function byEmulator(platforms: readonly string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const p of platforms) groups.set(platformFamily(p), [...(groups.get(platformFamily(p)) ?? []), p]);
  return [...groups.values()];
}
