/**
 * The Dockerfile, build context and platforms a multiarch target builds, read from its options as the
 * executor reads them (`file`, default `<projectRoot>/Dockerfile`; `context`, default the project root;
 * `platforms` as a list or CSV), else the plugin's nx.json entry.
 */
import { posix } from 'node:path';
import { joinPathFragments, type ProjectConfiguration } from '@nx/devkit';
import type { PluginEntryOptions } from '../lib/plugin-entry';

export interface TargetInputs {
  dockerfile: string;
  /** Workspace-relative, `.` for the workspace root. */
  context: string;
  platforms: string[];
}

const DEFAULT_PLATFORMS = ['linux/amd64', 'linux/arm64'];

const list = (value: unknown): string[] | undefined => {
  if (typeof value === 'string') return value.split(',').map((p) => p.trim()).filter(Boolean);
  return Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string') : undefined;
};

export function readTargetInputs(project: ProjectConfiguration, targetName: string, plugin: PluginEntryOptions): TargetInputs | string {
  const target = project.targets?.[targetName];
  if (target === undefined) {
    const names = Object.keys(project.targets ?? {});
    return `project '${project.name}' has no target '${targetName}'${names.length ? ` (it has ${names.join(', ')})` : ''}: pass --target=<the nx-crossbake:multiarch target>, or add one with \`nx g nx-crossbake:configuration --project=${project.name}\``;
  }
  const options = (target.options ?? {}) as Record<string, unknown>;
  const path = (value: string) => value.replace(/^\{projectRoot\}\/?/, `${project.root}/`).replace(/^\{workspaceRoot\}\/?/, '');
  const file = typeof options.file === 'string' ? path(options.file) : joinPathFragments(project.root, 'Dockerfile');
  const context = posix.normalize(typeof options.context === 'string' ? path(options.context) || '.' : project.root || '.').replace(/\/$/, '') || '.';
  return { dockerfile: file, context, platforms: list(options.platforms) ?? plugin.platforms ?? DEFAULT_PLATFORMS };
}
