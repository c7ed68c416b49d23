/**
 * Whether an install from this lockfile gives the same node_modules on every platform, so it may run once on
 * the build machine: nothing runs at install time (no package's install script, no native module built by
 * node-gyp, no root lifecycle script), nothing is limited by os/cpu/libc (the package manager would pick the
 * build machine's), and no package known to bring a per-platform binary. Anything that is not recorded
 * counts as a reason to refuse; a package no machine of the build installs (fsevents) counts for nothing.
 * What the lockfile does not record (install scripts in yarn.lock and pnpm-lock 9; platforms in yarn v1 and
 * package-lock v1) is taken from the registry's record of the pinned version, as npm itself does.
 */
import type { PackageRecords } from '../../../../lib/npm-registry/package-record';
import { registryVersion, type LockedPackage, type Lockfile } from './lockfile';
import { isPlatformBinaryPackage } from './platform-packages';

// The root project's scripts that npm runs on `npm ci`/`npm install`, and pnpm on `pnpm install`.
const ROOT_LIFECYCLE = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];
const SHOWN = 3;

/** Whether an `os`/`cpu` list (names allow, `!name` forbids, as npm reads package.json) lets none of `values` in. */
function excludesAll(list: readonly string[] | undefined, values: readonly string[]): boolean {
  if (!list?.length) return false;
  const allowed = list.filter((v) => !v.startsWith('!'));
  return values.every((v) => list.includes(`!${v}`) || (allowed.length > 0 && !allowed.includes(v)));
}

/**
 * A package that no machine of the build installs — its `os` leaves Linux out (fsevents: `darwin`), or its
 * `cpu` leaves out every target's and build machine's CPU (`loong64`) — is absent everywhere alike, and its
 * install script runs nowhere: it counts for nothing.
 */
function installedNowhere(pkg: LockedPackage, cpus: readonly string[]): boolean {
  return excludesAll(pkg.os, ['linux']) || excludesAll(pkg.cpu, cpus);
}

// Node's names (process.arch) of the CPUs a build machine has: the install moves to one of them.
const BUILD_MACHINES = ['x64', 'arm64'];
const NODE_ARCH: Record<string, string> = {
  amd64: 'x64',
  '386': 'ia32',
  ppc64le: 'ppc64',
  arm64: 'arm64',
  arm: 'arm',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
};

/** Node's CPU names for the targets (`linux/amd64` → x64) and the build machines; an unknown one keeps its name. */
export function nodeCpus(platforms: readonly string[]): string[] {
  return [...new Set([...BUILD_MACHINES, ...platforms.map((p) => NODE_ARCH[p.split('/')[1] ?? ''] ?? p.split('/')[1] ?? p)])];
}

/** Why the package ties node_modules to a platform; links are gathered apart (`links`). */
function problemOf(pkg: LockedPackage, cpus: readonly string[]): string | undefined {
  if (installedNowhere(pkg, cpus) || pkg.link) return undefined;
  if (pkg.unrecorded)
    return `${pkg.key} is bundled in another package or has its own shrinkwrap: the lockfile does not record its scripts or platforms`;
  if (pkg.git) return `${pkg.key} is installed from git, and the package manager runs its prepare script`;
  if (pkg.installScript) return `${pkg.key} runs an install script`;
  if (pkg.unresolvedLimit) return `${pkg.key} is limited by \`${pkg.unresolvedLimit}\`, a condition this reading does not resolve`;
  if (pkg.nativeBy) return `${pkg.key} depends on ${pkg.nativeBy}: it builds or loads a native module`;
  const limits = (['os', 'cpu', 'libc'] as const).filter((field) => pkg[field]?.length).map((field) => `${field} ${pkg[field]!.join(',')}`);
  if (limits.length) return `${pkg.key} is limited to ${limits.join(', ')}`;
  if (isPlatformBinaryPackage(pkg.name)) return `${pkg.key} is ${pkg.name}, which installs a binary for one platform`;
  return undefined;
}

/** The root project's own install-time steps, from its package.json; undefined when it has none. */
export function rootScriptProblem(packageJson: string, hasBindingGyp: boolean): string | undefined {
  let manifest: unknown;
  try {
    manifest = JSON.parse(packageJson);
  } catch {
    return 'package.json is not valid JSON';
  }
  const scripts = (manifest as { scripts?: Record<string, unknown> }).scripts ?? {};
  const run = ROOT_LIFECYCLE.filter((name) => typeof scripts[name] === 'string');
  if (run.length)
    return `package.json's ${run.map((s) => `\`${s}\``).join(', ')} script${run.length > 1 ? 's run' : ' runs'} the project's own code during the install`;
  if (hasBindingGyp || (manifest as { gypfile?: unknown }).gypfile === true)
    return 'the project itself is a native module (binding.gyp): the install compiles it with node-gyp';
  return undefined;
}

