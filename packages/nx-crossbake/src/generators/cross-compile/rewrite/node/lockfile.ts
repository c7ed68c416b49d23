/**
 * What a lockfile records about each package it installs, in one shape for npm and pnpm: enough to tell
 * whether node_modules would be the same on every platform. Lockfiles that do not record these facts are
 * refused here, with the reason, rather than read as "nothing platform-specific".
 *
 * package-lock.json / npm-shrinkwrap.json v2 and v3: https://docs.npmjs.com/cli/configuring-npm/package-lock-json
 * (`packages` keyed by install path; `hasInstallScript`, `os`, `cpu`, `libc`, `link`, `inBundle`,
 * `hasShrinkwrap`, `resolved`); v1 (npm 5 and 6) is a tree of `dependencies` that records none of the
 * install facts. pnpm-lock.yaml 5.x and 6.x: `packages` keyed by `/name/version` or `/name@version`, with
 * `requiresBuild`, `os`, `cpu`, `libc`, `resolution`; pnpm 9 removed `requiresBuild` from the lockfile
 * (pnpm/pnpm#7707), so lockfile 9.0 records platforms but not which packages build. What a lockfile does not
 * record is read from the registry's record of the pinned version (platform-independence.ts).
 */
import { parse as parseYaml } from 'yaml';
import type { PackageVersion } from '../../../../lib/npm-registry/package-record';

export interface LockedPackage {
  /** Where the lockfile puts it: `node_modules/a/node_modules/b` (npm), `/b@1.0.0` (pnpm). */
  key: string;
  name: string;
  /** The pinned version, where the registry's record can be read. */
  version?: string;
  resolved?: string;
  integrity?: string;
  installScript: boolean;
  /** From the registry's record: the native-addon dependency that shows it builds native code (package-record.ts). */
  nativeBy?: string;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  /** A symbolic link to a folder of the project (npm workspaces, `file:` folders, pnpm `link:`). */
  link: boolean;
  /** Comes inside another package's tarball, or with its own shrinkwrap: its facts are not the lockfile's. */
  unrecorded: boolean;
  /** Installed from a git repository: the package manager builds it (runs its prepare script). */
  git: boolean;
  /** Only devDependencies need it: an install without them (`--omit=dev`, `--prod`) leaves it out. */
  dev?: boolean;
  /** A platform condition this reading does not resolve (Berry's `(os=linux | os=darwin)`): a limit, kept whole. */
  unresolvedLimit?: string;
  /** The install facts this lockfile leaves out, to be read from the registry (false: the lockfile records them). */
  unknown: { scripts: boolean; platforms: boolean };
}

const RECORDED = { scripts: false, platforms: false };

/** The version the registry's record is read for; undefined for what is not a registry package. */
export function registryVersion(pkg: LockedPackage): PackageVersion | undefined {
  if (pkg.link || pkg.git || pkg.version === undefined) return undefined;
  return { name: pkg.name, version: pkg.version, resolved: pkg.resolved, integrity: pkg.integrity };
}

