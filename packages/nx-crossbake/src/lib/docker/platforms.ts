/**
 * Platform strings read as buildx reads them: containerd's `platforms.Parse` then `Normalize`, printed with
 * `Format`, as buildx v0.36.1 util/platformutil/parse.go applies them (a list entry may hold several,
 * comma-separated). Follows containerd/platforms v1.0.0-rc.4 (09756f5, the version buildx v0.36.1 pins),
 * platforms.go and database.go; the spec holds its TestParseSelector cases. So `linux/arm` is
 * `linux/arm/v7`, `linux/arm64/v8` is `linux/arm64`, `linux/aarch64` is `linux/arm64`, `macos` is
 * `darwin`, and what normalizes to one platform is built once. Normalized here, once: the builder check,
 * QEMU and the summary all see the same form buildx and BuildKit use.
 *
 * Departures, all refused with what to write instead:
 * - a lone OS or architecture (`linux`, `arm64`), and buildx's `local`: containerd fills the rest in from
 *   the machine it runs on, so one project.json would build different images on a laptop and in CI;
 * - an OS or architecture containerd does not know (`plan10/amd64`, `linux/mips64el`): upstream accepts
 *   any well-formed name; we suggest the known one meant, since BuildKit has no worker for it;
 * - OS options (`windows(10.0.17763)/amd64`): buildx v0.36.1 drops them, so bake's platforms are compared
 *   and printed without them (buildx after v0.36.1 keeps them: revisit when it is the oldest supported).
 */

// containerd's isKnownOS / isKnownArch (Go's syslist).
const KNOWN_OS = [
  'aix',
  'android',
  'darwin',
  'dragonfly',
  'freebsd',
  'hurd',
  'illumos',
  'ios',
  'js',
  'linux',
  'nacl',
  'netbsd',
  'openbsd',
  'plan9',
  'solaris',
  'windows',
  'zos',
];
const KNOWN_ARCH = [
  '386',
  'amd64',
  'amd64p32',
  'arm',
  'armbe',
  'arm64',
  'arm64be',
  'ppc64',
  'ppc64le',
  'loong64',
  'mips',
  'mipsle',
  'mips64',
  'mips64le',
  'mips64p32',
  'mips64p32le',
  'ppc',
  'riscv',
  'riscv64',
  's390',
  's390x',
  'sparc',
  'sparc64',
  'wasm',
];
// Shown when nothing better can be suggested: what images are commonly built for.
const COMMON_OS = ['linux', 'windows', 'darwin', 'freebsd'];
const COMMON_ARCH = ['amd64', 'arm64', 'arm', '386', 'ppc64le', 's390x', 'riscv64', 'mips64le', 'mips64', 'loong64'];

// Spellings containerd does not normalize, but whose meaning is clear: `uname -m`, distribution names.
const OS_MEANT: Record<string, string> = { osx: 'darwin', mac: 'darwin', win: 'windows', win32: 'windows' };
const ARCH_MEANT: Record<string, [string, string]> = {
  armv5: ['arm', 'v5'],
  armv5l: ['arm', 'v5'],
  armv5tel: ['arm', 'v5'],
  armv6: ['arm', 'v6'],
  armv6l: ['arm', 'v6'],
  armv7: ['arm', 'v7'],
  armv7l: ['arm', 'v7'],
  armv7hl: ['arm', 'v7'],
  armv8: ['arm64', ''],
  armv8l: ['arm64', ''],
  arm64v8: ['arm64', ''],
  x64: ['amd64', ''],
  x86: ['386', ''],
  i586: ['386', ''],
  i686: ['386', ''],
  ia32: ['386', ''],
  ppc64el: ['ppc64le', ''],
  loongarch64: ['loong64', ''],
  mips64el: ['mips64le', ''],
  mipsel: ['mipsle', ''],
};

const OS_COMPONENT = /^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.%-]*)((?:\+[A-Za-z0-9_.%-]+)*)\))?$/;
const COMPONENT = /^[A-Za-z0-9_.-]+$/;

/** containerd's normalizeOS (an empty OS, the host's there, cannot reach here). */
const normalizeOs = (os: string) => (os.toLowerCase() === 'macos' ? 'darwin' : os.toLowerCase());

