import { run, type Workspace } from './workspace';

/** Empties a builder's whole cache (only a builder of the caller's own), so no step of an earlier build is reused. */
export function pruneBuilder(builder: string): void {
  if (run('docker', ['buildx', 'inspect', builder]).code !== 0) return;
  const pruned = run('docker', ['buildx', 'prune', '--builder', builder, '--all', '--force']);
  if (pruned.code !== 0) throw new Error(`pruning ${builder} failed:\n${pruned.output}`);
}

/** `nx run <project>:docker-multiarch` on a pruned builder, timed; throws with the output when it fails. */
export function coldNxRun(ws: Workspace, builder: string, project: string): { seconds: number; output: string } {
  pruneBuilder(builder);
  const started = Date.now();
  const result = ws.nx(['run', `${project}:docker-multiarch`]);
  const seconds = (Date.now() - started) / 1000;
  if (result.code !== 0) throw new Error(`nx run ${project}:docker-multiarch failed:\n${result.output}`);
  return { seconds, output: result.output };
}
