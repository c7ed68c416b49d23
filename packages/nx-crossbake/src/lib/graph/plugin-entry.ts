import type { NxJsonConfiguration, PluginConfiguration } from '@nx/devkit';

const PLUGIN_NAME = 'nx-crossbake';

/**
 * Options of the plugin's nx.json entry that the generators write or read. Mirrors the options the
 * plugin's createNodesV2 takes (`targetName`, `platforms`, `registry`, `push`).
 */
export interface PluginEntryOptions {
  targetName?: string;
  platforms?: string[];
  registry?: string;
  push?: boolean;
}

const pluginNameOf = (entry: PluginConfiguration) => (typeof entry === 'string' ? entry : entry.plugin);

/** The package name, or a relative path to the package (a workspace developing the plugin itself). */
const isCrossbake = (entry: PluginConfiguration) => {
  const name = pluginNameOf(entry);
  return name === PLUGIN_NAME || (name.startsWith('.') && name.replace(/\/+$/, '').endsWith(`/${PLUGIN_NAME}`));
};

export const findPluginEntry = (nxJson: NxJsonConfiguration | null): PluginConfiguration | undefined => nxJson?.plugins?.find(isCrossbake);

/** The options of the registered entry; `{}` for the string form or when it is not registered. */
export function pluginOptionsOf(nxJson: NxJsonConfiguration | null): PluginEntryOptions {
  const entry = findPluginEntry(nxJson);
  return entry && typeof entry !== 'string' ? ((entry.options ?? {}) as PluginEntryOptions) : {};
}

type Registration =
  /** Not registered before: the entry was appended. */
  | { outcome: 'added'; plugins: PluginConfiguration[] }
  /** Registered as a bare string and options were asked for: the string became the object form. */
  | { outcome: 'upgraded'; plugins: PluginConfiguration[] }
  /** Registered already and left exactly as it was; `ignored` lists asked-for options not written. */
  | { outcome: 'kept'; plugins: PluginConfiguration[]; ignored: string[] };

/**
 * nx.json `plugins` with nx-crossbake registered once. An existing object entry is the user's and is
 * never rewritten (its include/exclude and options may be deliberate); a bare string carries nothing,
 * so it may become an object when there are options to record.
 */
export function registerPlugin(plugins: readonly PluginConfiguration[], options: PluginEntryOptions): Registration {
  const wanted = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as PluginEntryOptions;
  const hasOptions = Object.keys(wanted).length > 0;
  const entry: PluginConfiguration = hasOptions ? { plugin: PLUGIN_NAME, options: wanted } : PLUGIN_NAME;
  const index = plugins.findIndex(isCrossbake);
  if (index < 0) return { outcome: 'added', plugins: [...plugins, entry] };

  const existing = plugins[index];
  if (typeof existing === 'string' && hasOptions) {
    const upgraded = [...plugins];
    upgraded[index] = { plugin: existing, options: wanted };
    return { outcome: 'upgraded', plugins: upgraded };
  }
  const current = typeof existing === 'string' ? {} : ((existing.options ?? {}) as Record<string, unknown>);
  const ignored = Object.entries(wanted)
    .filter(([key, value]) => JSON.stringify(current[key]) !== JSON.stringify(value))
    .map(([key]) => key);
  return { outcome: 'kept', plugins: [...plugins], ignored };
}
