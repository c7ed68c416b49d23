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
  context: NodeContext | undefined;
  /** The target's platforms: which CPUs a package must run on. */
  platforms: readonly string[];
  records?: PackageRecords;
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

/** The install of the RUN and the folder it runs in, or why the RUN cannot move. */
function readRun(
  run: DockerfileInstruction,
  lines: readonly string[],
  escape: string,
  workdir: string | undefined,
): { install: InstallCommand; dir: string } | string {
  let cwd = workdir;
  let found: { install: InstallCommand; dir: string | undefined } | undefined;
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
      if (typeof written === 'string') return `${written} ${NOT_RECEIVED}`;
      if (written.length > 0) return `the RUN also writes \`${written[0]}\`, which the final stage would not receive ${NOT_RECEIVED}`;
      continue;
    }
    const { words: plain, writes } = splitRedirects(words);
    const install = readInstallCommand(plain);
    if (typeof install === 'string' && install.startsWith(LEFT_AS_ADVICE)) {
      globalTool = install;
      continue;
    }
    if (found) return 'the RUN installs twice: give each install a RUN of its own';
    if (writes.length > 0) return `the install writes to \`${writes[0]}\`, which the final stage would not receive`;
    if (typeof install === 'string') return install;
    found = { install, dir: cwd };
  }
  if (found && globalTool)
    return `the RUN also installs a tool globally (\`${globalTool.match(/`([^`]*)`/)?.[1]}\`), which the image stage needs as well: give the project's install a RUN of its own`;
  if (!found) return globalTool ?? 'no install found in the RUN';
  if (found.dir === undefined) return 'the working directory of the install is unknown: set WORKDIR in the stage';
  return { install: found.install, dir: found.dir };
}

const PARSERS: Record<PackageManager, (text: string, file: string) => Lockfile | string> = {
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

export function judgeNodeStep(run: DockerfileInstruction, lines: readonly string[], escape: string, facts: NodeStepFacts): MoveVerdict {
  const read = readRun(run, lines, escape, facts.workdir);
  if (typeof read === 'string') return refuse(read);
  const { install, dir } = read;
  const { context } = facts;
  if (context === undefined) return refuse('the build context is not known, so neither is the lockfile');
  const copied = (name: string) => contextSourceOf(posix.join(dir, name), facts.copies, context, escape);
  // Messages name files as the workspace does.
  const shown = (path: string) => posix.join(context.root, path);

  const names = LOCKFILES[install.manager];
  const name = names.find((n) => copied(n) !== undefined);
  if (name === undefined) {
    if (install.manager === 'npm' && install.subcommand === 'install') {
      return refuse(
        '`npm install` without a lockfile resolves versions at build time: commit package-lock.json and COPY it with package.json before the install',
      );
    }
    const outside = context.outside.find((path) => names.includes(posix.basename(path)));
    if (outside)
      return refuse(
        `the lockfile ${outside} is outside the build context (${context.root}): the image never sees it, so nothing proves node_modules the same on every platform`,
      );
    return refuse(`no ${names.join(' or ')} reaches ${dir} from the build context before the install: COPY the lockfile with package.json`);
  }
  const lockSource = copied(name)!;
  const lockText = context.read(lockSource) ?? '';
  const lock = PARSERS[install.manager](lockText, shown(lockSource));
  if (typeof lock === 'string') return refuse(lock);
  if (install.manager === 'yarn' && /^__metadata:/m.test(lockText)) {
    const yarnrc = copied('.yarnrc.yml');
    const linker = berryLinkerProblem(yarnrc === undefined ? undefined : context.read(yarnrc));
    if (linker) return refuse(linker);
  }

  const manifest = copied('package.json');
  if (manifest === undefined) return refuse(`no package.json reaches ${dir} from the build context before the install`);
  const root = rootScriptProblem(context.read(manifest) ?? '', context.isFile(posix.join(posix.dirname(manifest), 'binding.gyp')));
  const dependence = platformDependence(lock, nodeCpus(facts.platforms), facts.records);
  // Both, when both: fixing the first alone would not let the install move.
  const problems = [root && `${shown(manifest)}: ${root}`, dependence].filter(Boolean);
  if (problems.length) return refuse(problems.join('; and '));
  if (lock.packages.length === 0) return refuse(`${shown(lockSource)} installs no package: there is nothing to move`);

  // `npm install`, `pnpm install` and `yarn` may rewrite the lockfile; `npm ci` never does.
  const rewrites = install.subcommand === 'install';
  return {
    ok: true,
    artifacts: [posix.join(dir, 'node_modules'), ...(rewrites ? [posix.join(dir, name)] : [])],
    rewrite: (text) => [...text],
    prelude: [],
  };
}
