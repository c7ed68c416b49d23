import { isLinuxPlatform, normalizePlatform, normalizePlatforms } from './platforms';

const normalized = (specifier: string) => normalizePlatform(specifier).platform;
const problem = (specifier: string) => normalizePlatform(specifier).problem;

/**
 * containerd/platforms platforms_test.go, TestParseSelector: each `os/arch[/variant]` input, and every
 * platform its matcher matches, is one platform; here its Format(Normalize(…)), the form buildx builds
 * and prints (util/platformutil.Parse).
 */
const CONTAINERD_SELECTORS: [string, string, string[]][] = [
  ['linux/arm64', 'linux/arm64', ['linux/aarch64', 'linux/aarch64/v8', 'linux/arm64/v8']],
  ['linux/arm64/v8', 'linux/arm64', ['linux/aarch64', 'linux/aarch64/v8', 'linux/arm64']],
  ['linux/arm', 'linux/arm/v7', ['linux/arm/v7', 'linux/armhf', 'linux/arm/7']],
  ['linux/arm/v6', 'linux/arm/v6', ['linux/armel']],
  ['linux/arm/v7', 'linux/arm/v7', ['linux/arm', 'linux/armhf']],
  ['Linux/x86_64', 'linux/amd64', []],
  ['linux/s390x', 'linux/s390x', []],
];

describe('normalizePlatform follows containerd', () => {
  it.each(CONTAINERD_SELECTORS)('%s is %s, as are its matches %j', (input, platform, matches) => {
    expect(normalized(input)).toBe(platform);
    for (const match of matches) expect([match, normalized(match)]).toEqual([match, platform]);
  });

  // containerd's normalizeArch / normalizeOS (database.go), one row per branch.
  it.each([
    ['linux/i386', 'linux/386'],
    ['linux/i386/v2', 'linux/386'],
    ['linux/x86-64', 'linux/amd64'],
    ['linux/amd64/v1', 'linux/amd64'],
    ['linux/amd64/v2', 'linux/amd64/v2'],
    ['linux/x86_64/v3', 'linux/amd64/v3'],
    ['linux/aarch64', 'linux/arm64'],
    ['linux/arm64/8', 'linux/arm64'],
    ['linux/arm64/v8.0', 'linux/arm64'],
    ['linux/arm64/9', 'linux/arm64/v9'],
    ['linux/arm64/v9.0', 'linux/arm64/v9'],
    ['linux/armhf/v6', 'linux/arm/v7'],
    ['linux/armel', 'linux/arm/v6'],
    ['linux/arm/7', 'linux/arm/v7'],
    ['linux/arm/5', 'linux/arm/v5'],
    ['linux/arm/6', 'linux/arm/v6'],
    ['linux/arm/8', 'linux/arm/v8'],
    ['linux/ARM/V7', 'linux/arm/v7'],
    ['LINUX/AMD64', 'linux/amd64'],
    ['macos/arm64', 'darwin/arm64'],
    ['macOS/arm64', 'darwin/arm64'],
    ['windows/amd64', 'windows/amd64'],
    ['freebsd/amd64', 'freebsd/amd64'],
    ['linux/riscv64', 'linux/riscv64'],
    ['linux/mips64', 'linux/mips64'],
    ['linux/loong64', 'linux/loong64'],
  ])('%s is %s', (input, platform) => {
    expect(normalizePlatform(input)).toEqual({ platform });
  });

  // containerd's TestParseSelectorInvalid, and wildcards (not supported there either).
  it.each(['', '/linux/arm', 'linux/arm/', 'linux /arm', 'linux/&arm', 'linux/arm/foo/bar', '*', 'linux/*', 'linux//arm'])(
    'refuses %j as containerd does',
    (input) => {
      expect(problem(input)).toMatch(/^platform '.*' (is not of the form 'os\/arch\[\/variant\]'|has a wildcard)/);
    },
  );
});

// What buildx v0.36.1 builds for each (containerd/platforms v1.0.0-rc.4 Parse, then Normalize, then Format),
// from the issue #19 port review; `null`: upstream refuses it too.
describe('containerd/platforms v1.0.0-rc.4 through buildx v0.36.1 util/platformutil', () => {
  it.each<[string, string | null]>([
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/arm/v6', 'linux/arm/v6'],
    ['Linux/x86_64', 'linux/amd64'],
    ['linux/armhf', 'linux/arm/v7'],
    ['linux/armel', 'linux/arm/v6'],
    ['linux/arm/7', 'linux/arm/v7'],
    ['linux/arm/5', 'linux/arm/v5'],
    ['linux/arm/v8', 'linux/arm/v8'],
    ['linux/amd64/v1', 'linux/amd64'],
    ['linux/amd64/v2', 'linux/amd64/v2'],
    ['linux/arm64/9', 'linux/arm64/v9'],
    ['linux/aarch64/v8.0', 'linux/arm64'],
    ['linux/i386/v2', 'linux/386'],
    ['macOS/arm64', 'darwin/arm64'],
    ['linux/ARM64/V8', 'linux/arm64'],
    ['', null],
    ['/linux/arm', null],
    ['linux/arm/', null],
    ['linux /arm', null],
    ['linux/&arm', null],
    ['linux/arm/foo/bar', null],
    ['*/arm64', null],
    ['linux/*', null],
  ])('%j → %s', (input, platform) => expect(normalized(input) ?? null).toBe(platform));

  it('reads an entry holding a comma-separated list as its platforms, as buildx splits it', () => {
    const problems: string[] = [];
    expect(normalizePlatforms(['linux/amd64,linux/arm64', 'linux/arm64,linux/arm'], problems)).toEqual([
      'linux/amd64',
      'linux/arm64',
      'linux/arm/v7',
    ]);
    expect(problems).toEqual([]);
    expect(normalizePlatforms(['linux/amd64,,linux/armv7'], problems)).toEqual(['linux/amd64']);
    expect(problems).toEqual([expect.stringContaining("platform ''"), expect.stringContaining("platform 'linux/armv7'")]);
  });

  // Documented departures (see platforms.ts): upstream accepts these, we refuse with a hint.
  it.each([
    ['arm', "names no OS (buildx would take this machine's)"],
    ['linux', 'names no architecture'],
    ['local', "is not of the form 'os/arch[/variant]'"],
    ['linux/mips64el', "did you mean 'linux/mips64le'?"],
    ['plan10/amd64', "has an unknown OS 'plan10'"],
    ['windows(10.0.17763)/amd64', "write 'windows/amd64'"],
  ])('departure: refuses %s (%s)', (input, message) => expect(problem(input)).toContain(message));
});

