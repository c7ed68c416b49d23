import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProjectGraphAsync, type NxJsonConfiguration, type ProjectGraph } from '@nx/devkit';
import { exec as defaultExec, type Exec } from '../docker/exec';
import { CrossbakeError } from '../errors';
import { affectedProjects } from '../graph/affected';
import { imageEdgesOf, isPluginRegistered, withImageEdges } from './image-edges';
import { loadNxAffectedInternals } from './nx-internals';

export interface AffectedQuery {
  workspaceRoot: string;
  base: string;
  head?: string;
  nxJson: NxJsonConfiguration;
  /** The graph Nx already built for this run (ExecutorContext.projectGraph); computed when absent. */
  graph?: ProjectGraph;
  /** Reads a workspace-relative file (replaced in tests). */
  readFile?: (path: string) => string;
}

export interface AffectedProjects {
  graph: ProjectGraph;
  affected: string[];
  /** What the run should tell the user: e.g. that image dependencies were computed without the plugin. */
  notices: string[];
}

/** Projects of the graph, in graph order, that have a target run by `executor`. */
export function projectsWithExecutor(graph: Pick<ProjectGraph, 'nodes'>, target: string, executor: string): string[] {
  return Object.values(graph.nodes)
    .filter((node) => node.data.targets?.[target]?.executor === executor)
    .map((node) => node.name);
}

/**
 * The affected projects between base and head, as `nx show projects --affected` computes them: Nx's
 * touched-project locators, then the walk over the reversed project graph, which includes the image
 * dependencies of our createDependencies. A workspace that does not register the plugin has none in its
 * graph: they are computed here, with the same functions, and a notice says so (never a base built
 * silently without the images built FROM it). Falls back to asking the Nx CLI if its internals moved.
 */
export async function findAffectedProjects(query: AffectedQuery, exec: Exec = defaultExec): Promise<AffectedProjects> {
  const graph = query.graph ?? (await createProjectGraphAsync({ exitOnError: false }));
  const readFile = query.readFile ?? ((path: string) => readFileSync(join(query.workspaceRoot, path), 'utf8'));
  const registered = isPluginRegistered(query.nxJson);
  const imageEdges = registered ? [] : imageEdgesOf(graph, readFile);
  const notices = registered
    ? []
    : [
        `the plugin is not registered in nx.json, so the project graph has no image dependencies: computed them for this run ` +
          `(${imageEdges.length} found). Add "nx-crossbake" to "plugins" in nx.json so nx graph and nx affected see them too.`,
      ];

  const internals = loadNxAffectedInternals();
  if (internals) {
    let files;
    try {
      files = internals.changedFiles(query.base, query.head);
    } catch (e) {
      throw new CrossbakeError(`cannot tell what changed between '${query.base}' and '${query.head ?? 'the working tree'}': ${(e as Error).message}`);
    }
    const touched = await internals.touchedProjects(files, graph, query.nxJson, query.workspaceRoot);
    const dependencies = withImageEdges(graph.dependencies, imageEdges);
    return { graph, affected: affectedProjects(touched, dependencies).filter((p) => p in graph.nodes), notices };
  }
  const args = ['nx', 'show', 'projects', '--affected', `--base=${query.base}`, ...(query.head ? [`--head=${query.head}`] : []), '--json'];
  const result = await exec('npx', args, { cwd: query.workspaceRoot });
  if (result.exitCode !== 0) throw new CrossbakeError(`\`npx ${args.join(' ')}\` failed: ${result.stderr.split('\n').slice(-5).join('\n')}`);
  // The CLI walked the graph without image dependencies when the plugin is not registered: follow them from its answer.
  return { graph, affected: affectedProjects(JSON.parse(result.stdout) as string[], withImageEdges({}, imageEdges)), notices };
}
