import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createNodesFromFiles, type CreateNodesV2, type TargetConfiguration } from '@nx/devkit';
import { toStringList, toText } from '../lib/options/coerce';
import { defaultImageTag } from '../lib/options/image-names';
import { imageTargetInputs } from '../lib/graph/image-inputs';
import { getReportOutput } from '../lib/results/report';
import { DEFAULT_TARGET, MULTIARCH_EXECUTOR } from '../lib/core/executor-names';

/** Options of the plugin's entry in nx.json: `{ "plugin": "nx-crossbake", "options": { … } }`. */
export interface CrossbakePluginOptions {
  /** Name of the inferred target. Default `docker-multiarch`. */
  targetName?: string;
  /** Platforms of every inferred target. Default: the multiarch executor's. */
  platforms?: string[];
  /** Registry (and namespace) images are named under, e.g. `registry.example.com/acme`: the image is
   * `<registry>/<project name>:latest` and is pushed. Without it, images are built and cached, not pushed. */
  registry?: string;
}

/** The project a folder holds, by the files Nx itself makes projects of; undefined for a plain folder. */
function projectAt(workspaceRoot: string, root: string): string | undefined {
  for (const file of ['project.json', 'package.json']) {
    const path = join(workspaceRoot, root, file);
    if (!existsSync(path)) continue;
    try {
      const name = (JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown } | null)?.name;
      if (typeof name === 'string' && name !== '') return name;
    } catch {
      // a broken file is Nx's to report
    }
  }
  return undefined;
}

/**
 * The target inferred for `project`. Plugin options of the wrong type never break the graph: platforms that
 * cannot be read are passed on as written, so the executor refuses them for each project with a clear message;
 * a registry that cannot be read gives an image that is built, not pushed, and the description says why.
 */
export function inferredTarget(project: string, options: CrossbakePluginOptions, targetName = DEFAULT_TARGET): TargetConfiguration {
  const registryProblems: string[] = [];
  const registry = toText('registry', options.registry, registryProblems);
  const platforms = toStringList('platforms', options.platforms, 'comma', []) ?? options.platforms;
  let image: string | undefined;
  try {
    image = registry ? defaultImageTag(project, registry) : undefined;
  } catch {
    image = undefined; // a name that gives no image name: built, not pushed, rather than a broken graph
  }
  const unpushed =
    registryProblems.length > 0
      ? `Build the image for every platform, not pushed: the plugin option ${registryProblems[0]}`
      : 'Build the image for every platform (set the plugin option registry to push)';
  return {
    executor: MULTIARCH_EXECUTOR,
    // A pushed image is a side effect Nx cannot restore from its cache: never served from cache.
    cache: false,
    inputs: imageTargetInputs(),
    outputs: [getReportOutput(targetName)],
    options: {
      ...(platforms !== undefined && { platforms }),
      ...(image ? { tags: [image], push: true } : { outputs: ['type=cacheonly'] }),
    },
    // No `technologies: ['docker']`: for a project with such a target, Nx 22's `nx release version` asks for
    // @nx/docker's version utilities and fails without it (Nx 24 asks only when nx.json configures release.docker).
    metadata: { description: image ? `Build ${image} for every platform and push it` : unpushed },
  };
}

/** The name of the inferred target, as the plugin's options give it. */
export const inferredTargetName = (options: CrossbakePluginOptions): string =>
  toText('targetName', options.targetName, []) || DEFAULT_TARGET;

/** The Dockerfile's project, with its inferred target; {} for a Dockerfile outside any project. */
function nodesFor(dockerfile: string, workspaceRoot: string, options: CrossbakePluginOptions) {
  const root = dirname(dockerfile);
  const project = projectAt(workspaceRoot, root);
  if (!project) return {};
  const targetName = inferredTargetName(options);
  return { projects: { [root]: { targets: { [targetName]: inferredTarget(project, options, targetName) } } } };
}

/**
 * Inferred targets: every project with a Dockerfile at its root gets a multiarch target. A target written
 * in project.json is merged over it by Nx, so explicit configuration wins. A Dockerfile in a folder that
 * is not a project (no project.json or package.json with a name) is left alone: no broken project is made.
 * Never throws for one Dockerfile or odd plugin options: Nx would fail every command of the workspace.
 */
export const createNodesV2: CreateNodesV2<CrossbakePluginOptions> = [
  '**/Dockerfile',
  (dockerfiles, options, context) =>
    createNodesFromFiles<CrossbakePluginOptions | undefined>(
      (dockerfile, opts: CrossbakePluginOptions | undefined) => {
        try {
          const readable = opts !== null && typeof opts === 'object' && !Array.isArray(opts) ? opts : {};
          return nodesFor(dockerfile, context.workspaceRoot, readable);
        } catch {
          return {}; // whatever went wrong costs this Dockerfile its target, never the workspace its graph
        }
      },
      dockerfiles,
      options,
      context,
    ),
];

/** Nx 22+ reads `createNodes` with this (v2) signature; `createNodesV2` stays for Nx versions that look for it. */
export const createNodes = createNodesV2;
