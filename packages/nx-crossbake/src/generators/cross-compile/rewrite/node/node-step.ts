/**
 * One RUN that installs Node packages, judged for the move to a build-platform stage. It moves only when
 * the lockfile the stage copied from the build context proves node_modules the same on every platform
 * (platform-independence.ts); then node_modules is what the original stage copies back, plus the lockfile
 * for an install that may rewrite it (`npm install`, `pnpm install`). Anything else the RUN would leave
 * behind would not reach that stage, so the RUN may hold nothing but the install and commands that steer it.
 */
import { posix } from 'node:path';
import type { DockerfileInstruction } from '../../../../lib/dockerfile/instructions';
import { parseRunCommands, unwrapEnv } from '../../../../lib/advisor/run-commands';
import { detectHeavyTool } from '../../../../lib/advisor/heavy-steps';
import { runMounts } from '../../../../lib/dockerfile/run-mounts';
import { LEFT_AS_ADVICE, refuse, type MoveVerdict } from '../move-verdict';
import { afterCd } from '../image-paths';
import { commandName, sideEffectsOf, splitRedirects } from '../shell-effects';
import { contextSourceOf, type BuildContext, type StageCopy } from './context-copies';
import { readInstallCommand, type InstallCommand, type PackageManager } from './install-command';
import type { PackageRecords } from '../../../../lib/npm-registry/package-record';
import { parsePackageLock, parsePnpmLock, type Lockfile } from './lockfile';
import { parseYarnLock } from './yarn-lock';
import { nodeCpus, platformDependence, rootScriptProblem } from './platform-independence';

export interface NodeContext extends BuildContext {
  /** The context folder, workspace-relative, for messages. */
  root: string;
  /** Lockfiles in folders above the context (workspace-relative): the reason a COPY finds none. */
  outside: readonly string[];
}

interface NodeStepFacts {
  workdir: string | undefined;
  /** The stage's COPY/ADD instructions before this step. */
  copies: readonly StageCopy[];
  context?: NodeContext;
  /** The target's platforms: which CPUs a package must run on. */
  platforms: readonly string[];
  records?: PackageRecords;
  /** A later `prune` leaves only what production needs, whatever the install took (whole-stage.ts). */
  prunedToProduction?: boolean;
  /** The image's npm is 6, which ignores `--omit=dev`: the install takes the devDependencies too. */
  npm6?: boolean;
}

const INSTALL_TOOLS = new Set(['npm ci', 'npm install', 'pnpm install', 'yarn install']);
export const LOCKFILES: Record<PackageManager, readonly string[]> = {
  // npm prefers the shrinkwrap when both exist.
  npm: ['npm-shrinkwrap.json', 'package-lock.json'],
  pnpm: ['pnpm-lock.yaml'],
  yarn: ['yarn.lock'],
};
const NOT_RECEIVED = '(it receives node_modules only): give the install a RUN of its own';

export function isNodeInstall(tool: string): boolean {
  return INSTALL_TOOLS.has(tool);
}

/**
 * The install of the RUN and the folder it runs in, with every problem of the RUN's shape; without an
 * install, why (a global tool's install is advice).
 */
function readRun(
  run: DockerfileInstruction,
  lines: readonly string[],
  escape: string,
  workdir: string | undefined,
): { install: InstallCommand; dir: string | undefined; problems: string[] } | string {
  let cwd = workdir;
  let found: { install: InstallCommand; dir: string | undefined } | undefined;
  const problems: string[] = [];
  // `npm install -g pnpm`: a tool for the image stage as well, not the project's install.
  let globalTool: string | undefined;
  for (const words of parseRunCommands(run, lines, escape).map(unwrapEnv)) {
    if (commandName(words) === 'cd') {
      cwd = afterCd(cwd, words[1]);
      continue;
    }
    const tool = detectHeavyTool(words);
    if (tool === undefined || !INSTALL_TOOLS.has(tool)) {
      const written = sideEffectsOf(words, cwd);
      if (typeof written === 'string') problems.push(`${written} ${NOT_RECEIVED}`);
      else if (written.length > 0)
        problems.push(`the RUN also writes \`${written[0]}\`, which the final stage would not receive ${NOT_RECEIVED}`);
      continue;
    }
    const { words: plain, writes } = splitRedirects(words);
    const install = readInstallCommand(plain);
    if (typeof install === 'string' && install.startsWith(LEFT_AS_ADVICE)) {
      globalTool = install;
      continue;
    }
    if (writes.length > 0) problems.push(`the install writes to \`${writes[0]}\`, which the final stage would not receive`);
    if (found) problems.push('the RUN installs twice: give each install a RUN of its own');
    else if (typeof install === 'string') problems.push(install);
    else found = { install, dir: cwd };
  }
  if (found && globalTool)
    problems.push(
      `the RUN also installs a tool globally (\`${globalTool.match(/`([^`]*)`/)?.[1]}\`), which the image stage needs as well: give the project's install a RUN of its own`,
    );
  if (!found) return problems[0] ?? globalTool ?? 'no install found in the RUN';
  return { ...found, problems: [...new Set(problems)] };
}

/** The folder the RUN's project install puts node_modules in (its WORKDIR after any `cd`); undefined when unknown. */
export function installDirOf(
  run: DockerfileInstruction,
  lines: readonly string[],
  escape: string,
  workdir: string | undefined,
): string | undefined {
  const read = readRun(run, lines, escape, workdir);
  return typeof read === 'string' ? undefined : read.dir;
}

const PARSERS: Record<PackageManager, (text: string, file: string, yarnrc?: string) => Lockfile | string> = {
  npm: parsePackageLock,
  pnpm: parsePnpmLock,
  yarn: parseYarnLock,
};

