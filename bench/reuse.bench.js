// Reuse (docs/reuse.md): what a run costs when the registry already has the images, on the real rig.
//
//   node bench/reuse.bench.js [runs=3]        npm run bench:reuse builds the plugin first; about 5 minutes
//
// 1. Nothing changed, fresh runner. 8 services × 3 platforms (linux/amd64, linux/arm64, linux/arm/v7), each
//    `FROM` the rig's busybox and one COPY, built and pushed once by each tool. Then, `runs` rounds, rotated,
//    each case on a fresh runner (the builder removed, with its cache; a new CROSSBAKE_STATE_DIR):
//      plugin  `nx run-many -t docker-multiarch --skip-nx-cache` (reuse on, the executor's defaults): must run
//              no bake and create no builder; its own split is read from its last line;
//      nxc     @nx-tools/nx-container, `npm run bench`'s `container` target (bench/compare-workspace.js) with
//              a tag and cache of its own: the builder created first (`nx run tools:docker-setup`, timed
//              apart: a CI runner's setup-buildx step), then `nx run-many -t container --skip-nx-cache`;
//      noop    a do-nothing `nx run tools:echo --skip-nx-cache` (run-commands `echo`);
//      noopMany `nx run-many -t noop` over the 8 services (nx:noop): Nx's own floor for a run-many, for reading
//              the plugin's time (not part of the goal).
//    Goal: plugin ≤ noop + 1 s, with 0 bakes. Afterwards every tag must still name the digest first pushed.
// 2. One of 8 changed: a file in svc-3's context changed and committed, fresh runner, `--verbose`: the one
//    bake (docker shim) holds exactly svc-3; the other 7 are reused.
// 3. The key on a large context: in a workspace of its own, `big` (20,000 committed files in its context)
//    and `small` (one file), built once for linux/amd64 only (the key's cost does not depend on the platforms,
//    and one COPY of 20,000 files is quicker than three); then `runs` fresh-runner `nx run <p>:docker-multiarch`:
//    the plugin's reuse lookup (content key: context digest, base image resolved, registry lookup) of each.
//    bench/context-digest.bench.js times the context digest alone.
// Results: stdout (Markdown) and bench/results/<date>-<commit>-reuse.json.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { machine, median } = require('./lib');
const { repo, BASE_IMAGE, DOCKER_CONTAINER_SETUP, PLATFORMS, BenchWorkspace, run, timed, versions } = require('./rig');
const { serviceProject } = require('./compare-workspace');
const { bakeFileOf, loadSampler } = require('./compare-steps');
const { stats } = require('./compare-report');

/** This benchmark's own builder: removed before every fresh-runner measurement, so no one else's. */
const BUILDER = 'nx-crossbake-reuse-bench';
const COUNT = 8;
const CHANGED = 'svc-3';
const BIG_FILES = 20000;
/** The goal: with nothing changed, the plugin costs at most this over a do-nothing `nx run`. */
const ALLOWANCE_MS = 1000;
const log = (message) => process.stderr.write(`[bench] ${message}\n`);

/**
 * The plugin's last line: `nx-crossbake: 0 bake(s) in 0.0s; builder setup 0.0s; plugin overhead 0.4s (of which
 * reuse lookup 0.2s, pointing tags 0.0s)`; the part in brackets only when something was looked up. The last
 * such line of the output; undefined when there is none.
 */
function runSplitOf(output) {
  const re =
    /nx-crossbake: (\d+) bake\(s\) in ([\d.]+)s; builder setup ([\d.]+)s; plugin overhead ([\d.]+)s(?: \(of which reuse lookup ([\d.]+)s, pointing tags ([\d.]+)s\))?/g;
  const m = [...output.matchAll(re)].at(-1);
  if (!m) return undefined;
  const seconds = (s) => (s === undefined ? undefined : Number(s));
  return {
    bakes: Number(m[1]),
    bakeS: seconds(m[2]),
    setupS: seconds(m[3]),
    overheadS: seconds(m[4]),
    lookupS: seconds(m[5]),
    retagS: seconds(m[6]),
  };
}

/** The target names of a bake file's text, sorted. */
const bakeTargets = (bakeFileText) => Object.keys(JSON.parse(bakeFileText).target ?? {}).sort();