/** containerd's normalizeArch: aliases to the Go name, and the variant each architecture leaves implicit. */
function normalizeArch(archIn: string, variantIn: string): [string, string] {
  const arch = archIn.toLowerCase();
  const variant = variantIn.toLowerCase();
  switch (arch) {
    case 'i386':
      return ['386', ''];
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      return ['amd64', variant === 'v1' ? '' : variant];
    case 'aarch64':
    case 'arm64':
      if (['8', 'v8', 'v8.0'].includes(variant)) return ['arm64', ''];
      return ['arm64', ['9', '9.0', 'v9.0'].includes(variant) ? 'v9' : variant];
    case 'armhf':
      return ['arm', 'v7'];
    case 'armel':
      return ['arm', 'v6'];
    case 'arm':
      if (variant === '' || variant === '7') return ['arm', 'v7'];
      return ['arm', ['5', '6', '8'].includes(variant) ? `v${variant}` : variant];
    default:
      return [arch, variant];
  }
}

const format = (os: string, arch: string, variant: string) => [os, arch, variant].filter((p) => p !== '').join('/');

type PlatformReading = { platform: string; problem?: undefined } | { platform?: undefined; problem: string };

/** One platform string, normalized, or why it cannot be used (with what was probably meant). */
export function normalizePlatform(specifier: string): PlatformReading {
  const bad = (why: string): PlatformReading => ({ problem: `platform '${specifier}' ${why}` });
  const form = "is not of the form 'os/arch[/variant]', e.g. 'linux/arm64' or 'linux/arm/v7'";
  if (specifier.includes('*')) return bad("has a wildcard: list each platform, e.g. 'linux/amd64'");
  const parts = specifier.split('/');
  if (parts.length > 3) return bad(form);
  const os = OS_COMPONENT.exec(parts[0]);
  if (!os || parts.slice(1).some((p) => !COMPONENT.test(p))) return bad(form);
  if (os[2] !== undefined)
    return bad(
      `has OS options '(${os[2]}${os[3]})', which nx-crossbake does not pass on: write '${format(normalizeOs(os[1]), ...normalizeArch(parts[1] ?? 'amd64', parts[2] ?? ''))}'`,
    );

  if (parts.length === 1) {
    const [arch, variant] = normalizeArch(parts[0], '');
    if (KNOWN_OS.includes(normalizeOs(parts[0]))) {
      return bad(
        `names no architecture (buildx would take this machine's, which differs between laptops and CI): write e.g. '${normalizeOs(parts[0])}/amd64'`,
      );
    }
    const meant = KNOWN_ARCH.includes(arch) ? [arch, variant] : ARCH_MEANT[arch];
    return bad(
      meant ? `names no OS (buildx would take this machine's): did you mean '${format('linux', ...(meant as [string, string]))}'?` : form,
    );
  }

  const osName = normalizeOs(os[1]);
  const [arch, variant] = normalizeArch(parts[1], parts[2] ?? '');
  if (!KNOWN_OS.includes(osName)) {
    const meant = OS_MEANT[osName];
    return bad(
      `has an unknown OS '${parts[0]}'${meant ? `: did you mean '${format(meant, arch, variant)}'?` : ` (e.g. ${COMMON_OS.join(', ')})`}`,
    );
  }
  if (!KNOWN_ARCH.includes(arch)) {
    const meant = ARCH_MEANT[arch];
    return bad(
      `has an unknown architecture '${parts[1]}'${meant ? `: did you mean '${format(osName, ...meant)}'?` : ` (e.g. ${COMMON_ARCH.join(', ')})`}`,
    );
  }
  return { platform: format(osName, arch, variant) };
}

/**
 * Every platform normalized, in the order given, each once; a problem for each that cannot be used. An
 * entry holding a comma-separated list is read as its platforms, as buildx's platformutil.Parse does.
 */
export function normalizePlatforms(specifiers: readonly string[], problems: string[]): string[] {
  const platforms: string[] = [];
  for (const specifier of specifiers.flatMap((s) => s.split(','))) {
    const reading = normalizePlatform(specifier);
    if (reading.problem !== undefined) problems.push(reading.problem);
    else if (!platforms.includes(reading.platform)) platforms.push(reading.platform);
  }
  return platforms;
}

/**
 * Only Linux binaries are ever run by QEMU. BuildKit still makes images for other OSes (darwin, windows,
 * freebsd) from `FROM scratch` + COPY, without running anything; a RUN step there fails in that target.
 */
export const isLinuxPlatform = (platform: string) => platform.toLowerCase().startsWith('linux/');

/** `linux/arm/v7` → `linux/arm`: one emulator serves every variant. */
export const platformFamily = (platform: string) => platform.toLowerCase().split('/').slice(0, 2).join('/');
