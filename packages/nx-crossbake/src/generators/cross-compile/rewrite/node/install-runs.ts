/**
 * What a RUN does with a project's Node packages, read from its commands: an install of the project's
 * dependencies (not a global tool's), a prune of node_modules to what production needs, or anything else.
 */
import { posix } from 'node:path';
import type { DockerfileInstruction } from '../../../../lib/dockerfile/instructions';
import { parseRunCommands, unwrapEnv } from '../../../../lib/advisor/run-commands';
import { detectHeavyTool } from '../../../../lib/advisor/heavy-steps';
import { readInstallCommand } from './install-command';
import { isNodeInstall } from './node-step';

/** Whether the RUN installs a project's dependencies (npm ci, pnpm install…; not a global tool). */
export function installsProject(instruction: DockerfileInstruction, lines: readonly string[], escape: string): boolean {
  return (
    instruction.keyword === 'RUN' &&
    parseRunCommands(instruction, lines, escape)
      .map(unwrapEnv)
      .some((words) => {
        const tool = detectHeavyTool(words);
        return tool !== undefined && isNodeInstall(tool) && typeof readInstallCommand(words) !== 'string';
      })
  );
}

const MANAGERS = /^(npm|pnpm|yarn|npx|corepack|bun)$/;
const SCRIPT_RUNS: Record<string, RegExp> = {
  npm: /^(run|run-script|start|test)$/,
  pnpm: /^(run|build|start|test)$/,
  yarn: /^(run|build|start|test)$/,
};
const QUIET_FLAGS = /^(--no-audit|--no-fund|--loglevel(=\S+)?|--silent|-s|--quiet|-q)$/;

/**
 * What one RUN does to node_modules, strictly: `prune` only for a plain `npm prune --omit=dev`/`--production`
 * or `pnpm prune --prod` (at the top level of the RUN, no `--dry-run`, no `||` or `if` around it), in `dir`
 * after any `cd`; `other` for any other package manager command that could change node_modules (an install
 * of named packages, `npx`, `rebuild`, `dlx` …) or anything Prisma generates; `none` for the project's
 * install itself and its script runs (`npm run build`), whose output is taken to be the build's own files.
 * `npm6`: the image's npm is 6 (Node 14 or older), which ignores `--omit`.
 */
export function nodeModulesEffect(
  instruction: DockerfileInstruction,
  lines: readonly string[],
  escape: string,
  at: { workdir: string | undefined; installDir: string; npm6: boolean },
): 'prune' | 'other' | 'none' {
  if (instruction.keyword !== 'RUN') return 'none';
  if (/\bprisma\b/.test(instruction.args)) return 'other';
  const controlled = /\|\||\bif\b|\bcase\b|\bwhile\b|\buntil\b/.test(instruction.args);
  let cwd = at.workdir;
  let effect: 'prune' | 'other' | 'none' = 'none';
  for (const words of parseRunCommands(instruction, lines, escape).map(unwrapEnv)) {
    const [tool = '', sub = '', ...flags] = words;
    const name = tool.slice(tool.lastIndexOf('/') + 1);
    if (name === 'cd') {
      cwd = cwd === undefined && !sub.startsWith('/') ? undefined : posix.resolve(cwd ?? '/', sub);
      continue;
    }
    if (!MANAGERS.test(name)) continue;
    if (sub === 'prune' && (name === 'npm' || name === 'pnpm')) {
      const production = name === 'pnpm' ? ['--prod', '--production', '-P'] : at.npm6 ? ['--production'] : ['--omit=dev', '--production'];
      const rest = flags.filter((f) => !production.includes(f));
      const plain = rest.length < flags.length && rest.every((f) => QUIET_FLAGS.test(f));
      if (!plain || controlled || cwd !== at.installDir) return 'other';
      effect = 'prune';
      continue;
    }
    const tool2 = detectHeavyTool(words);
    if (tool2 !== undefined && isNodeInstall(tool2)) {
      const install = readInstallCommand(words);
      if (typeof install === 'string' && !install.startsWith('left as advice')) return 'other';
      continue;
    }
    if (
      name === 'corepack' ||
      SCRIPT_RUNS[name]?.test(sub) ||
      (name === 'pnpm' &&
        sub !== '' &&
        !/^(add|install|i|update|up|rebuild|dlx|exec|link|remove|rm|prune|dedupe|patch|import|fetch)$/.test(sub)) ||
      (name === 'yarn' && sub !== '' && !/^(add|install|upgrade|rebuild|dlx|exec|link|remove|workspaces|dedupe|patch|import)$/.test(sub))
    )
      continue;
    return 'other';
  }
  return effect;
}