/** Docker calls that bake or create a builder: what a run with nothing to build must not make. */
const buildingCalls = (calls) => calls.filter((c) => /(^| )buildx( --builder \S+)? (bake|create) /.test(c));

/** The median of each field of the plugin's splits (those it printed). */
function medianSplit(splits) {
  const keys = ['bakes', 'bakeS', 'setupS', 'overheadS', 'lookupS', 'retagS'];
  return Object.fromEntries(
    keys.map((k) => {
      const values = splits.map((s) => s[k]).filter((v) => v !== undefined);
      return [k, values.length ? Number(median(values).toFixed(2)) : undefined];
    }),
  );
}

/** Plugin ≤ do-nothing `nx run` + 1 s, and no bake in any round. */
const nothingChangedGoal = (pluginMs, noopMs, bakes) => ({
  allowanceMs: ALLOWANCE_MS,
  overNoopMs: Math.round(pluginMs - noopMs),
  met: bakes.every((b) => b === 0) && pluginMs <= noopMs + ALLOWANCE_MS,
});

const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const row = (label, st) => `| ${label} | ${s(st.medianMs)} (${s(st.minMs)}–${s(st.maxMs)}) |`;
const splitText = (p) =>
  `${p.bakes} bake(s); bake ${p.bakeS}s; builder setup ${p.setupS}s; plugin overhead ${p.overheadS}s` +
  (p.lookupS === undefined ? '' : ` (reuse lookup ${p.lookupS}s, pointing tags ${p.retagS}s)`);

/** The Markdown the benchmark prints. */
function formatReport(r) {
  const n = r.nothingChanged;
  const c = r.oneChanged;
  const b = r.largeContext;
  return [
    `## Reuse (${r.date.slice(0, 10)}; ${r.machine}; Docker ${r.docker}, buildx ${r.buildx}, Nx ${r.nx}, nx-container ${r.nxContainer})`,
    '',
    `### Nothing changed, fresh runner: ${r.services} services × ${r.platforms.length} platforms, medians of ${r.runs}`,
    '',
    '| case | median (min–max) |',
    '| --- | --- |',
    row('nx-crossbake: `nx run-many -t docker-multiarch`', n.plugin),
    row('@nx-tools/nx-container: `nx run-many -t container`', n.nxc),
    row('  its builder created first (`nx run tools:docker-setup`)', n.nxcBuilderSetup),
    row('do-nothing `nx run tools:echo`', n.noop),
    row(`\`nx run-many -t noop\` (nx:noop, ${r.services} projects: Nx's run-many floor)`, n.noopMany),
    '',
    `The plugin, in its own words (medians): ${splitText(n.pluginSplit)}.`,
    `Goal: plugin ≤ do-nothing \`nx run\` + ${ALLOWANCE_MS / 1000} s, with 0 bakes: ${n.goal.met ? 'met' : '**not met**'} ` +
      `(${n.goal.overNoopMs >= 0 ? '+' : ''}${s(n.goal.overNoopMs)} over the do-nothing run). ` +
      `nx-container took ${(n.nxc.medianMs / n.plugin.medianMs).toFixed(1)}× the plugin's time, builder creation not counted.`,
    '',
    `### One of ${r.services} changed (${c.changed}), fresh runner`,
    '',
    `${s(c.ms)}; the bake held ${c.bakeTargets.join(', ')}; reused: ${c.reused.length} of ${r.services - 1} others. ${splitText(c.split)}.`,
    ...(c.processes ? ['', `Processes the plugin started (\`--verbose\`): ${c.processes}.`] : []),
    '',
    `### The key on a large context (${b.files} committed files) against one of one file (linux/amd64), fresh runner, medians of ${r.runs}`,
    '',
    '| project | whole `nx run` | reuse lookup (plugin) | plugin overhead |',
    '| --- | --- | --- | --- |',
    ...['big', 'small'].map((p) => `| ${p} | ${s(b[p].run.medianMs)} | ${b[p].split.lookupS}s | ${b[p].split.overheadS}s |`),
    '',
    `${r.totalSeconds} s in all; 1-minute load average ${r.load.mean} on average (max ${r.load.max}).`,
  ].join('\n');
}

