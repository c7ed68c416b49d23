import {
  addProjectConfiguration,
  formatFiles,
  getProjects,
  joinPathFragments,
  logger,
  readJson,
  readNxJson,
  updateNxJson,
  writeJson,
  type ProjectConfiguration,
  type TargetConfiguration,
  type Tree,
} from '@nx/devkit';
import { installedNxVersion, nxAbilities, nxVersionProblem } from '../../lib/core/nx-version';
import { normalizePlatforms } from '../../lib/docker/platforms';
import { ensureRootDockerignore } from '../lib/dockerignore-files';
import { CROSSBAKE_IGNORES, withIgnoredPaths } from '../lib/gitignore';
import { assertImageTag } from '../../lib/options/image-names';
import { registerPlugin, type PluginEntryOptions } from '../../lib/graph/plugin-entry';
import type { InitGeneratorSchema } from './schema';
import { addMissingTargets, DOCKER_PROJECT, workspaceTargets } from './root-targets';

const DEFAULT_PLATFORMS = ['linux/amd64', 'linux/arm64'];

/** Checks what was asked for before anything is written, so a typo changes nothing. */
function normalize(options: InitGeneratorSchema) {
  const problems: string[] = [];
  const platforms = options.platforms && normalizePlatforms(options.platforms, problems);
  if (options.platforms?.length === 0) problems.push('no platforms: list at least one, e.g. linux/amd64,linux/arm64');
  if (problems.length > 0) throw new Error(`nx-crossbake:init: ${problems.join('; ')}`);
  const registry = options.registry?.trim().replace(/\/+$/, '') || undefined;
  if (registry)
    assertImageTag(`${registry}/image:latest`, `--registry '${options.registry}' must be a registry host and namespace, e.g. ghcr.io/acme`);
  return {
    // Only what the user gave goes to nx.json; the setup target always gets concrete platforms.
    pluginOptions: { registry, platforms } satisfies PluginEntryOptions,
    platforms: platforms ?? DEFAULT_PLATFORMS,
    driver: options.builderDriver ?? 'docker-container',
  };
}

function registerInNxJson(tree: Tree, pluginOptions: PluginEntryOptions): void {
  const nxJson = readNxJson(tree) ?? {};
  const registration = registerPlugin(nxJson.plugins ?? [], pluginOptions);
  if (registration.outcome === 'kept') {
    logger.info('nx-crossbake: the plugin is registered in nx.json already: entry left as it is');
    if (registration.ignored.length > 0) {
      logger.warn(
        `nx-crossbake: nx.json's nx-crossbake entry was not changed, so ${registration.ignored.join(', ')} from this run was not written: edit its "options" by hand`,
      );
    }
    return;
  }
  updateNxJson(tree, { ...nxJson, plugins: registration.plugins });
  logger.info(
    `nx-crossbake: ${registration.outcome === 'added' ? 'registered the plugin in' : 'added options to the plugin entry of'} nx.json`,
  );
}

/**
 * The root project.json when there is one; else the `docker` project in tools/docker, created if missing.
 * Returns which file got which targets, so the caller can say so.
 */
function addWorkspaceTargets(tree: Tree, wanted: Record<string, TargetConfiguration>): { file: string; added: string[]; kept: string[] } {
  const dockerProjectFile = joinPathFragments(DOCKER_PROJECT.root, 'project.json');
  const file = ['project.json', dockerProjectFile].find((f) => tree.exists(f));
  if (file) {
    const json = readJson<ProjectConfiguration>(tree, file);
    const { targets, added, kept } = addMissingTargets(json.targets, wanted);
    if (added.length > 0) writeJson(tree, file, { ...json, targets });
    return { file, added, kept };
  }
  const taken = getProjects(tree).get(DOCKER_PROJECT.name);
  if (taken) {
    throw new Error(
      `nx-crossbake:init: a project named '${DOCKER_PROJECT.name}' exists at '${taken.root}', so the workspace targets cannot go in a new ` +
        `${dockerProjectFile}: add a root project.json (or rename that project) and run init again. Nothing was changed.`,
    );
  }
  addProjectConfiguration(tree, DOCKER_PROJECT.name, { root: DOCKER_PROJECT.root, targets: wanted });
  return { file: dockerProjectFile, added: Object.keys(wanted), kept: [] };
}

function ignoreGeneratedFolders(tree: Tree): void {
  const { text, added } = withIgnoredPaths(tree.exists('.gitignore') ? tree.read('.gitignore', 'utf-8')! : '', CROSSBAKE_IGNORES);
  if (added.length === 0) return;
  tree.write('.gitignore', text);
  logger.info(`nx-crossbake: .gitignore now ignores ${added.join(' and ')}`);
}

/** `nx g nx-crossbake:init`: safe to run again; it only adds what is missing and overwrites nothing. */
export default async function initGenerator(tree: Tree, options: InitGeneratorSchema): Promise<void> {
  const nx = installedNxVersion();
  const unsupported = nxVersionProblem(nx);
  if (unsupported) throw new Error(`nx-crossbake:init: ${unsupported}`);
  const { pluginOptions, platforms, driver } = normalize(options);
  // First the step that can refuse, so a refusal leaves nx.json as it was too.
  const { file, added, kept } = addWorkspaceTargets(tree, workspaceTargets(driver, platforms));
  registerInNxJson(tree, pluginOptions);
  for (const name of kept) logger.warn(`nx-crossbake: ${file} already has a target '${name}': left as it is, not overwritten`);
  if (added.length > 0) logger.info(`nx-crossbake: added ${added.map((n) => `'${n}'`).join(' and ')} to ${file}`);
  ignoreGeneratedFolders(tree);
  ensureRootDockerignore(tree);
  if (!nxAbilities(nx).prefersBatch) {
    logger.info(
      `nx-crossbake: Nx ${nx} batches run-many only when asked: add --batch (nx run-many -t docker-multiarch --batch) for one bake of every image; the docker-affected target in ${file} is one bake either way`,
    );
  }
  if (driver === 'docker') {
    logger.info("nx-crossbake: the 'docker' driver builds several platforms only with the containerd image store enabled in the engine");
  }
  if (!options.skipFormat) await formatFiles(tree);
}
