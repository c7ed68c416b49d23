import type { NxJsonConfiguration, ProjectGraph } from '@nx/devkit';
import { findPluginEntry } from '../graph/plugin-entry';
import type { ProjectDependencies } from './affected-walk';
import { findImageDependencies, readWorkspaceImages, type ImageDependency } from '../graph/workspace-images';

/** Whether nx.json registers the plugin, so the project graph already holds the image dependencies. */
export const isPluginRegistered = (nxJson: NxJsonConfiguration): boolean => findPluginEntry(nxJson) !== undefined;

/**
 * The image dependencies of the graph's projects, by the rule and the code createDependencies uses: for a
 * workspace that does not register the plugin, whose project graph therefore lacks them.
 */
export function imageEdgesOf(graph: Pick<ProjectGraph, 'nodes'>, readFile: (path: string) => string): ImageDependency[] {
  const projects = Object.fromEntries(Object.values(graph.nodes).map((node) => [node.name, node.data]));
  return findImageDependencies(readWorkspaceImages(projects, readFile).images);
}

/** `dependencies` with `edges` added (only `target` is read by the affected walk). */
export function withImageEdges(dependencies: ProjectDependencies, edges: readonly ImageDependency[]): ProjectDependencies {
  if (edges.length === 0) return dependencies;
  const merged: Record<string, Array<{ target: string }>> = Object.fromEntries(
    Object.entries(dependencies).map(([source, deps]) => [source, [...deps]]),
  );
  for (const { source, target } of edges) (merged[source] ??= []).push({ target });
  return merged;
}