/**
 * The package with what its lockfile leaves out filled from the registry's record; a string when that record
 * is missing (why, or '' when it was never read). A package the lockfile already shows installed nowhere
 * needs no record.
 */
function completed(pkg: LockedPackage, cpus: readonly string[], records: PackageRecords | undefined): LockedPackage | string {
  const { scripts, platforms } = pkg.unknown;
  if ((!scripts && !platforms) || (!platforms && installedNowhere(pkg, cpus))) return pkg;
  const version = registryVersion(pkg);
  if (version === undefined) return pkg.link || pkg.git ? pkg : `${pkg.key}: its version is not recorded`;
  const record = records?.get(version);
  if (typeof record !== 'object') return record ?? '';
  const native = { nativeBy: record.nativeBy };
  return platforms
    ? { ...pkg, ...native, installScript: record.installScript, os: record.os, cpu: record.cpu, libc: record.libc }
    : { ...pkg, ...native, installScript: record.installScript };
}

/** `@esbuild/linux-arm64` → `@esbuild/*`, `lefthook-linux-x64` → `lefthook-*`: the name without its platform. */
function platformFamily(name: string): string | undefined {
  const slash = name.startsWith('@') ? name.indexOf('/') + 1 : 0;
  const m = name.slice(slash).match(/^(?:(.*?)-)?(?:linux|linuxmusl|darwin|win32|freebsd|openbsd|netbsd|android|sunos|aix)(?:-.*)?$/);
  return m ? `${name.slice(0, slash)}${m[1] ? `${m[1]}-` : ''}*` : undefined;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const listed = (items: readonly string[]) =>
  `${items.slice(0, SHOWN).join('; ')}${items.length > SHOWN ? `; and ${items.length - SHOWN} more` : ''}`;

/** Why node_modules from this lockfile may differ between platforms; undefined when the lockfile proves it cannot. */
export function platformDependence(
  lock: Lockfile,
  cpus: readonly string[] = BUILD_MACHINES,
  records?: PackageRecords,
  omitDev = false,
): string | undefined {
  const problems: string[] = [];
  const unread: string[] = [];
  // One package's builds for each platform (@esbuild/linux-arm64, @esbuild/linux-x64…) are one problem.
  const siblings = new Map<string, string[]>();
  // Without devDependencies, what only they need is never installed.
  for (const pkg of lock.packages.filter((p) => !(omitDev && p.dev))) {
    const full = completed(pkg, cpus, records);
    const problem = typeof full === 'string' ? undefined : problemOf(full, cpus);
    const family = problem?.includes(' is limited to ') ? platformFamily(pkg.name) : undefined;
    if (typeof full === 'string') unread.push(full);
    else if (family) siblings.set(family, [...(siblings.get(family) ?? []), problem!]);
    else if (problem) problems.push(problem);
  }
  for (const [family, each] of siblings)
    problems.push(each.length === 1 ? each[0] : `${family} (${each.length} packages) are each limited to one platform's os/cpu`);
  // Per-platform code first, the usual decisive reason; then the links, as one.
  const links = lock.packages.filter((p) => p.link && !(omitDev && p.dev)).map((p) => p.key);
  if (links.length)
    problems.push(
      `links ${links.length === 1 ? links[0] : `${links.length} folders (${links.slice(0, SHOWN).join(', ')}${links.length > SHOWN ? ', …' : ''})`} (a workspace or \`file:\` folder): ${links.length === 1 ? 'its' : 'their'} own node_modules and build output live outside node_modules`,
    );
  if (problems.length > 0) return `${lock.label}: ${listed(problems)}`;
  if (unread.length === 0) return undefined;
  const missing = lock.packages.find((p) => p.unknown.platforms) ? 'install scripts or os/cpu limits' : 'install scripts';
  const why = [...new Set(unread.filter(Boolean))];
  return `${lock.label} does not record ${missing}, and the registry's record of ${plural(unread.length, 'package')} was not read${why.length ? `: ${listed(why)}` : ''}`;
}
