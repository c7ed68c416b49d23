// Issue #12: `npm run bench` compares us with what users would pick instead, in one run, on the real rig.
//
//   node bench/compare.bench.js [N=8] [runs=3]     the benchmark (about 12 minutes with the defaults)
//   node bench/compare.bench.js [N] --dry-run      builds nothing: the workspace, nx-container's command
//                                                  line through a fake docker, and the Nx-only timings
//
// N services × 3 platforms (linux/amd64, linux/arm64, linux/arm/v7; arm under QEMU), each a Dockerfile FROM
// a shared base image (built once, before any measurement), then a CPU-bound step naming the service (so
// no two services share a step) that reads BUST, then a COPY (bench/compare-workspace.js). Cases, all on
// one docker-container builder on the rig's BuildKit (setup as the plugin's `docker-setup` makes it):
//   nxc  @nx-tools/nx-container: `nx run-many -t container` (its build executor, one build per project),
//   a    nx-crossbake: `nx run-many -t docker-multiarch --skip-nx-cache` (one bake),
//   b    raw `docker buildx bake`: the plugin's own bake command and bake file, run without Nx.
// Every case pushes every service's tag.
//
// Cold / warm: the builder's cache is never pruned. Every cold measurement gets a fresh BUST, so the
// service's own step and what follows miss every cache left by earlier cases and rounds; warm reruns at
// once with the same BUST. Cases are rotated from round to round; medians of `runs` rounds.
//
// Checked after every measurement: every service's tag names an image index with the 3 platforms whose
// arm/v7 history records that measurement's BUST, and a digest no earlier measurement pushed (a warm
// run may push its own cold run's digest again: that is what reproducible images are).
//
// Then, in the same workspace with nothing to build: `nx run tools:noop` (a do-nothing `nx run`),
// `nx run-many -t noop` (Nx's start-up for run-many, subtracted from (a) for the goal against (b)), a
// nothing-changed `nx run-many -t docker-multiarch` (Nx's cache), `nx affected` and our affected executor.
// Results: stdout (Markdown) and bench/results/<date>-<commit>.json.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { machine, median } = require('./lib');
const { repo, PLATFORMS, run, timed, versions, inspectPushed, removeLocalImages } = require('./rig');
const { BENCH_BUILDER, createCompareWorkspace } = require('./compare-workspace');
const { CASES, NX_COMMANDS, stats, computeRatios, computeGoals, formatReport } = require('./compare-report');
const { pool, loadSampler, rawBakeArgv, bakeFileOf, pluginSplitOf, checkNxContainerCall } = require('./compare-steps');

const argv = process.argv.slice(2);
if (argv.includes('--help')) {
  console.log(
    fs
      .readFileSync(__filename, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('//'))
      .map((l) => l.slice(3))
      .join('\n'),
  );
  process.exit(0);
}
const dryRun = argv.includes('--dry-run');
const [count = 8, runs = 3] = argv.filter((a) => !a.startsWith('--')).map(Number);
const workMb = Number(process.env.BENCH_WORK_MB ?? 64);
const runId = Date.now().toString(36);
const namespace = `127.0.0.1:5000/bench-${runId}`;
const baseRef = `${namespace}/base:1`;
const log = (message) => process.stderr.write(`[bench] ${message}\n`);

const NX_ARGS = {
  runNoop: ['run', 'tools:noop'],
  runManyNoop: ['run-many', '-t', 'noop', '--exclude=tools'],
  runManyNothing: ['run-many', '-t', 'docker-multiarch'],
  affectedNothing: ['affected', '-t', 'docker-multiarch', '--base=HEAD', '--head=HEAD'],
  dockerAffectedNothing: ['run', 'tools:docker-affected', '--base=HEAD', '--head=HEAD'],
};

