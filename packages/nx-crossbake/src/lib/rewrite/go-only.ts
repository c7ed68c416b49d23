/**
 * A RUN that only prepares a Go compile (`go mod download`, `go generate`, `go vet`): it moves to the build
 * stage with the compile and leaves the final stage, so modules download on the build machine once.
 */
import type { DockerfileInstruction } from '../graph/dockerfile-instructions';
import { parseRunCommands } from '../advisor/run-commands';

const STEERING = new Set(['cd', 'set', 'true', ':', 'echo', 'export']);

export function isGoOnlyRun(run: DockerfileInstruction, lines: readonly string[], escape: string): boolean {
  if (run.keyword !== 'RUN') return false;
  const names = parseRunCommands(run, lines, escape).map((words) => {
    const name = words[0] ?? '';
    return name.slice(name.lastIndexOf('/') + 1);
  });
  return names.includes('go') && names.every((name) => name === 'go' || STEERING.has(name));
}
