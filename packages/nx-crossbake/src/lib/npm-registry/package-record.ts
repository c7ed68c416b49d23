/**
 * What the npm registry's record of one published version says about installing it: whether the package
 * manager runs a script of it at install time, and which platforms may install it. These are the fields npm
 * itself copies into a v2/v3 package-lock (`hasInstallScript`, `os`, `cpu`, `libc`) from the same record
 * (https://docs.npmjs.com/cli/configuring-npm/package-lock-json); lockfiles that do not copy them (yarn.lock,
 * package-lock v1, pnpm-lock 9) leave them to be read here.
 */
export interface PackageRecord {
  /** A preinstall, install or postinstall script, or a binding.gyp that npm builds with node-gyp. */
  installScript: boolean;
  /** The dependency that shows it builds or loads native code without a script of its own (`nan`, `bindings`…). */
  nativeBy?: string;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  /** The tarball's integrity the registry publishes (`dist.integrity`), to match against the lockfile's. */
  integrity?: string;
}

/** One version a lockfile pins, and where it came from when the lockfile says. */
export interface PackageVersion {
  name: string;
  version: string;
  /** The tarball URL the lockfile resolved (yarn `resolved`, npm `resolved`), when it records one. */
  resolved?: string;
  /** The lockfile's integrity (`sha512-…`), when it records one. */
  integrity?: string;
}

/** What a rewrite may know of the registry: a record, why none could be read, or undefined when never asked. */
export interface PackageRecords {
  get(pkg: PackageVersion): PackageRecord | string | undefined;
}

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];
/**
 * A binding.gyp alone makes npm and Yarn run `node-gyp rebuild`, and the registry's record does not list the
 * tarball's files (heapdump 0.3.15 publishes neither a script nor `gypfile`). Such a package depends on the
 * headers or the loader of native addons: that dependency is the sign read here.
 */
const NATIVE_TOOLING = [
  'nan',
  'node-addon-api',
  'bindings',
  'node-gyp-build',
  'prebuild-install',
  'node-pre-gyp',
  '@mapbox/node-pre-gyp',
  'cmake-js',
];
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : undefined;

/**
 * The record from a version's manifest as the registry serves it (`GET /<name>/<version>`). npm counts a
 * package with a binding.gyp as having an install script (`node-gyp rebuild`); publishing writes that as
 * `gypfile: true` or as the install script itself, and the abbreviated document says `hasInstallScript`.
 */
export function readPackageRecord(manifest: unknown): PackageRecord | string {
  if (!isObject(manifest) || typeof manifest.version !== 'string') return 'the registry answered something that is not a package version';
  const scripts = isObject(manifest.scripts) ? manifest.scripts : {};
  const dist = isObject(manifest.dist) ? manifest.dist : {};
  const dependencies = isObject(manifest.dependencies) ? manifest.dependencies : {};
  return {
    nativeBy: NATIVE_TOOLING.find((name) => name in dependencies),
    installScript:
      manifest.hasInstallScript === true || manifest.gypfile === true || INSTALL_SCRIPTS.some((s) => typeof scripts[s] === 'string'),
    os: strings(manifest.os),
    cpu: strings(manifest.cpu),
    libc: strings(manifest.libc),
    integrity: typeof dist.integrity === 'string' ? dist.integrity : undefined,
  };
}

/** Whether two integrity strings name different tarballs: an algorithm both give disagrees. */
export function integrityDiffers(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const byAlgorithm = (text: string) =>
    new Map(
      text
        .split(/\s+/)
        .filter(Boolean)
        .map((h) => [h.slice(0, h.indexOf('-')), h] as const),
    );
  const left = byAlgorithm(a);
  const right = byAlgorithm(b);
  const shared = [...left.keys()].filter((k) => right.has(k));
  return shared.some((k) => left.get(k) !== right.get(k));
}
