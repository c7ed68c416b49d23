/**
 * The one adapter of Nx's affected internals (deep imports, not public API): Nx has no public API for what is
 * affected, only its CLI. They are what `nx show projects --affected` and `nx affected` run. Which ones
 * exist depends on the Nx major, so they are chosen by the installed Nx's version, and every shape is
 * checked before use: if a future Nx moves them, `loadNxAffectedInternals` returns undefined and the
 * caller asks the CLI instead (affected-services.ts).
 *
 * - Nx 21–23, and Nx 24 with `affected.legacy` (or NX_LEGACY_AFFECTED=true): whole projects. The changed
 *   files, the locators that turn them into touched projects; the walk to their dependents is ours
 *   (affected-walk.ts), so image edges computed without the plugin registered are followed too.
 * - Nx 24 by default: tasks. `nx affected -t` selects only the tasks whose inputs a change reaches
 *   (a task's `^` inputs reach its dependencies' files); asked here with the same function, so the
 *   affected executor and `nx affected -t` agree.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { NxJsonConfiguration, ProjectGraph } from '@nx/devkit';
import { installedNxVersion } from '../core/nx-version';

type FileChange = { file: string };
type Locator = (
  files: FileChange[],
  nodes: ProjectGraph['nodes'],
  nxJson: NxJsonConfiguration,
  packageJson: unknown,
  graph: ProjectGraph,
) => string[] | Promise<string[]>;

interface TaskQuery {
  files: FileChange[];
  graph: ProjectGraph;
  nxJson: NxJsonConfiguration;
  target: string;
  base: string;
  head: string | undefined;
}

interface NxAffectedInternals {
  /** The installed Nx, e.g. `24.0.6`. */
  version: string;
  changedFiles(base: string, head: string | undefined): FileChange[];
  /** How this Nx and workspace select affected work: Nx 24's tasks by inputs, or whole projects. */
  selection(nxJson: NxJsonConfiguration): 'tasks' | 'projects';
  /** The projects that own a changed file (or are touched by an nx.json, lock-file or project-file change). */
  touchedProjects(files: FileChange[], graph: ProjectGraph, nxJson: NxJsonConfiguration, workspaceRoot: string): Promise<string[]>;
  /** Tasks selection only: the projects whose `target` task a change reaches, as `nx affected -t <target>` runs them. */
  projectsWithAffectedTask?(query: TaskQuery): Promise<string[]>;
}

/* eslint-disable @typescript-eslint/no-require-imports -- Nx internals are loaded only when present, by path, so a missing one is an answer, not a crash */
const load = (path: string): Record<string, unknown> | undefined => {
  try {
    return require(path) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};
const fn = (module: Record<string, unknown> | undefined, name: string) =>
  typeof module?.[name] === 'function' ? (module[name] as (...args: never[]) => unknown) : undefined;

/** The Nx major of `version`, or NaN. */
export const nxMajor = (version: string | undefined) => Number.parseInt(version ?? '', 10);

export function loadNxAffectedInternals(): NxAffectedInternals | undefined {
  const version = installedNxVersion();
  const major = nxMajor(version);
  const parseFiles = fn(load('nx/src/utils/command-line-utils'), 'parseFiles');
  const fileUtils = load('nx/src/project-graph/file-utils');
  const calculateFileChanges = fn(fileUtils, 'calculateFileChanges');
  const readPackageJson = fn(fileUtils, 'readPackageJson');
  if (!version || !parseFiles || !calculateFileChanges || !readPackageJson) return undefined;
  const touched = major >= 24 ? nx24TouchedProjects(readPackageJson) : nx22TouchedProjects(readPackageJson);
  if (!touched) return undefined;
  const tasks = major >= 24 ? nx24AffectedTasks() : undefined;
  if (major >= 24 && !tasks) return undefined;

  return {
    version,
    changedFiles(base, head) {
      // Without head, Nx counts uncommitted and untracked files too; so do we.
      const { files } = parseFiles({ base, head } as never) as { files: string[] };
      // Nx 21 also takes the workspace's files, only to give each change its hash, which no locator reads.
      const args = major <= 21 ? [files, [], { base, head }] : [files, { base, head }];
      return calculateFileChanges(...(args as never[])) as FileChange[];
    },
    selection: (nxJson) => (tasks?.selectsTasks(nxJson) ? 'tasks' : 'projects'),
    touchedProjects: touched,
    ...(tasks && { projectsWithAffectedTask: tasks.projects }),
  };
}

/** Nx 21–23: the locators, one module each. */
function nx22TouchedProjects(readPackageJson: (...args: never[]) => unknown): NxAffectedInternals['touchedProjects'] | undefined {
  const workspaceProjects = load('nx/src/project-graph/affected/locators/workspace-projects');
  const locators = [
    fn(workspaceProjects, 'getTouchedProjects'),
    fn(workspaceProjects, 'getImplicitlyTouchedProjects'),
    fn(load('nx/src/plugins/js/project-graph/affected/touched-projects'), 'getTouchedProjects'),
  ] as (Locator | undefined)[];
  // Only ever answers for a deleted project file (then: everything is affected), but starts every plugin
  // worker to find out (a second or more on a large workspace): asked only when a changed file is gone.
  const deletedProjectFiles = fn(
    load('nx/src/project-graph/affected/locators/project-glob-changes'),
    'getTouchedProjectsFromProjectGlobChanges',
  ) as Locator | undefined;
  if (!deletedProjectFiles || locators.some((l) => !l)) return undefined;
  return async (files, graph, nxJson, workspaceRoot) => {
    const packageJson = readPackageJson();
    const touched: string[] = [];
    const someDeleted = files.some((f) => !existsSync(join(workspaceRoot, f.file)));
    for (const locate of someDeleted ? [...locators, deletedProjectFiles] : locators) {
      touched.push(...(await locate!(files, graph.nodes, nxJson, packageJson, graph)));
    }
    return [...new Set(touched)];
  };
}

/** Nx 24: one native call runs every locator (and looks at project globs only when a file was deleted). */
function nx24TouchedProjects(readPackageJson: (...args: never[]) => unknown): NxAffectedInternals['touchedProjects'] | undefined {
  const run = fn(load('nx/src/project-graph/affected/affected-projects'), 'runTouchedProjectLocators');
  if (!run) return undefined;
  return async (files, graph, nxJson) => [
    ...new Set((await run(graph as never, files as never, nxJson as never, readPackageJson() as never)) as string[]),
  ];
}

/** Nx 24's task selection, as `nx show projects --affected -t <target>` calls it. */
function nx24AffectedTasks() {
  const module = load('nx/src/project-graph/affected/affected-tasks');
  const selectsTasks = fn(module, 'selectsAffectedTasks') as ((nxJson: NxJsonConfiguration) => boolean) | undefined;
  const compute = fn(module, 'computeAffectedTasks');
  if (!selectsTasks || !compute) return undefined;
  interface Selection {
    taskSelection: { taskGraph: { tasks: Record<string, { target: { project: string } }> }; initiatingTaskIds: string[] };
  }
  return {
    selectsTasks,
    async projects({ files, graph, nxJson, target, base, head }: TaskQuery): Promise<string[]> {
      const selection = (await compute({
        projectGraph: graph,
        nxJson,
        targets: [target],
        touchedFiles: files,
        fileChangeArgs: { base, head },
      } as never)) as Selection;
      const { taskGraph, initiatingTaskIds } = selection.taskSelection;
      return [...new Set(initiatingTaskIds.map((id) => taskGraph.tasks[id].target.project))];
    },
  };
}
