/**
 * Whether an install from this lockfile gives the same node_modules on every platform, so it may run once on
 * the build machine: nothing runs at install time (no package's install script, no native module built by
 * node-gyp, no root lifecycle script), nothing is limited by os/cpu/libc (the package manager would pick the
 * build machine's), and no package known to bring a per-platform binary. Anything that is not recorded
 * counts as a reason to refuse.
 */
import type { LockedPackage, Lockfile } from './lockfile';
import { isPlatformBinaryPackage } from './platform-packages';

// The root project's scripts that npm runs on `npm ci`/`npm install`, and pnpm on `pnpm install`.
const ROOT_LIFECYCLE = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];
const SHOWN = 3;

function problemOf(pkg: LockedPackage): string | undefined {
  if (pkg.link)
    return `links ${pkg.key} (a workspace or \`file:\` folder): its own node_modules and build output live outside node_modules`;
  if (pkg.unrecorded)
    return `${pkg.key} is bundled in another package or has its own shrinkwrap: the lockfile does not record its scripts or platforms`;
  if (pkg.git) return `${pkg.key} is installed from git, and the package manager runs its prepare script`;
  if (pkg.installScript) return `${pkg.key} runs an install script`;
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

/** Why node_modules from this lockfile may differ between platforms; undefined when the lockfile proves it cannot. */
export function platformDependence(lock: Lockfile): string | undefined {
  const problems = lock.packages.flatMap((pkg) => problemOf(pkg) ?? []);
  if (problems.length === 0) return undefined;
  const more = problems.length > SHOWN ? `; and ${problems.length - SHOWN} more` : '';
  return `${lock.label}: ${problems.slice(0, SHOWN).join('; ')}${more}`;
}
