import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProjectGraphAsync, type NxJsonConfiguration, type ProjectGraph } from '@nx/devkit';
import { exec as defaultExec, type Exec } from '../process/exec';
import { CrossbakeError } from '../core/errors';
import { affectedProjects } from './affected-walk';
import { imageEdgesOf, isPluginRegistered, withImageEdges } from './image-edges';
import { loadNxAffectedInternals } from './nx-internals';

interface AffectedQuery {
  workspaceRoot: string;
  base: string;
  head?: string;
  nxJson: NxJsonConfiguration;
  /** The graph Nx already built for this run (ExecutorContext.projectGraph); computed when absent. */
  graph?: ProjectGraph;
  /** Reads a workspace-relative file (replaced in tests). */
  readFile?: (path: string) => string;
}

interface AffectedProjects {
  graph: ProjectGraph;
  affected: string[];
  /** How they were chosen, for the run's log: Nx 24's tasks by inputs, whole projects, or the CLI's answer. */
  selection: string;
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
 * The affected projects between base and head, as Nx computes them for `nx affected -t <target>`: on Nx 24
 * the projects whose target task a change reaches through its inputs (unless `affected.legacy`), otherwise
 * Nx's touched-project locators and the walk over the reversed project graph, which includes the image
 * dependencies of our createDependencies. A workspace that does not register the plugin has none in its
 * graph: they are computed here, with the same functions, followed from Nx's answer, and a notice says so
 * (never a base built silently without the images built FROM it). Asks the Nx CLI if its internals moved.
 */
export async function findAffectedProjects(query: AffectedQuery, target: string, exec: Exec = defaultExec): Promise<AffectedProjects> {
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
  const withDependents = (projects: string[], dependencies: ProjectGraph['dependencies']) =>
    affectedProjects(projects, withImageEdges(dependencies, imageEdges)).filter((p) => p in graph.nodes);

  const internals = loadNxAffectedInternals();
  if (internals) {
    let files;
    try {
      files = internals.changedFiles(query.base, query.head);
    } catch (e) {
      throw new CrossbakeError(
        `cannot tell what changed between '${query.base}' and '${query.head ?? 'the working tree'}': ${(e as Error).message}`,
      );
    }
    if (internals.selection(query.nxJson) === 'tasks' && internals.projectsWithAffectedTask) {
      const selected = await internals.projectsWithAffectedTask({
        files,
        graph,
        nxJson: query.nxJson,
        target,
        base: query.base,
        head: query.head,
      });
      return { graph, affected: withDependents(selected, {}), selection: `Nx ${internals.version}, tasks whose inputs changed`, notices };
    }
    const touched = await internals.touchedProjects(files, graph, query.nxJson, query.workspaceRoot);
    return { graph, affected: withDependents(touched, graph.dependencies), selection: `Nx ${internals.version}, projects`, notices };
  }
  const args = getNxAffectedCommand(target, query.base, query.head);
  const result = await exec('npx', args, { cwd: query.workspaceRoot });
  if (result.exitCode !== 0)
    throw new CrossbakeError(`\`npx ${args.join(' ')}\` failed: ${result.stderr.split('\n').slice(-5).join('\n')}`);
  // The CLI walked the graph without image dependencies when the plugin is not registered: follow them from its answer.
  return { graph, affected: withDependents(JSON.parse(result.stdout) as string[], {}), selection: 'the nx CLI', notices };
}

/**
 * The nx CLI's own answer, when its internals moved (npx argv; our only nx call). With `-t`, Nx 24 selects tasks
 * by their inputs, as `nx affected -t` does; Nx 22/23 read it as a filter on the affected projects, which is what
 * their `nx affected -t` runs too.
 */
const getNxAffectedCommand = (target: string, base: string, head: string | undefined): string[] => [
  'nx',
  'show',
  'projects',
  '--affected',
  '-t',
  target,
  `--base=${base}`,
  ...(head ? [`--head=${head}`] : []),
  '--json',
];
