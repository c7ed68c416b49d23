/**
 * The Dockerfile and platforms a multiarch target builds, read from its options as the executor reads them
 * (`file`, default `<projectRoot>/Dockerfile`; `platforms` as a list or CSV), else the plugin's nx.json entry.
 */
import { joinPathFragments, type ProjectConfiguration } from '@nx/devkit';
import type { PluginEntryOptions } from '../lib/plugin-entry';

export interface TargetInputs {
  dockerfile: string;
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
  const file = typeof options.file === 'string' ? options.file.replace(/^\{projectRoot\}\/?/, `${project.root}/`).replace(/^\{workspaceRoot\}\/?/, '') : joinPathFragments(project.root, 'Dockerfile');
  return { dockerfile: file, platforms: list(options.platforms) ?? plugin.platforms ?? DEFAULT_PLATFORMS };
}
