/**
 * The ONLY file that imports Nx internals (deep imports, not public API). They are what
 * `nx show projects --affected` runs, unchanged across Nx 22, 23 and 24: the changed files between base and
 * head, and the locators that turn them into touched projects (files, implicit dependencies, nx.json and
 * lock-file changes, project globs). The walk from touched to affected projects is ours (graph/affected.ts).
 * If a future Nx moves them, `loadNxAffectedInternals` returns undefined and the caller asks the CLI instead.
 */
import type { NxJsonConfiguration, ProjectGraph } from '@nx/devkit';

type FileChange = unknown;
type Locator = (
  files: FileChange[],
  nodes: ProjectGraph['nodes'],
  nxJson: NxJsonConfiguration,
  packageJson: unknown,
  graph: ProjectGraph,
) => string[] | Promise<string[]>;

export interface NxAffectedInternals {
  changedFiles(base: string, head: string | undefined): FileChange[];
  touchedProjects(files: FileChange[], graph: ProjectGraph, nxJson: NxJsonConfiguration): Promise<string[]>;
}

/* eslint-disable @typescript-eslint/no-require-imports */
export function loadNxAffectedInternals(): NxAffectedInternals | undefined {
  try {
    const { parseFiles } = require('nx/src/utils/command-line-utils');
    const { calculateFileChanges, readPackageJson } = require('nx/src/project-graph/file-utils');
    const workspaceProjects = require('nx/src/project-graph/affected/locators/workspace-projects');
    const projectGlobs = require('nx/src/project-graph/affected/locators/project-glob-changes');
    const jsTouched = require('nx/src/plugins/js/project-graph/affected/touched-projects');
    const locators: Locator[] = [
      workspaceProjects.getTouchedProjects,
      workspaceProjects.getImplicitlyTouchedProjects,
      projectGlobs.getTouchedProjectsFromProjectGlobChanges,
      jsTouched.getTouchedProjects,
    ];
    if (locators.some((l) => typeof l !== 'function') || typeof parseFiles !== 'function') return undefined;
    return {
      changedFiles(base, head) {
        // Without head, Nx counts uncommitted and untracked files too; so do we.
        const { files } = parseFiles({ base, head });
        return calculateFileChanges(files, { base, head });
      },
      async touchedProjects(files, graph, nxJson) {
        const packageJson = readPackageJson();
        const touched: string[] = [];
        for (const locate of locators) touched.push(...(await locate(files, graph.nodes, nxJson, packageJson, graph)));
        return [...new Set(touched)];
      },
    };
  } catch {
    return undefined;
  }
}
