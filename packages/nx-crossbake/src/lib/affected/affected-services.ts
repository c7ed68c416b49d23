import { createProjectGraphAsync, type NxJsonConfiguration, type ProjectGraph } from '@nx/devkit';
import { exec as defaultExec, type Exec } from '../docker/exec';
import { CrossbakeError } from '../errors';
import { affectedProjects } from '../graph/affected';
import { loadNxAffectedInternals } from './nx-internals';

export interface AffectedQuery {
  workspaceRoot: string;
  base: string;
  head?: string;
  nxJson: NxJsonConfiguration;
  /** The graph Nx already built for this run (ExecutorContext.projectGraph); computed when absent. */
  graph?: ProjectGraph;
}

/** Projects of the graph, in graph order, that have a target run by `executor`. */
export function projectsWithExecutor(graph: Pick<ProjectGraph, 'nodes'>, target: string, executor: string): string[] {
  return Object.values(graph.nodes)
    .filter((node) => node.data.targets?.[target]?.executor === executor)
    .map((node) => node.name);
}

/**
 * The affected projects between base and head, as `nx show projects --affected` computes them: Nx's
 * touched-project locators, then the walk over the reversed project graph (which includes the image
 * dependencies of our createDependencies). Falls back to asking the Nx CLI if its internals moved.
 */
export async function findAffectedProjects(query: AffectedQuery, exec: Exec = defaultExec): Promise<{ graph: ProjectGraph; affected: string[] }> {
  const graph = query.graph ?? (await createProjectGraphAsync({ exitOnError: false }));
  const internals = loadNxAffectedInternals();
  if (internals) {
    let files;
    try {
      files = internals.changedFiles(query.base, query.head);
    } catch (e) {
      throw new CrossbakeError(`cannot tell what changed between '${query.base}' and '${query.head ?? 'the working tree'}': ${(e as Error).message}`);
    }
    const touched = await internals.touchedProjects(files, graph, query.nxJson, query.workspaceRoot);
    return { graph, affected: affectedProjects(touched, graph.dependencies).filter((p) => p in graph.nodes) };
  }
  const args = ['nx', 'show', 'projects', '--affected', `--base=${query.base}`, ...(query.head ? [`--head=${query.head}`] : []), '--json'];
  const result = await exec('npx', args, { cwd: query.workspaceRoot });
  if (result.exitCode !== 0) throw new CrossbakeError(`\`npx ${args.join(' ')}\` failed: ${result.stderr.split('\n').slice(-5).join('\n')}`);
  return { graph, affected: JSON.parse(result.stdout) as string[] };
}