/** A new Nx workspace whose `tools` project sets up the bench's builder (and holds `targets`). */
function benchWorkspace(name, targets = {}) {
  const ws = new BenchWorkspace(name);
  ws.initNx();
  ws.write('tools/project.json', {
    name: 'tools',
    root: 'tools',
    targets: {
      'docker-setup': { executor: 'nx-crossbake:setup', options: { ...DOCKER_CONTAINER_SETUP, builder: BUILDER, platforms: PLATFORMS } },
      ...targets,
    },
  });
  return ws;
}

/** The 8 services: ours with the executor's defaults; nx-container as `npm run bench` has it, with its own tag and cache. */
function servicesWorkspace(namespace) {
  const ws = benchWorkspace('reuse', { echo: { executor: 'nx:run-commands', options: { command: 'echo nothing' } } });
  for (let i = 0; i < COUNT; i++) {
    const project = serviceProject(i, namespace);
    // Not cacheable by Nx (the inferred default), so every run reaches the plugin.
    project.targets['docker-multiarch'] = {
      executor: 'nx-crossbake:multiarch',
      cache: false,
      options: { platforms: PLATFORMS, tags: [`${namespace}/svc-${i}:latest`], push: true, builder: BUILDER },
    };
    // A repository of its own, so that neither tool's push moves the other's tag; no BUST: nothing changes.
    const nxcRepository = `${namespace}/nxc-svc-${i}`;
    const nxc = project.targets.container.options;
    delete nxc['build-args'];
    Object.assign(nxc, {
      tags: [`${nxcRepository}:latest`],
      builder: BUILDER,
      'cache-from': [`type=registry,ref=${nxcRepository}:buildcache-nxc`],
      'cache-to': [`type=registry,ref=${nxcRepository}:buildcache-nxc,mode=max`],
    });
    ws.write(`apps/svc-${i}/project.json`, project);
    ws.write(`apps/svc-${i}/Dockerfile`, `FROM ${BASE_IMAGE}\nCOPY service.txt /srv/service.txt\n`);
    ws.write(`apps/svc-${i}/service.txt`, `service ${i}\n`);
  }
  ws.commitAll('services');
  return ws;
}

/** `big`: BIG_FILES files of 200 to 2,000 bytes in folders of 100, committed; `small`: one file. */
function largeContextWorkspace(namespace) {
  const ws = benchWorkspace('reuse-big');
  for (const name of ['big', 'small']) {
    ws.write(`apps/${name}/project.json`, {
      name,
      root: `apps/${name}`,
      targets: {
        'docker-multiarch': {
          executor: 'nx-crossbake:multiarch',
          cache: false,
          options: { platforms: ['linux/amd64'], tags: [`${namespace}/${name}:latest`], push: true, builder: BUILDER },
        },
      },
    });
    ws.write(`apps/${name}/Dockerfile`, `FROM ${BASE_IMAGE}\nCOPY src /app/src\n`);
  }
  ws.write('apps/small/src/main.txt', 'small\n');
  for (let i = 0; i < BIG_FILES; i++)
    ws.write(`apps/big/src/d${Math.floor(i / 1000)}/e${Math.floor(i / 100) % 10}/f${i}.txt`, `${`file ${i} `.repeat(20 + (i % 180))}\n`);
  ws.commitAll('contexts');
  return ws;
}

/** A fresh CI runner: the builder gone (its cache with it), and no plugin state; the env to run with. */
async function freshRunner() {
  await run('docker', ['buildx', 'rm', '--force', BUILDER]).catch(() => undefined);
  return { CROSSBAKE_STATE_DIR: fs.mkdtempSync(path.join(repo, 'tmp/bench/reuse-state-')) };
}

const report = (ws, project) =>
  JSON.parse(fs.readFileSync(path.join(ws.dir, `dist/nx-crossbake/apps/${project}/docker-multiarch/image.json`), 'utf8'));

