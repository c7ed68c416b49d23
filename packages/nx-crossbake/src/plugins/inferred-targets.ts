import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createNodesFromFiles, type CreateNodesV2, type TargetConfiguration } from '@nx/devkit';
import { defaultImageTag } from '../lib/options/image-names';
import { MULTIARCH_EXECUTOR } from '../executor-names';

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
      const name = (JSON.parse(readFileSync(path, 'utf8')) as { name?: string }).name;
      if (name) return name;
    } catch {
      // a broken file is Nx's to report
    }
  }
  return undefined;
}

export function inferredTarget(project: string, options: CrossbakePluginOptions): TargetConfiguration {
  let image: string | undefined;
  try {
    image = options.registry ? defaultImageTag(project, options.registry) : undefined;
  } catch {
    image = undefined; // a name that gives no image name: built, not pushed, rather than a broken graph
  }
  return {
    executor: MULTIARCH_EXECUTOR,
    // A pushed image is a side effect Nx cannot restore from its cache: never served from cache.
    cache: false,
    inputs: ['{projectRoot}/**/*'],
    outputs: ['{workspaceRoot}/dist/nx-crossbake/{projectRoot}'],
    options: {
      ...(options.platforms && { platforms: options.platforms }),
      ...(image ? { tags: [image], push: true } : { outputs: ['type=cacheonly'] }),
    },
    metadata: {
      description: image ? `Build ${image} for every platform and push it` : 'Build the image for every platform (set the plugin option registry to push)',
      technologies: ['docker'],
    },
  };
}

/**
 * Inferred targets: every project with a Dockerfile at its root gets a multiarch target. A target written
 * in project.json is merged over it by Nx, so explicit configuration wins. A Dockerfile in a folder that
 * is not a project (no project.json or package.json with a name) is left alone: no broken project is made.
 */
export const createNodesV2: CreateNodesV2<CrossbakePluginOptions> = [
  '**/Dockerfile',
  (dockerfiles, options, context) =>
    createNodesFromFiles<CrossbakePluginOptions | undefined>(
      (dockerfile, opts: CrossbakePluginOptions | undefined) => {
        const root = dirname(dockerfile);
        const project = projectAt(context.workspaceRoot, root);
        if (!project) return {};
        return { projects: { [root]: { targets: { [opts?.targetName ?? 'docker-multiarch']: inferredTarget(project, opts ?? {}) } } } };
      },
      dockerfiles,
      options,
      context,
    ),
];
