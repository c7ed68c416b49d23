/**
 * What a RUN does with a project's Node packages, read from its commands: an install of the project's
 * dependencies (not a global tool's), or a prune of node_modules to what production needs.
 */
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

/** Whether the RUN prunes node_modules to production: `npm prune --omit=dev`/`--production`, `pnpm prune --prod`. */
export function prunesToProduction(instruction: DockerfileInstruction, lines: readonly string[], escape: string): boolean {
  return (
    instruction.keyword === 'RUN' &&
    parseRunCommands(instruction, lines, escape)
      .map(unwrapEnv)
      .some(([tool = '', sub, ...flags]) => {
        const manager = tool.slice(tool.lastIndexOf('/') + 1);
        if (sub !== 'prune' || (manager !== 'npm' && manager !== 'pnpm')) return false;
        const joined = flags.join(' ');
        return manager === 'pnpm'
          ? /(^| )(--prod|--production|-P)( |$)/.test(joined)
          : /(^| )(--omit[= ]dev|--production)( |$)/.test(joined);
      })
  );
}
