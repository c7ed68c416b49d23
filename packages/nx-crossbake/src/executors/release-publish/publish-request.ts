import type { ExecutorContext } from '@nx/devkit';
import { MULTIARCH_EXECUTOR } from '../../lib/core/executor-names';
import { CrossbakeError } from '../../lib/core/errors';
import { toStringList } from '../../lib/options/coerce';
import { readExecutorOptions } from '../../lib/options/executor-options';
import { repositoryOf } from '../../lib/options/image-names';
import type { ServiceRequest } from '../../lib/run/build-services';
import type { MultiarchExecutorSchema } from '../../lib/options/schemas/multiarch';
import schema from '../../lib/options/schemas/release-publish.json';
import type { ReleasePublishExecutorSchema } from '../../lib/options/schemas/release-publish';

/** One publish task as a build request, and whether it only prints (`nx release --dry-run`). */
export interface PublishRequest {
  request: ServiceRequest;
  print: boolean;
}

/**
 * What publishing one project means: its multiarch target's image, pushed, with the version nx release gives it
 * (and the dist-tag of `--tag`). Throws a CrossbakeError naming the project, for the task, when it cannot publish.
 */
export function toPublishRequest(
  taskId: string,
  projectName: string,
  options: ReleasePublishExecutorSchema,
  context: ExecutorContext,
): PublishRequest {
  let read: { target: string; tag?: string; dryRun: boolean };
  try {
    read = readExecutorOptions('nx-release-publish', schema, options, (r) => ({
      target: r.text('target')!,
      tag: r.text('tag'),
      dryRun: r.boolean('dryRun'),
    }));
  } catch (e) {
    if (e instanceof CrossbakeError) throw new CrossbakeError(`${projectName}: ${e.message}`, { task: taskId });
    throw e;
  }
  const { target } = read;
  const project = context.projectsConfigurations.projects[projectName];
  const multiarch = project?.targets?.[target];
  if (multiarch?.executor !== MULTIARCH_EXECUTOR) {
    throw new CrossbakeError(`${projectName} has no '${target}' target with the ${MULTIARCH_EXECUTOR} executor: add one, or set 'target'`, {
      task: taskId,
    });
  }
  const data = options.nxReleaseVersionData?.[projectName];
  const version = data?.newVersion ?? data?.currentVersion ?? undefined;
  const image = { ...(multiarch.options as MultiarchExecutorSchema), push: true };
  // A list normalize cannot read is left as written, for normalize to refuse with its own message.
  const tags = toStringList('tags', image.tags, 'comma', []);
  if (read.tag && tags) {
    // The dist-tag of npm, as an image tag on every repository (`nx release publish --tag=next`).
    image.tags = [...new Set([...tags, ...tags.map((t) => `${repositoryOf(t)}:${read.tag}`)])];
  }
  return {
    // Keyed by the publish task; its report, cache and bake target are those of the multiarch target it builds.
    request: { id: taskId, project: { name: projectName, root: project.root, version, targetName: target }, options: image },
    print: read.dryRun || process.env.NX_DRY_RUN === 'true',
  };
}
