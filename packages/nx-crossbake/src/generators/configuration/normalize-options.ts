import { normalizePlatforms } from '../../lib/docker/platforms';
import { assertImageTag, defaultImageTag } from '../../lib/options/image-names';
import type { PluginEntryOptions } from '../../lib/graph/plugin-entry';
import type { ConfigurationGeneratorSchema } from './schema';

const DEFAULT_PLATFORMS = ['linux/amd64', 'linux/arm64'];

interface NormalizedConfigurationOptions {
  project: string;
  targetName: string;
  platforms: string[];
  image: string;
  push: boolean;
  context: string | undefined;
  dockerfile: 'none' | 'node' | 'go';
  skipFormat: boolean;
}

/**
 * Every default applied once, in order: what the user typed, then the plugin's nx.json options (so a target
 * written here names images like the plugin's inferred ones), then the built-in default. Invalid platforms
 * or image names throw before anything is written.
 */
export function normalizeConfigurationOptions(
  options: ConfigurationGeneratorSchema,
  plugin: PluginEntryOptions,
): NormalizedConfigurationOptions {
  // Written in the form buildx and containerd normalize to (linux/arm → linux/arm/v7), as the executor reads them.
  const problems: string[] = [];
  const platforms = normalizePlatforms(options.platforms ?? plugin.platforms ?? DEFAULT_PLATFORMS, problems);
  if (platforms.length === 0) problems.push('no platforms: list at least one, e.g. linux/amd64,linux/arm64');
  if (problems.length > 0) throw new Error(`nx-crossbake:configuration: ${problems.join('; ')}`);

  const image = options.image?.trim() || defaultImageTag(options.project, options.registry ?? plugin.registry);
  assertImageTag(
    image,
    options.image ? 'check --image' : 'check --registry or the registry of the nx-crossbake entry in nx.json, or pass --image',
  );

  return {
    project: options.project,
    targetName: options.targetName?.trim() || 'docker-multiarch',
    platforms,
    image,
    push: options.push ?? false,
    context: options.context?.trim() || undefined,
    dockerfile: options.dockerfile ?? 'none',
    skipFormat: options.skipFormat ?? false,
  };
}
