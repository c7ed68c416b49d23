import {
  formatFiles,
  joinPathFragments,
  logger,
  readNxJson,
  readProjectConfiguration,
  updateProjectConfiguration,
  type ProjectConfiguration,
  type Tree,
} from '@nx/devkit';
import { findPluginEntry, pluginOptionsOf } from '../../lib/graph/plugin-entry';
import { ensureRootDockerignore } from '../lib/dockerignore-files';
import { chooseBuildContext } from './build-context';
import { multiarchTarget } from './multiarch-target';
import { normalizeConfigurationOptions } from './normalize-options';
import { scaffoldDockerfile } from './scaffold';
import type { ConfigurationGeneratorSchema } from './schema';

function readProject(tree: Tree, name: string): ProjectConfiguration {
  try {
    return readProjectConfiguration(tree, name);
  } catch {
    throw new Error(
      `nx-crossbake:configuration: no project '${name}' is defined in a project.json or package.json ` +
        '(projects that only a plugin infers cannot be edited by a generator): check the name with `nx show projects`',
    );
  }
}

/** `nx g nx-crossbake:configuration --project=<name>`: one multiarch target, and optionally a Dockerfile. Overwrites nothing. */
export default async function configurationGenerator(tree: Tree, raw: ConfigurationGeneratorSchema): Promise<void> {
  const nxJson = readNxJson(tree);
  const options = normalizeConfigurationOptions(raw, pluginOptionsOf(nxJson));
  const project = readProject(tree, options.project);

  const existing = project.targets?.[options.targetName];
  if (existing) {
    throw new Error(
      `nx-crossbake:configuration: project '${options.project}' already has a target '${options.targetName}'` +
        `${existing.executor ? ` (executor ${existing.executor})` : ''}: nothing was changed. ` +
        'Pick another name with --targetName, or remove that target first.',
    );
  }
  const { context, inputs, reason } = chooseBuildContext(tree, project.root, options.context);
  const target = multiarchTarget({ ...options, context, inputs });
  updateProjectConfiguration(tree, options.project, { ...project, targets: { ...project.targets, [options.targetName]: target } });
  logger.info(`nx-crossbake: added '${options.targetName}' to ${options.project}: ${target.metadata?.description}`);
  if (context !== undefined) {
    logger.info(`nx-crossbake: it builds from the context '${context}'${reason ? ` (${reason})` : ''}; its inputs: ${inputs.join(', ')}`);
    if (context === '.') ensureRootDockerignore(tree);
  }

  const dockerfile = joinPathFragments(project.root, 'Dockerfile');
  if (options.dockerfile !== 'none') {
    const { written, kept } = scaffoldDockerfile(tree, project.root, options.dockerfile, {
      project: options.project,
      targetName: options.targetName,
    });
    for (const path of kept) logger.warn(`nx-crossbake: ${path} exists: left as it is, not overwritten`);
    if (written.length > 0) logger.info(`nx-crossbake: wrote ${written.join(' and ')} (${options.dockerfile}, cross-compiling)`);
  } else if (!tree.exists(dockerfile)) {
    logger.warn(`nx-crossbake: there is no ${dockerfile} yet: write one (the target builds it), or set the target's 'file' option`);
  }
  if (!findPluginEntry(nxJson)) {
    logger.info(
      'nx-crossbake: the plugin is not registered in nx.json: run `nx g nx-crossbake:init` for image dependencies and the shared builder target',
    );
  }
  if (!options.skipFormat) await formatFiles(tree);
}