/** Which build of the plugin was measured: BENCH_PLUGIN_DIR as given, or the repo's own at its commit. */
function pluginSource() {
  if (process.env.BENCH_PLUGIN_DIR) return process.env.BENCH_PLUGIN_LABEL ?? process.env.BENCH_PLUGIN_DIR;
  const git = (...a) => execFileSync('git', a, { cwd: repo, encoding: 'utf8' }).trim();
  return `packages/nx-crossbake at ${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'packages/nx-crossbake') ? ' + uncommitted changes' : ''}`;
}

/** Times the Nx-only commands `rounds` times each, rotated, after one unmeasured run each. */
async function timeNx(ws, keys, rounds, env = {}) {
  const samples = Object.fromEntries(keys.map((k) => [k, []]));
  for (const k of keys) await ws.nx(NX_ARGS[k], env);
  for (let round = 0; round < rounds; round++) {
    for (const k of keys.slice(round % keys.length).concat(keys.slice(0, round % keys.length))) {
      samples[k].push((await timed(() => ws.nx(NX_ARGS[k], env))).ms);
    }
  }
  return Object.fromEntries(keys.map((k) => [k, { command: NX_COMMANDS[k], ...stats(samples[k]) }]));
}

/** --dry-run: what can be checked without building anything. */
async function dry(ws) {
  const fake = ws.dockerShim({ fake: true });
  await ws.nx(['run', 'svc-0:container'], { ...fake.env, BENCH_BUST: 'dry' });
  const build = checkNxContainerCall(fake.calls(), { builder: BENCH_BUILDER, platforms: PLATFORMS, bust: 'dry', root: 'apps/svc-0' });
  log(`nx-container ran: docker ${build}`);
  const before = fake.calls().length;
  const nx = await timeNx(ws, ['runNoop', 'runManyNoop', 'affectedNothing', 'dockerAffectedNothing'], 1, fake.env);
  const buildx = fake
    .calls()
    .slice(before)
    .filter((c) => /(^| )buildx /.test(c));
  if (buildx.length) throw new Error(`the Nx-only commands started buildx: ${buildx.join('; ')}`);
  for (const r of Object.values(nx)) log(`${r.command}: ${(r.medianMs / 1000).toFixed(2)} s`);
  log('dry run: nothing was built');
}

