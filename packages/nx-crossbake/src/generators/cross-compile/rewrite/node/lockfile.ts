/**
 * What a lockfile records about each package it installs, in one shape for npm and pnpm: enough to tell
 * whether node_modules would be the same on every platform. Lockfiles that do not record these facts are
 * refused here, with the reason, rather than read as "nothing platform-specific".
 *
 * package-lock.json / npm-shrinkwrap.json v2 and v3: https://docs.npmjs.com/cli/configuring-npm/package-lock-json
 * (`packages` keyed by install path; `hasInstallScript`, `os`, `cpu`, `libc`, `link`, `inBundle`,
 * `hasShrinkwrap`, `resolved`). pnpm-lock.yaml 5.x and 6.x: `packages` keyed by `/name/version` or
 * `/name@version`, with `requiresBuild`, `os`, `cpu`, `libc`, `resolution`; pnpm 9 removed `requiresBuild`
 * from the lockfile (pnpm/pnpm#7707), so lockfile 9.0 cannot tell which packages build.
 */
import { parse as parseYaml } from 'yaml';

export interface LockedPackage {
  /** Where the lockfile puts it: `node_modules/a/node_modules/b` (npm), `/b@1.0.0` (pnpm). */
  key: string;
  name: string;
  installScript: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  /** A symbolic link to a folder of the project (npm workspaces, `file:` folders, pnpm `link:`). */
  link: boolean;
  /** Comes inside another package's tarball, or with its own shrinkwrap: its facts are not the lockfile's. */
  unrecorded: boolean;
  /** Installed from a git repository: the package manager builds it (runs its prepare script). */
  git: boolean;
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
  if (version === 1 || version === undefined) {
    return `${file} is lockfileVersion ${version ?? 'missing (npm 5/6)'}: v1 records no install scripts or os/cpu limits; run \`npm install --package-lock-only\` with npm 7 or later to write v3`;
  }
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
    });
  }
  return { label: `${file} v${String(version)}`, packages };
}

/** `/@scope/name@1.0.0(peer@2.0.0)` (6.x), `/@scope/name/1.0.0_peer@2.0.0` (5.x) → `@scope/name`. */
function pnpmName(key: string, major: number): string {
  const path = key.replace(/^\//, '').replace(/\(.*$/, '');
  if (major >= 6) return path.slice(0, path.indexOf('@', 1) > 0 ? path.indexOf('@', 1) : undefined);
  const parts = path.split('/');
  return parts.slice(0, path.startsWith('@') ? 2 : 1).join('/');
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
  if (!(major >= 5)) return `${file} has lockfileVersion ${version || 'missing'}, older than any this rewrite reads (5.x, 6.x)`;
  if (major >= 7) {
    return `${file} is lockfileVersion ${version}: since pnpm 9 the lockfile no longer records which packages run install scripts (requiresBuild), so nothing proves node_modules the same on every platform`;
  }
  const importers = isObject(lock.importers) ? Object.keys(lock.importers) : [];
  const packages: LockedPackage[] = importers
    .filter((importer) => importer !== '.')
    .map((importer) => ({ key: importer, name: importer, installScript: false, link: true, unrecorded: false, git: false }));
  for (const [key, raw] of Object.entries(isObject(lock.packages) ? lock.packages : {})) {
    if (!isObject(raw)) continue;
    const resolution = isObject(raw.resolution) ? raw.resolution : {};
    packages.push({
      key,
      name: typeof raw.name === 'string' ? raw.name : pnpmName(key, major),
      installScript: raw.requiresBuild === true,
      os: strings(raw.os),
      cpu: strings(raw.cpu),
      libc: strings(raw.libc),
      link: false,
      unrecorded: false,
      git:
        resolution.type === 'git' ||
        typeof resolution.repo === 'string' ||
        (typeof resolution.tarball === 'string' && /^(git|https:\/\/codeload\.github\.com)/.test(resolution.tarball)),
    });
  }
  return { label: `${file} ${version}`, packages };
}

/** yarn.lock, v1 or Berry: neither records install scripts or native modules, so it is always refused. */
export function yarnLockReason(text: string): string {
  const berry = /^__metadata:/m.test(text);
  return berry
    ? 'yarn.lock (Yarn 2+) records os/cpu conditions but not which packages run install scripts or build native modules'
    : 'yarn.lock v1 records no install scripts, native modules or os/cpu limits, so nothing proves node_modules the same on every platform';
}
