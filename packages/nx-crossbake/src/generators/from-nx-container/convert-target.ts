import type { TargetConfiguration } from '@nx/devkit';
import { getReportOutput } from '../../lib/results/report';
import { convertOptions, MULTIARCH_OPTIONS, type SchemaProperty } from './convert-options';
import { ensureResult } from './ensure-result';
import { convertMetadata } from './metadata-tags';
import type { AppliedDefaults } from './target-defaults';
import type { Unsupported } from './types';
import { MULTIARCH_EXECUTOR } from '../../lib/core/executor-names';

export { MULTIARCH_EXECUTOR };

interface TargetConversion {
  target: TargetConfiguration;
  /** Each item says where it was found: `options` or `configurations.<name>`. */
  unsupported: Array<Unsupported & { where: string }>;
  notes: string[];
}

type Options = Record<string, unknown>;
const optionsOf = (value: unknown): Options => (typeof value === 'object' && value !== null ? (value as Options) : {});

/**
 * What Nx ran: the targetDefaults merged under the target, as Nx does (options and each configuration
 * shallowly; other properties only where the target has none).
 */
function withDefaults(target: TargetConfiguration, defaults: Partial<TargetConfiguration> | undefined): TargetConfiguration {
  if (!defaults) return target;
  const names = new Set([...Object.keys(defaults.configurations ?? {}), ...Object.keys(target.configurations ?? {})]);
  const configurations = Object.fromEntries(
    [...names].map((name) => [name, { ...optionsOf(defaults.configurations?.[name]), ...optionsOf(target.configurations?.[name]) }]),
  );
  return {
    ...defaults,
    ...target,
    options: { ...optionsOf(defaults.options), ...optionsOf(target.options) },
    ...(names.size > 0 && { configurations }),
  };
}

/**
 * One `@nx-tools/nx-container:build` target as an `nx-crossbake:multiarch` target: options and every
 * configuration converted, the rest of the target (dependsOn, inputs, cache…) kept. The caller keeps the
 * original next to it; everything not carried over is listed.
 */
export function convertTarget(
  original: TargetConfiguration,
  targetName: string,
  {
    stopsApplying,
    multiarchOptions = MULTIARCH_OPTIONS,
  }: { stopsApplying?: AppliedDefaults; multiarchOptions?: Readonly<Record<string, SchemaProperty>> } = {},
): TargetConversion {
  const notes: string[] = [];
  const unsupported: TargetConversion['unsupported'] = [];
  // targetDefaults that applied under nx-container's executor and will not under nx-crossbake's: inlined.
  const effective = withDefaults(original, stopsApplying?.defaults);
  if (stopsApplying)
    notes.push(`nx.json targetDefaults['${stopsApplying.key}'] written into the target: it no longer applies once the executor changes`);

  const raw = optionsOf(effective.options);
  const base = convertOptions(raw, { multiarchOptions });
  unsupported.push(...base.unsupported.map((u) => ({ ...u, where: 'options' })));
  notes.push(...base.notes);
  if (base.options.context === undefined) {
    base.options.context = '.';
    notes.push("context '.' written: nx-container's default is the workspace root, nx-crossbake's the project folder");
  }
  // nx-container only cached what cache-from/cache-to named; nx-crossbake's per-project cache would
  // start writing buildcache tags to the registry of a pushed image, so it is kept off.
  if ('cache' in multiarchOptions && base.options['cache-from'] === undefined && base.options['cache-to'] === undefined) {
    base.options.cache = 'none';
    notes.push("cache 'none' written: nx-container used no cache but the builder's own; remove it to let nx-crossbake cache per project");
  }
  if (base.options.platforms === undefined) {
    notes.push(
      "no platforms: nx-container built for the builder's own platform, nx-crossbake builds linux/amd64 and linux/arm64 unless 'platforms' says otherwise",
    );
  }

  const metadataInherited = convertMetadata(raw.metadata) !== undefined;
  const configurations: Record<string, Options> = {};
  for (const [name, configuration] of Object.entries(effective.configurations ?? {})) {
    const converted = convertOptions(optionsOf(configuration), { metadataInherited, multiarchOptions });
    configurations[name] = converted.options;
    unsupported.push(...converted.unsupported.map((u) => ({ ...u, where: `configurations.${name}` })));
    notes.push(...converted.notes.map((n) => `configuration '${name}': ${n}`));
  }
  notes.push(...ensureResult(base.options, configurations));

  const outputs = effective.outputs ?? [];
  const report = getReportOutput(targetName);
  const target: TargetConfiguration = {
    ...effective,
    executor: MULTIARCH_EXECUTOR,
    // The executor writes the project's image.json report there.
    outputs: outputs.includes(report) ? outputs : [...outputs, report],
    options: base.options,
    ...(effective.configurations && { configurations }),
  };
  return { target, unsupported, notes };
}
