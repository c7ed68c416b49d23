/**
 * Reads one `npm ci` / `npm install` / `pnpm install` command for the move to the build platform: it must
 * install exactly the lockfile into `./node_modules`. Flags are allowed only when they are known not to
 * change where or what is installed beyond the lockfile's choice (`--omit=dev`, `--frozen-lockfile`, log
 * options); any other flag, and any package named on the command line, is a reason to leave the step.
 * npm: https://docs.npmjs.com/cli/commands/npm-ci, pnpm: https://pnpm.io/cli/install.
 */
import { LEFT_AS_ADVICE } from '../move-verdict';

export type PackageManager = 'npm' | 'pnpm' | 'yarn';

export interface InstallCommand {
  manager: PackageManager;
  /** `ci` or `install`. */
  subcommand: string;
  /** Installs without devDependencies: npm `--omit=dev`/`--production`/`--only=prod`, pnpm `--prod`/`-P`. */
  omitDev: boolean;
}

// A boolean flag written `--production=false` turns itself off; `--include=dev` wins over `--omit=dev` (npm).
const on = (value: string | undefined) => value === undefined || value === 'true';
const OMITS_DEV: Record<PackageManager, (name: string, value: string | undefined) => boolean> = {
  npm: (name, value) =>
    (name === 'omit' && value === 'dev') ||
    (name === 'production' && on(value)) ||
    (name === 'only' && /^prod(uction)?$/.test(value ?? '')),
  pnpm: (name, value) => (name === 'prod' || name === 'production' || name === 'P') && on(value),
  // yarn.lock marks nothing dev-only: a yarn install counts whole, `--production` or not.
  yarn: () => false,
};

// Flags that take their value as the next word when not written `--flag=value`.
const VALUED: Record<PackageManager, ReadonlySet<string>> = {
  npm: new Set(['omit', 'include', 'only', 'loglevel', 'cache', 'registry', 'fetch-retries', 'fetch-timeout']),
  pnpm: new Set(['reporter', 'loglevel', 'store-dir', 'registry', 'network-concurrency', 'child-concurrency']),
  yarn: new Set(['network-timeout', 'network-concurrency', 'registry']),
};
const ALLOWED: Record<PackageManager, ReadonlySet<string>> = {
  npm: new Set([
    ...VALUED.npm,
    'production',
    'no-optional',
    'no-audit',
    'audit',
    'no-fund',
    'fund',
    'prefer-offline',
    'offline',
    'prefer-online',
    'legacy-peer-deps',
    'strict-peer-deps',
    'no-progress',
    'progress',
    'no-update-notifier',
    'quiet',
    'silent',
    'verbose',
    'q',
    's',
    'd',
    'dd',
    'ddd',
    'no-color',
    'color',
    'foreground-scripts',
    'no-save',
  ]),
  pnpm: new Set([
    ...VALUED.pnpm,
    'frozen-lockfile',
    'prefer-frozen-lockfile',
    'prod',
    'production',
    'P',
    'dev',
    'D',
    'no-optional',
    'offline',
    'prefer-offline',
    'silent',
    's',
    'strict-peer-dependencies',
    'no-strict-peer-dependencies',
    'no-color',
    'color',
  ]),
  yarn: new Set([
    ...VALUED.yarn,
    'frozen-lockfile',
    'immutable',
    'pure-lockfile',
    'prefer-offline',
    'offline',
    'non-interactive',
    'silent',
    'verbose',
    'no-progress',
    'ignore-engines',
    'check-files',
    'check-cache',
    'inline-builds',
    'production',
  ]),
};

/** The install from its words (wrappers already removed), or why it cannot move. */
export function readInstallCommand(words: readonly string[]): InstallCommand | string {
  const [command = '', ...args] = words;
  const manager = command.slice(command.lastIndexOf('/') + 1) as PackageManager;
  // A wrapper in front (`nice npm ci`, `sudo npm ci`): its words are not the install's.
  if (!Object.hasOwn(ALLOWED, manager))
    return `\`${words.join(' ')}\`: the install runs through \`${command}\`, which this rewrite does not read`;
  // A global install puts a tool (pnpm, a CLI) beside Node, not the project's node_modules: not this rewrite's.
  if (args.some((a) => a === '-g' || a === '--global' || a === '--location=global'))
    return `${LEFT_AS_ADVICE}\`${words.join(' ')}\` installs a tool globally, not the project's node_modules: it stays where it is`;
  const positional: string[] = [];
  let subcommand: string | undefined;
  let omitDev = false;
  let includeDev = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const flag = arg.match(/^--?([A-Za-z][\w-]*)(=.*)?$/s);
    if (!flag) {
      if (subcommand === undefined) subcommand = arg === 'i' ? 'install' : arg;
      else positional.push(arg);
      continue;
    }
    const [, name, inline] = flag;
    if (!ALLOWED[manager].has(name))
      return `\`${arg}\`: a flag this rewrite does not know to leave the install in ./node_modules, as the lockfile says`;
    const valued = inline === undefined && VALUED[manager].has(name);
    const value = valued ? args[i + 1] : inline?.slice(1);
    omitDev ||= OMITS_DEV[manager](name, value);
    includeDev ||= (name === 'include' && value === 'dev') || (name === 'dev' && on(value)) || name === 'D';
    if (valued) i++;
  }
  if (positional.length) return `\`${manager} ${subcommand} ${positional.join(' ')}\` installs packages the lockfile may not hold`;
  return { manager, subcommand: subcommand ?? 'install', omitDev: omitDev && !includeDev };
}
