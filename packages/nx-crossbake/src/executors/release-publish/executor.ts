import { logger, type ExecutorContext } from '@nx/devkit';
import { repositoryOf } from '../../lib/options/image-names';
import { formatTaskOutput } from '../../lib/results/summary';
import { buildServices } from '../../lib/run/build-services';
import type { MultiarchExecutorSchema } from '../multiarch/schema';
import { runInputs } from '../multiarch/tasks';
import { CrossbakeError } from '../../lib/errors';
import { toStringList } from '../../lib/options/coerce';
import { readExecutorOptions } from '../../lib/options/executor-options';
import schema from './schema.json';
import type { ReleasePublishExecutorSchema } from './schema';
import { MULTIARCH_EXECUTOR } from '../../executor-names';

/**
 * `nx-release-publish` for images: builds the project's multiarch target for every platform and pushes it
 * tagged with the released version, so `nx release` publishes multi-arch images (@nx/docker's publish
 * builds one platform only: nrwl/nx#33326).
 */
export default async function releasePublishExecutor(options: ReleasePublishExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  let read: { target: string; tag?: string; dryRun: boolean };
  try {
    read = readExecutorOptions('nx-release-publish', schema, options, (r) => ({ target: r.text('target')!, tag: r.text('tag'), dryRun: r.boolean('dryRun') }));
  } catch (e) {
    if (!(e instanceof CrossbakeError)) throw e;
    logger.error(`nx-crossbake: ${e.message}`);
    return { success: false };
  }
  const { target } = read;
  const projectName = context.projectName!;
  const project = context.projectsConfigurations.projects[projectName];
  const multiarch = project.targets?.[target];
  if (multiarch?.executor !== MULTIARCH_EXECUTOR) {
    logger.error(`nx-crossbake: ${projectName} has no '${target}' target with the ${MULTIARCH_EXECUTOR} executor: add one, or set 'target'`);
    return { success: false };
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
  const id = `${projectName}:${context.targetName}`;
  const results = await buildServices({
    ...runInputs(context),
    // Keyed by the multiarch target it builds: its report, cache and bake target are that task's.
    requests: [{ id, project: { name: projectName, root: project.root, version, targetName: target }, options: image }],
    print: read.dryRun || process.env.NX_DRY_RUN === 'true',
  });
  const result = results.get(id)!;
  if (result.status === 'planned') return { success: true };
  if (result.status !== 'built') logger.error(formatTaskOutput(result));
  else logger.info(`nx-crossbake: published ${result.tags.join(', ')} for ${result.platforms.join(', ')}`);
  return { success: result.status === 'built' };
}