export interface Lockfile {
  /** `package-lock.json v3`, `pnpm-lock.yaml 6.0`: how messages name it. */
  label: string;
  packages: LockedPackage[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : undefined;
const GIT = /^(git\+|git:|github:|gitlab:|bitbucket:)/;

/** The package name from an npm install path: the part after the last `node_modules/`. */
const npmName = (key: string) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);

/** package-lock.json or npm-shrinkwrap.json (`file` names it in messages); a string says why it is refused. */
export function parsePackageLock(text: string, file = 'package-lock.json'): Lockfile | string {
  let lock: unknown;
  try {
    lock = JSON.parse(text);
  } catch (error) {
    return `${file} is not valid JSON (${(error as Error).message})`;
  }
  if (!isObject(lock)) return `${file} is not a lockfile object`;
  const version = lock.lockfileVersion;
  if (version === 1 || version === undefined) return readV1(lock, file);
  if (!isObject(lock.packages)) return `${file} (lockfileVersion ${String(version)}) has no "packages" section`;
  const packages: LockedPackage[] = [];
  for (const [key, raw] of Object.entries(lock.packages)) {
    if (key === '' || !isObject(raw)) continue;
    packages.push({
      key,
      name: typeof raw.name === 'string' ? raw.name : npmName(key),
      installScript: raw.hasInstallScript === true,
      os: strings(raw.os),
      cpu: strings(raw.cpu),
      libc: strings(raw.libc),
      link: raw.link === true || !key.includes('node_modules/'),
      unrecorded: raw.inBundle === true || raw.hasShrinkwrap === true,
      git: typeof raw.resolved === 'string' && GIT.test(raw.resolved),
      dev: raw.dev === true,
      unknown: RECORDED,
    });
  }
  return { label: `${file} v${String(version)}`, packages };
}

/**
 * lockfileVersion 1 (npm 5 and 6): `dependencies` nested as node_modules is, each with `version` (a
 * version, or the `file:`/git spec it came from), `resolved`, `integrity`, `bundled`. npm 6 still reads the
 * os/cpu limits and install scripts from each package's own manifest, so the registry's record stands in.
 */
function readV1(lock: Json, file: string): Lockfile | string {
  if (!isObject(lock.dependencies)) return `${file} (lockfileVersion 1) has no "dependencies" section`;
  const packages: LockedPackage[] = [];
  const walk = (dependencies: Json, parent: string) => {
    for (const [name, raw] of Object.entries(dependencies)) {
      if (!isObject(raw)) continue;
      const key = `${parent}node_modules/${name}`;
      const spec = typeof raw.version === 'string' ? raw.version : '';
      const resolved = typeof raw.resolved === 'string' ? raw.resolved : undefined;
      const tarball = /^file:.*\.(tgz|tar\.gz|tar)$/.test(spec);
      packages.push({
        key,
        name,
        version: spec.includes(':') && !tarball ? undefined : spec,
        resolved: tarball ? spec : resolved,
        integrity: typeof raw.integrity === 'string' ? raw.integrity : undefined,
        installScript: false,
        link: spec.startsWith('file:') && !tarball,
        unrecorded: raw.bundled === true,
        git: GIT.test(spec) || (resolved !== undefined && GIT.test(resolved)),
        dev: raw.dev === true,
        unknown: { scripts: true, platforms: true },
      });
      if (isObject(raw.dependencies)) walk(raw.dependencies, `${key}/`);
    }
  };
  walk(lock.dependencies, '');
  return { label: `${file} v1`, packages };
}

/** `/@scope/name@1.0.0(peer@2.0.0)` (6.x), `/@scope/name/1.0.0_peer@2.0.0` (5.x) → `@scope/name`. */
function pnpmName(key: string, major: number): string {
  const path = key.replace(/^\//, '').replace(/\(.*$/, '');
  if (major >= 6) return path.slice(0, path.indexOf('@', 1) > 0 ? path.indexOf('@', 1) : undefined);
  const parts = path.split('/');
  return parts.slice(0, path.startsWith('@') ? 2 : 1).join('/');
}

/** The version in a pnpm key after its name: `/a/1.0.0_peer@2` (5.x) and `/a@1.0.0(peer@2)` → `1.0.0`. */
function pnpmVersion(key: string, name: string): string | undefined {
  const rest = key.replace(/^\//, '').slice(name.length + 1);
  const version = rest.replace(/[(_].*$/, '');
  return /^\d+\.\d+\.\d+/.test(version) ? version : undefined;
}

/**
 * The `packages` keys a pnpm 9 install without devDependencies puts in place: every importer's
 * `dependencies` and `optionalDependencies`, then theirs through `snapshots` (keyed `name@version(peers)`,
 * where `packages` drops the peers).
 */
function prodSnapshots(lock: Json): Set<string> {
  const snapshots = isObject(lock.snapshots) ? lock.snapshots : {};
  const reached = new Set<string>();
  const edges = (deps: unknown) =>
    Object.entries(isObject(deps) ? deps : {}).flatMap(([name, value]) => {
      const version = isObject(value) ? value.version : value;
      if (typeof version !== 'string' || version.startsWith('link:')) return [];
      // A registry version (`1.0.0(peer@2)`), or a `file:`/URL/git one, is keyed after the name; an alias
      // (`npm:` in package.json) is written `real-name@1.0.0`, a key of its own.
      const alias = !/^\d/.test(version) && /^(@[^@/:]+\/)?[^@/:]+@\d/.test(version);
      return [alias ? version : `${name}@${version}`];
    });
  const queue = Object.values(isObject(lock.importers) ? lock.importers : {}).flatMap((importer) =>
    isObject(importer) ? [...edges(importer.dependencies), ...edges(importer.optionalDependencies)] : [],
  );
  for (let snapshot = queue.pop(); snapshot !== undefined; snapshot = queue.pop()) {
    if (reached.has(snapshot)) continue;
    reached.add(snapshot);
    const entry = snapshots[snapshot];
    if (isObject(entry)) queue.push(...edges(entry.dependencies), ...edges(entry.optionalDependencies));
  }
  return new Set([...reached].map((key) => key.replace(/\(.*$/, '')));
}

/** pnpm-lock.yaml; a string says why it is refused. */
export function parsePnpmLock(text: string, file = 'pnpm-lock.yaml'): Lockfile | string {
  let lock: unknown;
  try {
    lock = parseYaml(text);
  } catch (error) {
    return `${file} is not valid YAML (${(error as Error).message.split('\n')[0]})`;
  }
  if (!isObject(lock)) return `${file} is not a lockfile`;
  const version = String(lock.lockfileVersion ?? '');
  const major = Number.parseFloat(version);
  if (!(major >= 5)) return `${file} has lockfileVersion ${version || 'missing'}, older than any this rewrite reads (5.x, 6.x, 9.0)`;
  // Since 9.0 the lockfile no longer says which packages build (requiresBuild).
  const unknown = { scripts: major >= 7, platforms: false };
  const importers = isObject(lock.importers) ? Object.keys(lock.importers) : [];
  // 5.x/6.x mark dev-only packages; 9.0 leaves it to the graph, from the importers through `snapshots`.
  const prod = major >= 7 ? prodSnapshots(lock) : undefined;
  const packages: LockedPackage[] = importers
    .filter((importer) => importer !== '.')
    .map((importer) => ({
      key: importer,
      name: importer,
      installScript: false,
      link: true,
      unrecorded: false,
      git: false,
      unknown: RECORDED,
    }));
  for (const [key, raw] of Object.entries(isObject(lock.packages) ? lock.packages : {})) {
    if (!isObject(raw)) continue;
    const resolution = isObject(raw.resolution) ? raw.resolution : {};
    const name = typeof raw.name === 'string' ? raw.name : pnpmName(key, major);
    packages.push({
      key,
      name,
      version: typeof raw.version === 'string' ? raw.version : pnpmVersion(key, name),
      resolved:
        typeof resolution.tarball === 'string'
          ? resolution.tarball
          : typeof resolution.directory === 'string'
            ? `file:${resolution.directory}`
            : undefined,
      integrity: typeof resolution.integrity === 'string' ? resolution.integrity : undefined,
      installScript: raw.requiresBuild === true,
      os: strings(raw.os),
      cpu: strings(raw.cpu),
      libc: strings(raw.libc),
      // A `file:` folder: its own package.json, not the registry's, says what it runs.
      link: typeof resolution.directory === 'string',
      unrecorded: false,
      git:
        resolution.type === 'git' ||
        typeof resolution.repo === 'string' ||
        (typeof resolution.tarball === 'string' && /^(git|https:\/\/codeload\.github\.com)/.test(resolution.tarball)),
      unknown,
      dev: prod ? !prod.has(key) : raw.dev === true,
    });
  }
  return { label: `${file} ${version}`, packages };
}
