/**
 * The ONLY file that imports Nx internals (deep imports, not public API). They are what
 * `nx show projects --affected` runs, unchanged across Nx 22, 23 and 24: the changed files between base and
 * head, and the locators that turn them into touched projects (files, implicit dependencies, nx.json and
 * lock-file changes, project globs). The walk from touched to affected projects is ours (graph/affected.ts).
 * If a future Nx moves them, `loadNxAffectedInternals` returns undefined and the caller asks the CLI instead.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { NxJsonConfiguration, ProjectGraph } from '@nx/devkit';

type FileChange = { file: string };
type Locator = (
  files: FileChange[],
  nodes: ProjectGraph['nodes'],
  nxJson: NxJsonConfiguration,
  packageJson: unknown,
  graph: ProjectGraph,
) => string[] | Promise<string[]>;

export interface NxAffectedInternals {
  changedFiles(base: string, head: string | undefined): FileChange[];
  touchedProjects(files: FileChange[], graph: ProjectGraph, nxJson: NxJsonConfiguration, workspaceRoot: string): Promise<string[]>;
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
      jsTouched.getTouchedProjects,
    ];
    // Only ever answers for a deleted project file (then: everything is affected), but starts every plugin
    // worker to find out (a second or more on a large workspace): asked only when a changed file is gone.
    const deletedProjectFiles: Locator = projectGlobs.getTouchedProjectsFromProjectGlobChanges;
    if ([...locators, deletedProjectFiles, parseFiles].some((f) => typeof f !== 'function')) return undefined;
    return {
      changedFiles(base, head) {
        // Without head, Nx counts uncommitted and untracked files too; so do we.
        const { files } = parseFiles({ base, head });
        return calculateFileChanges(files, { base, head });
      },
      async touchedProjects(files, graph, nxJson, workspaceRoot) {
        const packageJson = readPackageJson();
        const touched: string[] = [];
        const someDeleted = files.some((f) => !existsSync(join(workspaceRoot, f.file)));
        for (const locate of someDeleted ? [...locators, deletedProjectFiles] : locators) {
          touched.push(...(await locate(files, graph.nodes, nxJson, packageJson, graph)));
        }
        return [...new Set(touched)];
      },
    };
  } catch {
    return undefined;
  }
}