describe('normalizePlatform refuses, saying what to write instead', () => {
  it.each([
    // Known to containerd only with the machine's own OS or architecture filled in.
    ['arm64', "names no OS (buildx would take this machine's): did you mean 'linux/arm64'?"],
    ['aarch64', "did you mean 'linux/arm64'?"],
    ['x86_64', "did you mean 'linux/amd64'?"],
    ['armhf', "did you mean 'linux/arm/v7'?"],
    ['armel', "did you mean 'linux/arm/v6'?"],
    ['i386', "did you mean 'linux/386'?"],
    ['armv7l', "did you mean 'linux/arm/v7'?"],
    ['linux', "names no architecture (buildx would take this machine's, which differs between laptops and CI): write e.g. 'linux/amd64'"],
    ['macOS', "names no architecture (buildx would take this machine's, which differs between laptops and CI): write e.g. 'darwin/amd64'"],
    ['local', "is not of the form 'os/arch[/variant]'"],
    // OS options, which bake's platforms do not carry.
    ['windows(10.0.17763)/amd64', "has OS options '(10.0.17763)', which nx-crossbake does not pass on: write 'windows/amd64'"],
    ['linux(+gpu)/arm64', "has OS options '(+gpu)', which nx-crossbake does not pass on: write 'linux/arm64'"],
    // Names containerd does not normalize into a known platform.
    ['linux/armv7', "has an unknown architecture 'armv7': did you mean 'linux/arm/v7'?"],
    ['linux/armv6l', "did you mean 'linux/arm/v6'?"],
    ['linux/arm64v8', "did you mean 'linux/arm64'?"],
    ['linux/x64', "did you mean 'linux/amd64'?"],
    ['linux/i686', "did you mean 'linux/386'?"],
    ['linux/ppc64el', "did you mean 'linux/ppc64le'?"],
    ['linux/loongarch64', "did you mean 'linux/loong64'?"],
    ['linux/sparkle', "has an unknown architecture 'sparkle' (e.g. amd64, arm64, arm, 386"],
    ['osx/arm64', "has an unknown OS 'osx': did you mean 'darwin/arm64'?"],
    ['ubuntu/amd64', "has an unknown OS 'ubuntu' (e.g. linux, windows, darwin, freebsd)"],
  ])('%s: %s', (input, message) => {
    expect(problem(input)?.startsWith(`platform '${input}' `)).toBe(true);
    expect(problem(input)).toContain(message);
  });
});

describe('normalizePlatforms', () => {
  it('normalizes each platform and keeps the first of those that are one platform', () => {
    const problems: string[] = [];
    expect(
      normalizePlatforms(['linux/arm64', 'linux/arm', 'linux/amd64', 'linux/arm/v7', 'linux/aarch64', 'linux/amd64/v1'], problems),
    ).toEqual(['linux/arm64', 'linux/arm/v7', 'linux/amd64']);
    expect(problems).toEqual([]);
  });

  it('reports each platform it cannot use and keeps the others', () => {
    const problems: string[] = [];
    expect(normalizePlatforms(['linux/amd64', 'linux/armv7', 'arm64'], problems)).toEqual(['linux/amd64']);
    expect(problems).toEqual([expect.stringContaining("platform 'linux/armv7'"), expect.stringContaining("platform 'arm64'")]);
  });
});

describe('normalizePlatform: what it accepts and refuses', () => {
  it.each([
    'linux/amd64',
    'linux/arm64',
    'linux/arm/v7',
    'linux/arm',
    'linux/arm64/v8',
    'linux/aarch64',
    'Linux/x86_64',
    'linux/386',
    'windows/amd64',
    'darwin/arm64',
  ])('accepts %s (containerd normalizes it)', (platform) => expect(normalizePlatform(platform).problem).toBeUndefined());

  it.each([
    ['linux', 'names no architecture'],
    ['linux/', "not of the form 'os/arch[/variant]'"],
    ['linux/arm/v7/x', "not of the form 'os/arch[/variant]'"],
    ['linux/armv7', "did you mean 'linux/arm/v7'?"],
    ['linux/sparkle', "unknown architecture 'sparkle'"],
    ['ubuntu/amd64', "unknown OS 'ubuntu'"],
  ])('rejects %s', (platform, message) => {
    expect(normalizePlatform(platform).problem).toContain(message);
  });
});

describe('isLinuxPlatform', () => {
  it.each([
    ['linux/arm/v7', true],
    ['darwin/arm64', false],
    ['windows/amd64', false],
    ['freebsd/amd64', false],
  ])('%s → %s', (platform, expected) => expect(isLinuxPlatform(platform)).toBe(expected));
});
