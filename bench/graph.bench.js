// Issue #19: the project graph without the daemon, on a generated Nx workspace of N image projects (default
// 1000, the affected benchmark's), with the plugin's createDependencies on. Each round: `nx reset`, then
// `nx graph --file` twice: cold (no workspace data: every Dockerfile parsed) and warm (Nx's own caches and
// ours in place, nothing changed). Medians of `runs` rounds (default 3).
//
// BENCH_GRAPH_BEFORE=<folder of another built plugin (package.json, executors.json, generators.json, dist)>
// measures that build too, in a workspace of its own, rounds alternating: e.g. HEAD built in a git worktree.
// BENCH_PLUGIN_DIR (see rig.js) replaces the work tree's build. Every plugin must draw the same edges.
// Needs `npm run build`; no docker.
const fs = require('node:fs');
const path = require('node:path');
const { median, machine } = require('./lib');
const { BenchWorkspace, repo, timed } = require('./rig');
const { writeServices } = require('./affected-workspace.bench');

const count = Number(process.argv[2] ?? 1000);
const runs = Number(process.argv[3] ?? 3);
const CACHE_FILE = path.join('.nx', 'workspace-data', 'nx-crossbake-dockerfiles.hash');

const plugins = [
  ...(process.env.BENCH_GRAPH_BEFORE
    ? [{ label: process.env.BENCH_GRAPH_BEFORE_LABEL ?? 'before', dir: process.env.BENCH_GRAPH_BEFORE }]
    : []),
  { label: process.env.BENCH_PLUGIN_LABEL ?? 'work tree', dir: process.env.BENCH_PLUGIN_DIR ?? path.join(repo, 'packages/nx-crossbake') },
];

/**
 * A workspace of `count` services on a private copy of the plugin built in `dir` (rig.js's initNx, whose
 * completeness check still names the executors' old schema paths, is not used).
 */
function workspace(label, dir) {
  const ws = new BenchWorkspace(`graph-${count}-${label.replace(/[^a-z0-9]+/gi, '-')}`);
  const modules = path.join(ws.dir, 'node_modules');
  fs.mkdirSync(modules);
  for (const entry of fs.readdirSync(path.join(repo, 'node_modules'))) {
    if (entry !== 'nx-crossbake' && entry !== '.cache') fs.symlinkSync(path.join(repo, 'node_modules', entry), path.join(modules, entry));
  }
  if (!fs.existsSync(path.join(dir, 'dist/plugins/image-dependencies.js'))) throw new Error(`no built plugin in ${dir}: run npm run build`);
  for (const file of ['package.json', 'executors.json', 'generators.json', 'migrations.json', 'dist']) {
    fs.cpSync(path.join(dir, file), path.join(modules, 'nx-crossbake', file), { recursive: true, dereference: true });
  }
  if (fs.existsSync(path.join(dir, 'node_modules')))
    fs.symlinkSync(path.join(dir, 'node_modules'), path.join(modules, 'nx-crossbake', 'node_modules'));
  ws.write('package.json', { name: path.basename(ws.dir), private: true });
  ws.write('nx.json', { analytics: false, neverConnectToCloud: true, plugins: ['nx-crossbake'] });
  ws.write('.gitignore', 'node_modules\ntmp\n.nx\n');
  writeServices((file, content) => ws.write(file, content), count);
  return ws;
}

/** The image edges of the last `nx graph --file`, sorted: every plugin must draw the same. */
function edges(ws) {
  const { graph } = JSON.parse(fs.readFileSync(path.join(ws.dir, 'tmp', 'graph.json'), 'utf8'));
  return Object.entries(graph.dependencies)
    .flatMap(([source, deps]) => deps.map((d) => `${source} -> ${d.target} (${d.type})`))
    .sort();
}

async function main() {
  const cases = plugins.map((p) => ({ ...p, ws: workspace(p.label, p.dir), cold: [], warm: [], pluginCold: [], pluginWarm: [] }));
  // Nx's performance log names each plugin's createDependencies with its time: the plugin's own share.
  const graph = async (ws) => {
    const { ms, result } = await timed(() =>
      ws.nx(['graph', `--file=${path.join(ws.dir, 'tmp', 'graph.json')}`], { NX_PERF_LOGGING: 'true' }),
    );
    const plugin = /Time taken for 'nx-crossbake:createDependencies' ([\d.]+)ms/.exec(result);
    if (!plugin) throw new Error(`no createDependencies time for nx-crossbake in the output of nx graph:\n${result.slice(-2000)}`);
    return { ms, pluginMs: Number(plugin[1]) };
  };
  for (let round = 0; round < runs; round++) {
    // Alternate which plugin goes first, so a drift of the machine falls on both.
    for (const c of round % 2 ? [...cases].reverse() : cases) {
      await c.ws.nx(['reset']);
      const cold = await graph(c.ws);
      const warm = await graph(c.ws);
      c.cold.push(cold.ms);
      c.pluginCold.push(cold.pluginMs);
      c.warm.push(warm.ms);
      c.pluginWarm.push(warm.pluginMs);
      c.cached = fs.existsSync(path.join(c.ws.dir, CACHE_FILE));
      c.edges = edges(c.ws);
    }
  }
  if (cases[0].edges.length < count * 0.9) throw new Error(`only ${cases[0].edges.length} edges in the graph of ${count} services`);
  for (const c of cases.slice(1)) {
    if (JSON.stringify(c.edges) !== JSON.stringify(cases[0].edges)) throw new Error(`${c.label} draws other edges than ${cases[0].label}`);
  }

  const s = (ms) => `${(median(ms) / 1000).toFixed(2)} s (${(Math.min(...ms) / 1000).toFixed(2)}–${(Math.max(...ms) / 1000).toFixed(2)})`;
  const p = (ms) => `${Math.round(median(ms))} ms (${Math.round(Math.min(...ms))}–${Math.round(Math.max(...ms))})`;
  console.log(
    `machine: ${machine()}; ${count} image projects (${cases[0].edges.length} image edges), plugin createDependencies on, NX_DAEMON=false; medians of ${runs}`,
  );
  console.log(
    '| plugin | `nx graph` cold (after `nx reset`) | `nx graph` warm | its createDependencies, cold | warm | Dockerfile cache written |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const c of cases)
    console.log(`| ${c.label} | ${s(c.cold)} | ${s(c.warm)} | ${p(c.pluginCold)} | ${p(c.pluginWarm)} | ${c.cached ? 'yes' : 'no'} |`);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
