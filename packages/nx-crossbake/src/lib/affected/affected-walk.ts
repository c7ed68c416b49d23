/**
 * "Affected" as Nx computes it (Nx's project-graph/affected sources): changed files → the projects
 * that own them → every project that depends on one of those, found by one walk of the reversed graph.
 */

/** Each project's dependencies, as in Nx's `ProjectGraph.dependencies` (only `target` is read). */
export type ProjectDependencies = Readonly<Record<string, ReadonlyArray<{ readonly target: string }>>>;

/**
 * The touched projects (first, in the given order) and then, breadth-first, every project that depends on
 * one of them directly or transitively. O(V + E): the graph is reversed once and each project is queued
 * at most once thanks to a single visited set, which also makes cycles terminate. This runs on every
 * affected build of large workspaces, so keep it linear (it is benchmarked on 1000 projects).
 */
export function affectedProjects(touchedProjects: readonly string[], dependencies: ProjectDependencies): string[] {
  const dependents = new Map<string, string[]>();
  for (const [source, targets] of Object.entries(dependencies)) {
    for (const { target } of targets) {
      const list = dependents.get(target);
      if (list) list.push(source);
      else dependents.set(target, [source]);
    }
  }

  const visited = new Set(touchedProjects);
  const queue = [...visited];
  // A moving index rather than queue.shift(), which may copy the array on every call.
  for (let next = 0; next < queue.length; next++) {
    for (const dependent of dependents.get(queue[next]) ?? []) {
      if (visited.has(dependent)) continue;
      visited.add(dependent);
      queue.push(dependent);
    }
  }
  return queue;
}

/** Workspace-relative and POSIX: no `./`, no trailing `/`, and the workspace root as ''. */
const normalizePath = (path: string) => {
  const normalized = path
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
  return normalized === '.' ? '' : normalized;
};

/**
 * The projects owning the changed files (workspace-relative paths), in order of first appearance. A file
 * belongs to the project with the deepest root containing it; a project rooted at the workspace root
 * ('.' or '') owns whatever no other project does; without one, such files touch nothing.
 */
export function touchedProjectsFromFiles(files: readonly string[], projectRoots: Readonly<Record<string, string>>): string[] {
  const projectByRoot = new Map<string, string>();
  for (const [project, root] of Object.entries(projectRoots)) {
    const key = normalizePath(root);
    if (!projectByRoot.has(key)) projectByRoot.set(key, project);
  }

  const touched = new Set<string>();
  for (const file of files) {
    // Deepest first: the path itself, then each parent directory, then the workspace root.
    let owner: string | undefined;
    for (let dir = normalizePath(file); owner === undefined && dir !== ''; dir = dir.slice(0, Math.max(dir.lastIndexOf('/'), 0))) {
      owner = projectByRoot.get(dir);
    }
    owner ??= projectByRoot.get('');
    if (owner !== undefined) touched.add(owner);
  }
  return [...touched];
}