async function indexDigest(ref) {
  return (await run('docker', ['buildx', 'imagetools', 'inspect', '--format', '{{json .Manifest.Digest}}', ref])).trim().replace(/"/g, '');
}

/** An Nx run through the docker shim: its time, output, the plugin's split and the docker calls it made. */
async function nxRun(ws, shim, args, env) {
  const before = shim.calls().length;
  const { ms, result: output } = await timed(() => ws.nx(args, { ...shim.env, ...env }));
  return { ms, output, split: runSplitOf(output), calls: shim.calls().slice(before) };
}

/** A run that must build nothing: 0 bakes by its own line, no bake or builder created by the shim, every task reused. */
function checkNothingBuilt(ws, r, projects, what) {
  const problems = [];
  if (!r.split) problems.push('no "nx-crossbake: … bake(s)" line');
  else if (r.split.bakes !== 0) problems.push(`${r.split.bakes} bake(s)`);
  const building = buildingCalls(r.calls);
  if (building.length) problems.push(`docker ${building.join('; docker ')}`);
  for (const p of projects) if (report(ws, p).status !== 'reused') problems.push(`${p} ${report(ws, p).status}`);
  if (problems.length) throw new Error(`${what} built something: ${problems.join(', ')}\n${r.output.slice(-3000)}`);
}

async function nothingChanged(ws, shim, namespace, runs) {
  const services = [...Array(COUNT).keys()].map((i) => `svc-${i}`);
  const first = await Promise.all(services.map((p) => indexDigest(`${namespace}/${p}:latest`)));
  const samples = { plugin: [], nxc: [], nxcBuilderSetup: [], noop: [], noopMany: [] };
  const splits = [];
  const cases = {
    plugin: async (env) => {
      const r = await nxRun(ws, shim, ['run-many', '-t', 'docker-multiarch', '--skip-nx-cache'], env);
      checkNothingBuilt(ws, r, services, 'nothing-changed run-many');
      splits.push(r.split);
      return r.ms;
    },
    nxc: async (env) => {
      samples.nxcBuilderSetup.push((await timed(() => ws.nx(['run', 'tools:docker-setup'], env))).ms);
      const r = await nxRun(ws, shim, ['run-many', '-t', 'container', '--skip-nx-cache'], env);
      const builds = r.calls.filter((c) => /(^| )buildx build /.test(c)).length;
      if (builds !== COUNT) throw new Error(`nx-container ran ${builds} buildx build(s), not ${COUNT}`);
      return r.ms;
    },
    noop: async (env) => (await timed(() => ws.nx(['run', 'tools:echo', '--skip-nx-cache'], env))).ms,
    noopMany: async (env) => (await timed(() => ws.nx(['run-many', '-t', 'noop', '--skip-nx-cache'], env))).ms,
  };
  const names = Object.keys(cases);
  for (let round = 0; round < runs; round++) {
    for (const name of names.slice(round % names.length).concat(names.slice(0, round % names.length))) {
      const ms = await cases[name](await freshRunner());
      samples[name].push(ms);
      log(`nothing changed, round ${round + 1}/${runs}, ${name}: ${s(ms)}`);
    }
  }
  const now = await Promise.all(services.map((p) => indexDigest(`${namespace}/${p}:latest`)));
  const moved = services.filter((p, i) => now[i] !== first[i]);
  if (moved.length) throw new Error(`nothing changed, yet the tags of ${moved.join(', ')} moved`);
  const st = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, stats(v)]));
  return {
    ...st,
    pluginSplit: medianSplit(splits),
    pluginSplits: splits,
    goal: nothingChangedGoal(
      st.plugin.medianMs,
      st.noop.medianMs,
      splits.map((p) => p.bakes),
    ),
  };
}

async function oneChanged(ws, shim) {
  ws.write(`apps/${CHANGED}/service.txt`, `${CHANGED}, changed\n`);
  ws.commitAll(`${CHANGED} changed`);
  const r = await nxRun(ws, shim, ['run-many', '-t', 'docker-multiarch', '--skip-nx-cache', '--verbose'], await freshRunner());
  const bakes = r.calls.filter((c) => /(^| )buildx( --builder \S+)? bake /.test(c));
  if (bakes.length !== 1) throw new Error(`one changed: ${bakes.length} bakes, not 1`);
  const file = bakeFileOf(r.output, 1, ws.dir);
  if (!bakes[0].includes(`--file ${file}`)) throw new Error(`the bake read another file than the log names: ${bakes[0]}`);
  const targets = bakeTargets(fs.readFileSync(file, 'utf8'));
  if (targets.join() !== CHANGED) throw new Error(`one changed: the bake held ${targets.join(', ')}, not ${CHANGED}`);
  const others = [...Array(COUNT).keys()].map((i) => `svc-${i}`).filter((p) => p !== CHANGED);
  const reused = others.filter((p) => report(ws, p).status === 'reused');
  if (reused.length !== others.length || report(ws, CHANGED).status !== 'built')
    throw new Error(`one changed: ${CHANGED} ${report(ws, CHANGED).status}, reused ${reused.join(', ')}`);
  const processes = r.output.match(/nx-crossbake: processes started: (.+)$/m)?.[1];
  return { changed: CHANGED, ms: Math.round(r.ms), bakeTargets: targets, reused, split: r.split, processes };
}

