// Issue #4: the bake definition of a 1000-service workspace, and the affected walk over its graph.
// Pure functions only (no Docker): `npm run build` first; `node bench/definition.bench.js [N]`.
const path = require('node:path');
const { measure, machine, fmt } = require('./lib');
const { services, dependencies } = require('./synthetic');

const dist = path.join(__dirname, '../packages/nx-crossbake/dist/lib');
const { assignTargetNames } = require(`${dist}/bake/target-names`);
const { getBakeDefinition } = require(`${dist}/bake/definition`);
const { linkSiblingImages } = require(`${dist}/bake/links`);
const { getBakeEntitlements } = require(`${dist}/bake/entitlements`);
const { affectedProjects } = require(`${dist}/graph/affected`);

async function main() {
  const count = Number(process.argv[2] ?? 1000);
  const all = services(count);
  const deps = dependencies(count);

  // What the run pipeline does between "options are valid" and "bake file written", with the privileges
  // (`--allow`) the targets need.
  const definition = await measure(() => {
    const names = assignTargetNames(all);
    const { contexts } = linkSiblingImages(all);
    const bake = getBakeDefinition(all, names, contexts);
    getBakeEntitlements(bake, process.cwd());
    return JSON.stringify(bake);
  });
  const size = JSON.stringify(getBakeDefinition(all, assignTargetNames(all), linkSiblingImages(all).contexts)).length;

  // A change to one shared library near the bottom of the graph: most services are affected.
  const wide = await measure(() => affectedProjects(['lib-1'], deps));
  const narrow = await measure(() => affectedProjects([all[5].project], deps));

  console.log(`machine: ${machine()}`);
  console.log(
    `bake definition, ${count} services x 3 platforms (names + sibling links + --allow + JSON, ${(size / 1024).toFixed(0)} KiB): median ${fmt(definition.medianMs)} (min ${fmt(definition.minMs)}, max ${fmt(definition.maxMs)})`,
  );
  console.log(
    `affected walk, ${count} services + 50 libs, one low library touched (${affectedProjects(['lib-1'], deps).length} affected): median ${fmt(wide.medianMs)}`,
  );
  console.log(`affected walk, one leaf service touched: median ${fmt(narrow.medianMs)}`);
  console.log(`goal: definition < 100 ms: ${definition.medianMs < 100 ? 'met' : 'NOT met'}`);
}

main();
