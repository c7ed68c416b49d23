type Options = Record<string, unknown>;

const CACHE_ONLY = 'type=cacheonly';
const producesSomething = (o: Options) => o.push === true || o.load === true || (Array.isArray(o.outputs) && o.outputs.length > 0);

/**
 * nx-container let a build end in the build cache (no push, no load, no output); the multiarch executor
 * refuses that as a likely mistake. So where nothing would be produced, the build goes to the cache only,
 * as before — in the options and in each configuration, judged on the options Nx merges for it. A
 * configuration that pushes or loads drops the cache-only output it would otherwise inherit.
 * Mutates and returns notes.
 */
export function ensureResult(options: Options, configurations: Record<string, Options>): string[] {
  const notes: string[] = [];
  if (!producesSomething(options)) {
    options.outputs = [CACHE_ONLY];
    notes.push(
      "outputs ['type=cacheonly'] added: nothing is pushed, loaded or exported, so the image stays in the build cache as with nx-container",
    );
  }
  for (const [name, configuration] of Object.entries(configurations)) {
    const merged = { ...options, ...configuration };
    const inheritsCacheOnly =
      !('outputs' in configuration) && Array.isArray(options.outputs) && options.outputs.length === 1 && options.outputs[0] === CACHE_ONLY;
    if (!producesSomething(merged)) {
      configuration.outputs = [CACHE_ONLY];
      notes.push(`configuration '${name}': outputs ['type=cacheonly'] added, as it pushes and loads nothing`);
    } else if (inheritsCacheOnly && (merged.push === true || merged.load === true)) {
      configuration.outputs = [];
      notes.push(`configuration '${name}': outputs [] so it does not also inherit the cache-only output`);
    }
  }
  return notes;
}
