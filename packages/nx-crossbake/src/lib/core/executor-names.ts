/** The names workspaces use for our executors: targets are found by them (graph plugin, setup lookup). */
export const MULTIARCH_EXECUTOR = 'nx-crossbake:multiarch';
export const SETUP_EXECUTOR = 'nx-crossbake:setup';
export const AFFECTED_EXECUTOR = 'nx-crossbake:affected';
export const RELEASE_PUBLISH_EXECUTOR = 'nx-crossbake:release-publish';

/** The target name the generators and inferred targets give; other multiarch targets are keyed by their own name. */
export const DEFAULT_TARGET = 'docker-multiarch';

/** An Nx task id (`<project>:<target>[:<configuration>]`) as its project and target; no target for a bare project name. */
export function splitTaskId(taskId: string): { project: string; target?: string } {
  const at = taskId.indexOf(':', 1);
  return at < 0 ? { project: taskId } : { project: taskId.slice(0, at), target: taskId.slice(at + 1).split(':')[0] };
}