/** Berry's default linker, Plug'n'Play, installs into .pnp.cjs and .yarn/, not node_modules. */
function berryLinkerProblem(yarnrc: string | undefined): string | undefined {
  const linker = yarnrc?.match(/^nodeLinker:\s*["']?([\w-]+)/m)?.[1];
  if (linker === 'node-modules') return undefined;
  return `Yarn 2+ installs with ${linker ?? "Plug'n'Play (no `nodeLinker: node-modules` in a .yarnrc.yml copied before the install)"}, which writes .pnp.cjs and .yarn/ rather than node_modules: this rewrite moves node_modules only`;
}

/** The context path a bind mount of the RUN (`--mount=type=bind,source=…,target=…`) puts at an image path. */
export function mountedFrom(run: DockerfileInstruction, escape: string, workdir: string | undefined): (path: string) => string | undefined {
  const mounts = runMounts(run.args, escape)
    .filter((m) => m.type === 'bind' && m.from === undefined && m.target !== undefined)
    .map((m) => ({ source: posix.normalize(`./${m.source ?? '.'}`), target: posix.resolve(workdir ?? '/', m.target!) }))
    .reverse();
  return (path) => {
    for (const { source, target } of mounts) {
      const inside = posix.relative(target, path);
      if (inside === '') return source;
      if (!inside.startsWith('..') && !posix.isAbsolute(inside)) return posix.join(source, inside);
    }
    return undefined;
  };
}

/** The lockfile the install reads (its name in `dir`) when it proves node_modules the same everywhere; else every problem. */
function judgeLockfile(
  install: InstallCommand,
  dir: string,
  facts: NodeStepFacts,
  escape: string,
  mounted: (path: string) => string | undefined,
): { lockfile: string; mounted: boolean } | { problems: string[] } {
  const { context } = facts;
  if (context === undefined) return { problems: ['the build context is not known, so neither is the lockfile'] };
  // A file the RUN bind-mounts from the context (`docker init`'s Node template), else the one the copies left.
  const copied = (name: string) => {
    const source = mounted(posix.join(dir, name));
    return source !== undefined && context.isFile(source) ? source : contextSourceOf(posix.join(dir, name), facts.copies, context, escape);
  };
  // Messages name files as the workspace does.
  const shown = (path: string) => posix.join(context.root, path);

  const names = LOCKFILES[install.manager];
  const name = names.find((n) => copied(n) !== undefined);
  if (name === undefined) {
    const outside = context.outside.find((path) => names.includes(posix.basename(path)));
    const why =
      install.manager === 'npm' && install.subcommand === 'install'
        ? '`npm install` without a lockfile resolves versions at build time: commit package-lock.json and COPY it with package.json before the install'
        : outside
          ? `the lockfile ${outside} is outside the build context (${context.root}): the image never sees it, so nothing proves node_modules the same on every platform`
          : `no ${names.join(' or ')} reaches ${dir} from the build context before the install: COPY the lockfile with package.json`;
    return { problems: [why] };
  }
  const lockSource = copied(name)!;
  const lockText = context.read(lockSource) ?? '';
  const yarnrcSource = install.manager === 'yarn' ? copied('.yarnrc.yml') : undefined;
  const yarnrc = yarnrcSource === undefined ? undefined : context.read(yarnrcSource);
  const lock = PARSERS[install.manager](lockText, shown(lockSource), yarnrc);
  if (typeof lock === 'string') return { problems: [lock] };
  if (install.manager === 'yarn' && /^__metadata:/m.test(lockText)) {
    const linker = berryLinkerProblem(yarnrc);
    if (linker) return { problems: [linker] };
  }
  const manifest = copied('package.json');
  if (manifest === undefined) return { problems: [`no package.json reaches ${dir} from the build context before the install`] };
  const root = rootScriptProblem(context.read(manifest) ?? '', context.isFile(posix.join(posix.dirname(manifest), 'binding.gyp')));
  const omitDev = (install.omitDev && !(install.manager === 'npm' && facts.npm6)) || facts.prunedToProduction === true;
  const dependence = platformDependence(lock, nodeCpus(facts.platforms), facts.records, omitDev);
  const problems = [root && `${shown(manifest)}: ${root}`, dependence].filter((p): p is string => Boolean(p));
  if (problems.length === 0 && lock.packages.length === 0)
    problems.push(`${shown(lockSource)} installs no package: there is nothing to move`);
  return problems.length ? { problems } : { lockfile: name, mounted: lockSource === mounted(posix.join(dir, name)) };
}

export function judgeNodeStep(run: DockerfileInstruction, lines: readonly string[], escape: string, facts: NodeStepFacts): MoveVerdict {
  const read = readRun(run, lines, escape, facts.workdir);
  if (typeof read === 'string') return refuse(read);
  const { install, dir } = read;
  const judged =
    dir === undefined
      ? { problems: ['the working directory of the install is unknown: set WORKDIR in the stage'] }
      : judgeLockfile(install, dir, facts, escape, mountedFrom(run, escape, facts.workdir));
  // Every problem at once, the RUN's own first: fixing one alone would not let the install move.
  const problems = [...read.problems, ...('problems' in judged ? judged.problems : [])];
  if (problems.length > 0 || !('lockfile' in judged) || dir === undefined) return refuse(problems.join('; and '));
  // `npm install`, `pnpm install` and `yarn` may rewrite the lockfile; `npm ci` never does.
  const rewrites = install.subcommand === 'install';
  return {
    ok: true,
    // A bind-mounted lockfile is never in the image: nothing of it to copy back.
    artifacts: [posix.join(dir, 'node_modules'), ...(rewrites && !judged.mounted ? [posix.join(dir, judged.lockfile)] : [])],
    rewrite: (text) => [...text],
    prelude: [],
  };
}
