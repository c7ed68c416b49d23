import { parseRunCommands, unwrapEnv } from '../../../lib/advisor/run-commands';
import type { DockerfileLayout, InstructionSpan } from './dockerfile-spans';
import { runsGoCode } from './go-only';
import type { MoveVerdict } from './move-verdict';

/**
 * Why the twin, which runs every step up to the last moved one, would run target code on the build machine:
 * after the first Go compile its ENV sets GOOS/GOARCH for the target, so any other RUN there could run a
 * binary built for the target, or `go run`/`go generate` would; before it, `go run`/`go generate` would run
 * for the build machine, and what they generate could differ from what the original generated per target.
 */
export function twinProblem(
  body: readonly InstructionSpan[],
  layout: DockerfileLayout,
  compiles: ReadonlyMap<number, MoveVerdict>,
  goOnly: ReadonlySet<number>,
  last: number,
): string | undefined {
  const firstGo = Math.min(...[...compiles].flatMap(([k, v]) => (v.ok && v.prelude.length > 0 ? [k] : [])));
  for (const [k, span] of body.slice(0, last).entries()) {
    const { instruction } = span;
    if (instruction.keyword !== 'RUN' || compiles.has(k) || goOnly.has(k)) continue;
    if (k > firstGo) {
      return `line ${instruction.line} runs between moved compiles: in the build stage it would run with GOOS/GOARCH set for the target, and could run a binary built for it; give it a place before the first compile or after the last`;
    }
    if (parseRunCommands(instruction, layout.lines, layout.escape).map(unwrapEnv).some(runsGoCode)) {
      return `line ${instruction.line} runs \`go run\`/\`go generate\` before the compile: in the build stage it would run for the build machine, and what it generates could differ from what the original generated for each target`;
    }
  }
  return undefined;
}
