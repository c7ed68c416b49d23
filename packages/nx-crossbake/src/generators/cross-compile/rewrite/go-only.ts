/**
 * A RUN that only prepares a Go compile: `go mod download`, `go mod verify`, `go vet`. Their results live in
 * Go's module and build caches, which only the compile reads, so the RUN moves to the build stage with the
 * compile and leaves the final stage: modules download on the build machine once. `go generate` and
 * `go run` are not among them: what they write is the project's own (sources, assets) and must stay.
 */
import type { DockerfileInstruction } from '../../../lib/dockerfile/instructions';
import { parseRunCommands, unwrapEnv } from '../../../lib/advisor/run-commands';
import { commandName, hasNoEffect, splitRedirects } from './shell-effects';

/** `go mod download|verify` or `go vet`, written without redirections (a redirected report is a file the image keeps). */
export function isGoPreparation(words: readonly string[]): boolean {
  const { words: plain, writes } = splitRedirects(words);
  if (writes.length > 0 || commandName(plain) !== 'go') return false;
  const [, sub, arg] = plain;
  return sub === 'vet' || (sub === 'mod' && (arg === 'download' || arg === 'verify'));
}

/** `go run` or `go generate`: Go code that runs during the build, on the machine the stage runs on. */
export function runsGoCode(words: readonly string[]): boolean {
  return commandName(words) === 'go' && (words[1] === 'run' || words[1] === 'generate');
}

export function isGoOnlyRun(run: DockerfileInstruction, lines: readonly string[], escape: string): boolean {
  if (run.keyword !== 'RUN') return false;
  const commands = parseRunCommands(run, lines, escape).map(unwrapEnv);
  const steering = (words: readonly string[]) => hasNoEffect(commandName(words)) && splitRedirects(words).writes.length === 0;
  return commands.some(isGoPreparation) && commands.every((words) => isGoPreparation(words) || steering(words));
}