async function main() {
  const started = Date.now();
  const load = loadSampler();
  log(
    `run ${runId}: ${count} services × ${PLATFORMS.length} platforms, ${runs} run(s), work ${workMb} MiB; namespace ${namespace}${dryRun ? '; dry run' : ''}`,
  );
  const ws = createCompareWorkspace({ count, namespace, baseRef, workMb });
  if (dryRun) return dry(ws);

  // The builder, as the plugin makes it, then the shared base image on it.
  await ws.nx(['run', 'tools:docker-setup']);
  await run(
    'docker',
    [
      'buildx',
      'build',
      '--builder',
      BENCH_BUILDER,
      '--progress',
      'plain',
      '--platform',
      PLATFORMS.join(','),
      '--tag',
      baseRef,
      '--push',
      'base',
    ],
    { cwd: ws.dir },
  );
  log(`base image ${baseRef} built and pushed on ${BENCH_BUILDER}`);

  // Unmeasured, every service through both tools with a docker shim: records the plugin's exact bake
  // command (builder, entitlements) and checks nx-container's command line. It also makes the first push
  // of the base layers into every image and cache repository, which would otherwise fall on whichever
  // case runs first.
  const shim = ws.dockerShim();
  await ws.nx(['run-many', '-t', 'docker-multiarch', '--skip-nx-cache'], { ...shim.env, BENCH_BUST: `warmup-${runId}` });
  const pluginBake = shim.calls().find((c) => / ?bake /.test(` ${c} `) && c.includes('--file'));
  if (!pluginBake) throw new Error('the plugin ran no bake');
  log(`the plugin's bake: docker ${pluginBake}`);
  const before = shim.calls().length;
  await ws.nx(['run-many', '-t', 'container'], { ...shim.env, BENCH_BUST: `warmup-${runId}` });
  log(
    `nx-container's build: docker ${checkNxContainerCall(shim.calls().slice(before), { builder: BENCH_BUILDER, platforms: PLATFORMS, bust: `warmup-${runId}`, root: 'apps/svc-0' })}`,
  );

  const rawDir = path.join(ws.dir, 'tmp/bench-raw');
  fs.mkdirSync(rawDir, { recursive: true });
  let rawBake; // argv of (b): the plugin's bake command on a copy of its latest full bake file
  const samples = Object.fromEntries(Object.keys(CASES).map((c) => [c, { cold: [], warm: [] }]));
  const pluginSplit = { cold: [], warm: [] };
  const checks = [];
  const retries = [];
  const seen = new Set();
  const coldDigests = new Map();

  const exec = {
    nxc: (bust) => ws.nx(['run-many', '-t', 'container'], { BENCH_BUST: bust }),
    a: async (bust) => {
      const out = await ws.nx(['run-many', '-t', 'docker-multiarch', '--skip-nx-cache'], { BENCH_BUST: bust });
      const bakeFile = bakeFileOf(out, count, ws.dir);
      // The bake file is the plugin's per-run file: copied at once for (b), wherever the plugin keeps it.
      fs.copyFileSync(bakeFile, path.join(rawDir, 'docker-bake.json'));
      rawBake = rawBakeArgv(pluginBake, path.join(rawDir, 'docker-bake.json'), path.join(rawDir, 'metadata.json'));
      return pluginSplitOf(out);
    },
    b: (bust) => run('docker', [...rawBake, '--set', `*.args.BUST=${bust}`], { cwd: ws.dir }),
  };

  async function verify(name, mode, bust, round) {
    const problems = [];
    await pool([...Array(count).keys()], 4, async (i) => {
      const ref = `${namespace}/svc-${i}:latest`;
      const pushed = await inspectPushed(ref);
      const history = (pushed.images['linux/arm/v7']?.history ?? []).map((h) => h.created_by ?? '');
      const mine = [];
      const key = `${name}/${round}/${i}`;
      const reproduced = mode === 'warm' && coldDigests.get(key) === pushed.digest;
      if (pushed.platforms.join(',') !== [...PLATFORMS].sort().join(',')) mine.push(`platforms ${pushed.platforms}`);
      if (seen.has(pushed.digest) && !reproduced) mine.push(`digest ${pushed.digest} was pushed before: nothing new was pushed`);
      if (!history.some((h) => h.includes(`BUST=${bust}`))) mine.push(`no BUST=${bust} in the arm/v7 image history`);
      seen.add(pushed.digest);
      if (mode === 'cold') coldDigests.set(key, pushed.digest);
      checks.push({ case: name, mode, round, ref, digest: pushed.digest, bust, reproduced, ok: mine.length === 0 });
      problems.push(...mine.map((p) => `${ref}: ${p}`));
    });
    if (problems.length) throw new Error(`${name} ${mode} round ${round + 1}: ${problems.join('; ')}`);
  }

  for (let round = 0; round < runs; round++) {
    // (a) before (b) in round 0 (its bake file feeds b); rotated afterwards so drift in the shared
    // engine's load does not always fall on the same case.
    const names = ['a', 'b', 'nxc'];
    const order = names.slice(round % names.length).concat(names.slice(0, round % names.length));
    for (const name of order) {
      let bust = `${runId}-r${round}-${name}`;
      for (const mode of ['cold', 'warm']) {
        let measured;
        for (let attempt = 1; !measured; attempt++) {
          try {
            measured = await timed(() => exec[name](bust));
          } catch (e) {
            // The engine and QEMU are shared: another user's test may unregister an emulator mid-run. Once
            // per measurement: keep the log, repair, measure again (cold with a fresh BUST).
            const file = path.join(ws.dir, 'failures', `r${round}-${name}-${mode}-${attempt}.log`);
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, e.output ?? e.stack);
            retries.push({ case: name, mode, round, log: path.relative(repo, file), error: e.message.split('\n')[0] });
            if (attempt > 1) throw e;
            log(
              `round ${round + 1}/${runs} ${name} ${mode} failed (${path.relative(repo, file)}); repairing the builder and measuring again`,
            );
            await ws.nx(['run', 'tools:docker-setup']);
            if (mode === 'cold') bust = `${bust}-retry`;
          }
        }
        samples[name][mode].push(measured.ms);
        if (name === 'a' && measured.result) pluginSplit[mode].push(measured.result);
        await verify(name, mode, bust, round);
        log(`round ${round + 1}/${runs} ${name} ${mode}: ${(measured.ms / 1000).toFixed(1)} s (${count} pushes checked)`);
      }
    }
  }

  const results = Object.fromEntries(
    Object.keys(CASES).map((c) => [c, { what: CASES[c], cold: stats(samples[c].cold), warm: stats(samples[c].warm) }]),
  );
  for (const mode of ['cold', 'warm']) {
    const of = (key) => Number(median(pluginSplit[mode].map((p) => p[key])).toFixed(2));
    if (pluginSplit[mode].length)
      results.a[mode].pluginReportsMedianS = { bake: of('bakeS'), builderSetup: of('setupS'), pluginOverhead: of('overheadS') };
  }

  // Nothing to build. Nx's cache is filled by one unmeasured run-many; then, with the shim, none of these
  // may start buildx, and our affected executor must say there is nothing to build.
  log('nothing to build: nx run, run-many, affected');
  await ws.nx(NX_ARGS.runManyNothing, { BENCH_BUST: `${runId}-nothing` });
  const quiet = ws.dockerShim();
  for (const key of ['runManyNothing', 'affectedNothing', 'dockerAffectedNothing']) {
    const out = await ws.nx(NX_ARGS[key], { ...quiet.env, BENCH_BUST: `${runId}-nothing` });
    if (key === 'dockerAffectedNothing' && !/nothing to build/.test(out))
      throw new Error(`${NX_COMMANDS[key]} did not say so:\n${out.slice(-2000)}`);
  }
  const buildx = quiet.calls().filter((c) => /(^| )buildx /.test(c));
  if (buildx.length) throw new Error(`a nothing-to-build command started buildx: ${buildx.join('; ')}`);
  const nx = await timeNx(ws, Object.keys(NX_ARGS), Math.max(runs, 5), { BENCH_BUST: `${runId}-nothing` });

  const ratios = computeRatios(results, nx);
  const removed = process.env.BENCH_KEEP_IMAGES ? 0 : await removeLocalImages(namespace);
  if (!process.env.BENCH_KEEP_BUILDER)
    await run('docker', ['buildx', 'rm', BENCH_BUILDER]).catch((e) => log(`builder not removed: ${e.message.split('\n')[0]}`));
  const report = {
    date: new Date().toISOString(),
    machine: machine(),
    cores: os.cpus().length,
    ...versions(),
    services: count,
    platforms: PLATFORMS,
    runs,
    workMiB: workMb,
    namespace,
    builder: BENCH_BUILDER,
    plugin: pluginSource(),
    pluginBakeCommand: `docker ${pluginBake}`,
    results,
    nothingToBuild: nx,
    ratios,
    goals: computeGoals(ratios),
    checks,
    retries,
    totalSeconds: Math.round((Date.now() - started) / 1000),
    load: load.stop(),
  };
  const full = count === 8 && runs === 3;
  // Named by the commit measured, so a result can never pass for a later commit's.
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  const name = `${report.date.slice(0, 10)}-${commit}${full ? '' : `-${count}svc-${runs}run`}`;
  const file = path.join(repo, 'bench/results', `${name}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`removed ${removed} local image tag(s) of ${namespace} from the engine's store (the registry keeps them)`);
  console.log(`${formatReport(report)}\nresults in ${path.relative(repo, file)}`);
}

main().catch((e) => {
  console.error(e.stack ?? e.message);
  process.exit(1);
});
