/**
 * What a RUN does with a project's Node packages, read from its commands: an install of the project's
 * dependencies (not a global tool's), a prune of node_modules to what production needs, or anything else.
 */
import type { DockerfileInstruction } from '../../../../lib/dockerfile/instructions';
import { parseRunCommands, unwrapEnv } from '../../../../lib/advisor/run-commands';
import { detectHeavyTool } from '../../../../lib/advisor/heavy-steps';
import { readInstallCommand } from './install-command';
import { LEFT_AS_ADVICE } from '../move-verdict';
import { afterCd } from '../image-paths';
import { commandName } from '../shell-effects';
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

// Subcommands that change node_modules, by tool; a script run (`npm run build`, `pnpm build`) is not one.
const TOUCHES: Record<string, RegExp> = {
  npm: /^(ci|install|i|add|update|up|rebuild|dedupe|link|uninstall|remove|rm|exec|x)$/,
  pnpm: /^(install|i|add|update|up|rebuild|dlx|exec|link|remove|rm|dedupe|patch|import|fetch)$/,
  yarn: /^(install|add|upgrade|up|rebuild|dlx|exec|link|remove|workspaces|dedupe|patch|import)$/,
  bun: /^(install|i|add|update|remove|rm|x|link)$/,
};
const RUNS_PACKAGES = /^(npx|bunx|pnpx)$/;
const QUIET_FLAGS = /^(--no-audit|--no-fund|--loglevel(=\S+)?|--silent|-s|--quiet|-q)$/;

/**
 * What one RUN does to node_modules, strictly: `prune` only for a plain `npm prune --omit=dev`/`--production`
 * or `pnpm prune --prod` (no `--dry-run`, no `||` or `if` around it) where the install put node_modules, after
 * any `cd`; `other` for anything else that could change node_modules (an install of named packages, `npx`,
 * `rebuild`, `dlx` …) or Prisma, whose generated client holds an engine; `none` for the project's install
 * itself and its script runs (`npm run build`), whose output is taken to be the build's own files.
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
    const [, sub = '', ...flags] = words;
    const name = commandName(words);
    if (name === 'cd') {
      cwd = afterCd(cwd, sub);
      continue;
    }
    if (sub === 'prune' && (name === 'npm' || name === 'pnpm')) {
      const production = name === 'pnpm' ? ['--prod', '--production', '-P'] : at.npm6 ? ['--production'] : ['--omit=dev', '--production'];
      const rest = flags.filter((f) => !production.includes(f));
      const plain = rest.length < flags.length && rest.every((f) => QUIET_FLAGS.test(f));
      if (!plain || controlled || cwd !== at.installDir) return 'other';
      effect = 'prune';
      continue;
    }
    const heavy = detectHeavyTool(words);
    // The project's own install is judged elsewhere; a global tool's leaves node_modules alone.
    if (heavy !== undefined && isNodeInstall(heavy)) {
      const install = readInstallCommand(words);
      if (typeof install === 'string' && !install.startsWith(LEFT_AS_ADVICE)) return 'other';
      continue;
    }
    if (RUNS_PACKAGES.test(name) || TOUCHES[name]?.test(sub)) return 'other';
  }
  return effect;
}