async function largeContext(namespace, runs) {
  const ws = largeContextWorkspace(namespace);
  const shim = ws.dockerShim();
  const built = await timed(() => ws.nx(['run-many', '-t', 'docker-multiarch'], shim.env));
  log(`large context: big (${BIG_FILES} files) and small built and pushed in ${s(built.ms)}`);
  const out = {};
  for (const p of ['big', 'small']) out[p] = { runs: [], splits: [] };
  for (let round = 0; round < runs; round++) {
    for (const p of round % 2 ? ['small', 'big'] : ['big', 'small']) {
      const r = await nxRun(ws, shim, ['run', `${p}:docker-multiarch`, '--skip-nx-cache'], await freshRunner());
      checkNothingBuilt(ws, r, [p], `nx run ${p}`);
      out[p].runs.push(r.ms);
      out[p].splits.push(r.split);
      log(`large context, round ${round + 1}/${runs}, ${p}: ${s(r.ms)}, reuse lookup ${r.split.lookupS}s`);
    }
  }
  const result = { files: BIG_FILES };
  for (const p of ['big', 'small']) result[p] = { run: stats(out[p].runs), split: medianSplit(out[p].splits), splits: out[p].splits };
  return result;
}

async function main(runs) {
  const started = Date.now();
  const load = loadSampler();
  const runId = Date.now().toString(36);
  const namespace = `127.0.0.1:5000/bench-reuse-${runId}`;
  log(`run ${runId}: ${COUNT} services × ${PLATFORMS.length} platforms, ${runs} round(s); namespace ${namespace}; builder ${BUILDER}`);
  const ws = servicesWorkspace(namespace);
  const shim = ws.dockerShim();

  // Built and pushed once by each tool, unmeasured: what the registry holds when the pipeline runs again.
  await ws.nx(['run', 'tools:docker-setup']);
  const builtOnce = await timed(() => ws.nx(['run-many', '-t', 'docker-multiarch'], shim.env));
  log(`built and pushed by the plugin in ${s(builtOnce.ms)}`);
  await ws.nx(['run-many', '-t', 'container'], shim.env);
  log('built and pushed by nx-container');

  const nothing = await nothingChanged(ws, shim, namespace, runs);
  const changed = await oneChanged(ws, shim);
  log(`one changed: ${s(changed.ms)}, bake of ${changed.bakeTargets.join(', ')}`);
  const large = await largeContext(namespace, runs);
  await freshRunner(); // the builder removed (the large-context runs reused everything, so there may be none)

  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages/nx-crossbake'], { cwd: repo, encoding: 'utf8' }).trim();
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    cores: os.cpus().length,
    ...versions(),
    plugin: `packages/nx-crossbake at ${commit}${dirty ? ' + uncommitted changes' : ''}`,
    services: COUNT,
    platforms: PLATFORMS,
    runs,
    namespace,
    builder: BUILDER,
    nothingChanged: nothing,
    oneChanged: changed,
    largeContext: large,
    totalSeconds: Math.round((Date.now() - started) / 1000),
    load: load.stop(),
  };
  const file = path.join(repo, 'bench/results', `${result.date.slice(0, 10)}-${commit}-reuse${runs === 3 ? '' : `-${runs}run`}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`${formatReport(result)}\n\nresults in ${path.relative(repo, file)}`);
}

module.exports = { runSplitOf, bakeTargets, buildingCalls, medianSplit, nothingChangedGoal, formatReport };

if (require.main === module) {
  main(Number(process.argv[2] ?? 3)).catch((e) => {
    console.error(e.stack ?? e.message);
    process.exit(1);
  });
}
