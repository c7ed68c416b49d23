// The plugin's layers, bottom first: a folder may import from the folders of lower rows only (and from
// itself). Folders on one row are siblings and do not import each other. The README's "Repository layout"
// draws the same order; eslint.config.cjs turns it into import-x/no-restricted-paths zones.
const LIB_LAYERS = [
  ['core'], // neutral mechanisms: errors, names, lock, state files, atomic JSON files, private folders, CSV
  ['process'], // the one process runner
  ['docker', 'git', 'registry', 'cosign', 'npm-registry'], // the CLIs we run, one module per tool: argv builders, parsers, typed operations; the registries' HTTP APIs (OCI, npm)
  ['dockerfile'], // pure: the Dockerfile parser, image refs in FROM, the .dockerignore matcher
  ['options'], // one task's options: schemas, read, validate, normalize
  ['facts'], // what the run learns about each task: source dates, the .dockerignore BuildKit applies
  ['graph'], // images between projects: workspace images, tag patterns, inputs, plugin entry
  ['affected', 'advisor'], // what changed since base; which steps run under QEMU
  ['reuse'], // content keys, and images already in the registry for them
  ['bake'], // pure: bake target names, the definition, links, entitlements
  ['builder'], // the shared builder: spec, plan, QEMU, drift, readiness, ensure/remove
  ['results'], // metadata, failures, hints, reports, summary
  ['run'], // one run: checks → builder → bakes → results
];
/** Above lib/: what Nx loads. lib/ never imports them. */
const ENTRY_POINTS = ['executors', 'generators', 'plugins', 'migrations', 'release', 'index.ts'];

/** import-x/no-restricted-paths zones for the source folder `src` (relative to the repository root). */
function layerZones(src) {
  const zones = [];
  LIB_LAYERS.forEach((row, level) => {
    for (const folder of row) {
      const above = LIB_LAYERS.slice(level + 1).flat();
      const siblings = row.filter((f) => f !== folder);
      zones.push({
        target: `${src}/lib/${folder}`,
        from: [...above, ...siblings].map((f) => `${src}/lib/${f}`).concat(ENTRY_POINTS.map((e) => `${src}/${e}`)),
        message: `lib/${folder} is below ${[...above, ...siblings].join(', ')} and Nx's entry points: it may import only from ${LIB_LAYERS.slice(0, level).flat().join(', ') || 'nothing in lib'} (scripts/layers.cjs).`,
      });
    }
  });
  return zones;
}

module.exports = { LIB_LAYERS, ENTRY_POINTS, layerZones };
