// Issue #7, item 1: one bake vs raw bake vs one build per service, on the real rig.
//
//   node bench/compare.bench.js [N=8] [runs=3]
//
// N services × 3 platforms (linux/amd64, linux/arm64, linux/arm/v7, arm under QEMU). Each service's
// Dockerfile is FROM a base image this benchmark builds once (FROM the rig's busybox), then a CPU-bound
// RUN of its own (sha256 of the service's name, BUST and BENCH_WORK_MB MiB, default 64: about 0.5 s
// natively alone, 2–4 s under QEMU; with 24 of them at once on 2 cores a cold bake of 8 services takes
// about 40 s, which keeps the whole benchmark under 15 minutes), then a COPY of a per-service file. Cases:
//   a      the plugin: `nx run-many -t docker-multiarch` in a generated Nx workspace (one bake),
//   b      raw `docker --context nx-crossbake buildx bake --file <the bake file the plugin wrote> --push`,
//   c-seq  one `docker buildx build --platform … --push` per service, one after the other,
//   c-par3 the same, 3 at a time (what per-project plugins do under `nx run-many --parallel=3`).
// b and c use the plugin's builder and exactly the plugin's bake targets (tags, args, labels, cache-from,
// cache-to, outputs), so only the way of running them differs.
//
// Cold / warm: the shared engine's build cache is never pruned. Every cold measurement (of every case)
// gets a fresh BUST value, which the RUN step reads, so the CPU step and everything after it misses the
// cache left by any earlier case or run; "warm" reruns at once with the same value: every step is
// cached, what remains is the run itself, the export and the push. The base image is built once,
// before any measurement, and is shared by every case (as a real base image would be).
//
// Each measurement is checked: the tag of one service (a different one each round) must name a fresh
// image index in the registry (a digest not seen before), with all 3 platforms, whose arm/v7 image's
// history records the BUST of that measurement.
//
// Then the nothing-changed affected run on 50 services (bench/nothing-changed.bench.js).
// Results: stdout (Markdown) and bench/results/compare.json.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { machine, median } = require('./lib');
const { repo, BASE_IMAGE, BINFMT_IMAGE, PLATFORMS, run, timed, versions, BenchWorkspace, imageProject, inspectPushed, removeLocalImages } = require('./rig');
const { nothingChanged } = require('./nothing-changed.bench');

const count = Number(process.argv[2] ?? 8);
const runs = Number(process.argv[3] ?? 3);
const workMb = Number(process.env.BENCH_WORK_MB ?? 64);
const runId = Date.now().toString(36);
const namespace = `127.0.0.1:5000/bench-${runId}`;
const baseRef = `${namespace}/base:1`;
const log = (message) => process.stderr.write(`[bench] ${message}\n`);

const CASES = {
  a: 'plugin: `nx run-many -t docker-multiarch` (one bake)',
  b: 'raw `docker buildx bake --push` of the plugin\'s bake file',
  'c-seq': 'one `docker buildx build --push` per service, sequential',
  'c-par3': 'one `docker buildx build --push` per service, 3 at a time',
};

function createWorkspace() {
  const ws = new BenchWorkspace('compare');
  // The targets are written in project.json; the plugin is not registered in nx.json, since its inferred
  // targets would add `type=cacheonly` to these pushing targets' outputs (merged under the explicit ones).
  ws.initNx();
  ws.write('tools/project.json', {
    name: 'tools',
    root: 'tools',
    targets: { 'docker-setup': { executor: 'nx-crossbake:setup', options: { driver: 'docker', 'qemu-image': BINFMT_IMAGE } } },
  });
  // The shared base: not a project (no project.json), built once below.
  ws.write('base/Dockerfile', `FROM ${BASE_IMAGE}\nRUN mkdir -p /srv && echo base > /srv/base.txt\n`);
  for (let i = 0; i < count; i++) {
    const root = `apps/svc-${i}`;
    ws.write(
      `${root}/project.json`,
      imageProject(
        `svc-${i}`,
        root,
        { platforms: PLATFORMS, tags: [`${namespace}/svc-${i}:latest`], push: true, 'build-args': ['BUST=$BENCH_BUST'] },
        { cache: false, outputs: ['{workspaceRoot}/dist/nx-crossbake/{projectRoot}'] },
      ),
    );
    ws.write(
      `${root}/Dockerfile`,
      [
        `FROM ${baseRef}`,
        'ARG BUST=none',
        // The service's name in the step: identical steps would be solved once for all services (BuildKit
        // merges equal vertices, within one bake and across concurrent builds), which no real services do.
        `RUN { echo "svc-${i} $BUST"; head -c ${workMb * 1024 * 1024} /dev/zero; } | sha256sum > /srv/work.sum`,
        'COPY service.txt /srv/service.txt',
        '',
      ].join('\n'),
    );
    ws.write(`${root}/service.txt`, `service ${i}\n`);
  }
  ws.commitAll('services');
  return ws;
}

/** `docker buildx build` argv for one bake target: the same build, run alone. */
function buildArgv(builderArgs, target, bust) {
  const args = { ...(target.args ?? {}), BUST: bust };
  const argv = [...builderArgs, 'buildx', 'build', '--progress', 'plain', '--platform', target.platforms.join(',')];
  for (const tag of target.tags ?? []) argv.push('--tag', tag);
  for (const [k, v] of Object.entries(args)) argv.push('--build-arg', `${k}=${v}`);
  for (const [k, v] of Object.entries(target.labels ?? {})) argv.push('--label', `${k}=${v}`);
  for (const c of target['cache-from'] ?? []) argv.push('--cache-from', c);
  for (const c of target['cache-to'] ?? []) argv.push('--cache-to', c);
  for (const a of target.attest ?? []) argv.push('--attest', a);
  if (!(target.output ?? []).every((o) => o === 'type=image,push=true')) throw new Error(`unexpected outputs ${target.output}`);
  argv.push('--push', '--file', path.posix.join(target.context, target.dockerfile), target.context);
  return argv;
}

async function pool(items, size, fn) {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(size, queue.length) }, async () => {
    while (queue.length) await fn(queue.shift());
  }));
}

async function main() {
  const started = Date.now();
  const loadAtStart = os.loadavg().map((l) => Number(l.toFixed(2)));
  log(`run ${runId}: ${count} services × ${PLATFORMS.length} platforms, ${runs} run(s), work ${workMb} MiB; namespace ${namespace}`);
  const ws = createWorkspace();

  // The builder, as the plugin makes it (QEMU, the docker-driver context), then the shared base image.
  await ws.nx(['run', 'tools:docker-setup']);
  await run('docker', ['--context', 'nx-crossbake', 'buildx', 'build', '--progress', 'plain', '--platform', PLATFORMS.join(','), '--tag', baseRef, '--push', 'base'], { cwd: ws.dir });
  log(`base image ${baseRef} built and pushed`);

  // Unmeasured: one project through the plugin with a docker shim, to record the plugin's exact bake
  // command line (its builder), and to let Nx compute and cache the project graph.
  const shim = ws.dockerShim();
  await ws.nx(['run-many', '-t', 'docker-multiarch', '-p', 'svc-0'], { ...shim.env, BENCH_BUST: `warmup-${runId}` });
  const pluginBake = shim.calls().find((c) => / buildx bake /.test(`${c} `) || c.startsWith('buildx bake'));
  if (!pluginBake) throw new Error('the plugin ran no bake');
  const builderArgs = pluginBake.split(' ').slice(0, pluginBake.split(' ').indexOf('buildx'));
  log(`the plugin's bake: docker ${pluginBake}`);

  let bakeFile; // workspace-relative, from the plugin's own output of a full run
  const seen = new Set();
  const samples = Object.fromEntries(Object.keys(CASES).map((c) => [c, { cold: [], warm: [] }]));
  const checks = [];
  const retries = []; // measurements that failed once (shared engine) and were measured again
  const pluginSplit = { cold: [], warm: [] }; // what the plugin itself reports of each (a) run

  const exec = {
    a: async (bust) => {
      const out = await ws.nx(['run-many', '-t', 'docker-multiarch'], { BENCH_BUST: bust });
      const m = out.match(new RegExp(`one bake for ${count} project\\(s\\) on builder \\S+: (\\S+docker-bake[^\\s]*\\.json)`));
      if (!m) throw new Error(`the plugin did not run one bake for ${count} projects:\n${out.slice(-3000)}`);
      bakeFile = m[1];
      // The plugin's own split: "1 bake(s) in 38.2s; builder setup 0.3s; plugin overhead 0.1s".
      const split = out.match(/bake\(s\) in ([\d.]+)s; builder setup ([\d.]+)s; plugin overhead ([\d.]+)s/);
      return split && { bakeS: Number(split[1]), setupS: Number(split[2]), overheadS: Number(split[3]) };
    },
    b: (bust) => run('docker', [...builderArgs, 'buildx', 'bake', '--file', bakeFile, '--progress', 'plain', '--push', '--set', `*.args.BUST=${bust}`], { cwd: ws.dir }),
    'c-seq': async (bust) => {
      for (const t of Object.values(bakeTargets())) await run('docker', buildArgv(builderArgs, t, bust), { cwd: ws.dir });
    },
    'c-par3': (bust) => pool(Object.values(bakeTargets()), 3, (t) => run('docker', buildArgv(builderArgs, t, bust), { cwd: ws.dir })),
  };
  const bakeTargets = () => JSON.parse(fs.readFileSync(path.join(ws.dir, bakeFile), 'utf8')).target;

  async function verify(name, mode, bust, round) {
    const ref = `${namespace}/svc-${round % count}:latest`;
    const pushed = await inspectPushed(ref);
    const history = (pushed.images['linux/arm/v7']?.history ?? []).map((h) => h.created_by ?? '');
    const problems = [];
    if (pushed.platforms.join(',') !== [...PLATFORMS].sort().join(',')) problems.push(`platforms ${pushed.platforms}`);
    if (seen.has(pushed.digest)) problems.push(`digest ${pushed.digest} was already there: nothing new was pushed`);
    if (!history.some((h) => h.includes(`BUST=${bust}`))) problems.push(`no BUST=${bust} in the image history`);
    seen.add(pushed.digest);
    checks.push({ case: name, mode, round, ref, digest: pushed.digest, platforms: pushed.platforms, bust, ok: problems.length === 0 });
    if (problems.length) throw new Error(`${name} ${mode}: ${ref}: ${problems.join('; ')}`);
  }

  for (let round = 0; round < runs; round++) {
    // Case a first in round 0 (its bake file feeds b and c); rotated afterwards so drift in the shared
    // engine's load does not always fall on the same case.
    const names = Object.keys(CASES);
    const order = names.slice(round % names.length).concat(names.slice(0, round % names.length));
    for (const name of order) {
      let bust = `${runId}-r${round}-${name}`;
      for (const mode of ['cold', 'warm']) {
        let measured;
        for (let attempt = 1; !measured; attempt++) {
          try {
            measured = await timed(() => exec[name](bust));
          } catch (e) {
            // The engine, its emulators and the builder are shared: another user's test may unregister QEMU
            // or remove the builder mid-run. Once per measurement: keep the log, repair, and measure again
            // (cold with a fresh BUST). A second failure ends the benchmark.
            const file = path.join(ws.dir, 'failures', `r${round}-${name}-${mode}-${attempt}.log`);
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, e.output ?? e.stack);
            retries.push({ case: name, mode, round, log: path.relative(repo, file), error: e.message.split('\n')[0] });
            if (attempt > 1) throw e;
            log(`round ${round + 1}/${runs} ${name} ${mode} failed (${path.relative(repo, file)}); repairing the builder and measuring again`);
            await ws.nx(['run', 'tools:docker-setup']);
            if (mode === 'cold') bust = `${bust}-retry`;
          }
        }
        samples[name][mode].push(measured.ms);
        if (name === 'a' && measured.result) pluginSplit[mode].push(measured.result);
        await verify(name, mode, bust, round);
        log(`round ${round + 1}/${runs} ${name} ${mode}: ${(measured.ms / 1000).toFixed(1)} s (pushed, checked)`);
      }
    }
  }

  const stats = (values) => ({ medianMs: Math.round(median(values)), minMs: Math.round(Math.min(...values)), maxMs: Math.round(Math.max(...values)), samplesMs: values.map(Math.round) });
  const results = Object.fromEntries(Object.entries(samples).map(([c, s]) => [c, { what: CASES[c], cold: stats(s.cold), warm: stats(s.warm) }]));
  for (const mode of ['cold', 'warm']) {
    const of = (key) => Number(median(pluginSplit[mode].map((p) => p[key])).toFixed(2));
    results.a[mode].pluginReportsMedianS = { bake: of('bakeS'), builderSetup: of('setupS'), pluginOverhead: of('overheadS') };
  }
  const ratio = (x, y, mode) => Number((results[x][mode].medianMs / results[y][mode].medianMs).toFixed(2));
  const ratios = Object.fromEntries(
    ['cold', 'warm'].map((mode) => [
      mode,
      {
        'a/b': ratio('a', 'b', mode),
        'c-seq/a': ratio('c-seq', 'a', mode),
        'c-par3/a': ratio('c-par3', 'a', mode),
        // bake against builds without Nx in between: what one bake itself gains
        'c-seq/b': ratio('c-seq', 'b', mode),
        'c-par3/b': ratio('c-par3', 'b', mode),
      },
    ]),
  );
  const goals = {
    'a/b <= 1.05 (cold)': ratios.cold['a/b'] <= 1.05,
    'a/b <= 1.05 (warm)': ratios.warm['a/b'] <= 1.05,
    'c-seq/a >= 1.3 (cold)': ratios.cold['c-seq/a'] >= 1.3,
    'c-par3/a >= 1.3 (cold)': ratios.cold['c-par3/a'] >= 1.3,
  };

  log('nothing-changed affected run on 50 services');
  const nothing = await nothingChanged({ count: 50, runs: Math.max(runs, 5), namespace });
  goals['nothing-changed affected, 50 services < 1.5 s'] = nothing.medianMs < 1500;

  const removed = process.env.BENCH_KEEP_IMAGES ? 0 : await removeLocalImages(namespace);
  const report = {
    date: new Date().toISOString(),
    machine: machine(),
    ...versions(),
    services: count,
    platforms: PLATFORMS,
    runs,
    workMiB: workMb,
    namespace,
    pluginBakeCommand: `docker ${pluginBake}`,
    bakeFile: path.join('tmp/bench/compare', bakeFile),
    results,
    ratios,
    nothingChanged: nothing,
    goals,
    checks,
    retries,
    totalSeconds: Math.round((Date.now() - started) / 1000),
    // Other users of the machine and engine show here: 2 cores, so anything much above 2 is contention.
    loadAverage: { atStart: loadAtStart, atEnd: os.loadavg().map((l) => Number(l.toFixed(2))) },
  };
  fs.mkdirSync(path.join(repo, 'bench/results'), { recursive: true });
  fs.writeFileSync(path.join(repo, 'bench/results/compare.json'), `${JSON.stringify(report, null, 2)}\n`);
  log(`removed ${removed} local image tag(s) of ${namespace} from the engine's store (the registry keeps them)`);

  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  const split = (mode) => {
    const p = results.a[mode].pluginReportsMedianS;
    return `bake ${p.bake} s, builder setup ${p.builderSetup} s, plugin overhead ${p.pluginOverhead} s`;
  };
  const lines = [
    `${report.machine}; Docker ${report.docker}, buildx ${report.buildx}, Nx ${report.nx}; ${report.date.slice(0, 10)}`,
    `${count} services × ${PLATFORMS.join(', ')}; ${runs} run(s), medians (min–max); every push checked in the registry`,
    '',
    '| case | cold | warm |',
    '| --- | --- | --- |',
    ...Object.entries(results).map(([c, r]) => `| (${c}) ${r.what} | ${s(r.cold.medianMs)} (${s(r.cold.minMs)}–${s(r.cold.maxMs)}) | ${s(r.warm.medianMs)} (${s(r.warm.minMs)}–${s(r.warm.maxMs)}) |`),
    '',
    '| ratio | cold | warm | goal |',
    '| --- | --- | --- | --- |',
    `| a/b | ${ratios.cold['a/b']} | ${ratios.warm['a/b']} | ≤ 1.05: ${goals['a/b <= 1.05 (cold)'] ? 'met' : 'not met'} cold, ${goals['a/b <= 1.05 (warm)'] ? 'met' : 'not met'} warm |`,
    `| c-seq/a | ${ratios.cold['c-seq/a']} | ${ratios.warm['c-seq/a']} | ≥ 1.3 cold: ${goals['c-seq/a >= 1.3 (cold)'] ? 'met' : 'not met'} |`,
    `| c-par3/a | ${ratios.cold['c-par3/a']} | ${ratios.warm['c-par3/a']} | ≥ 1.3 cold: ${goals['c-par3/a >= 1.3 (cold)'] ? 'met' : 'not met'} |`,
    `| c-seq/b (no Nx) | ${ratios.cold['c-seq/b']} | ${ratios.warm['c-seq/b']} | |`,
    `| c-par3/b (no Nx) | ${ratios.cold['c-par3/b']} | ${ratios.warm['c-par3/b']} | |`,
    '',
    `(a) as the plugin reports it, medians: cold ${split('cold')}; warm ${split('warm')}; the rest of (a) is Nx starting \`nx run-many\` (NX_DAEMON=false)`,
    '',
    '| affected, nothing changed | median (min–max) | goal |',
    '| --- | --- | --- |',
    `| \`nx run tools:docker-affected --base=HEAD --head=HEAD\`, 50 services | ${(nothing.medianMs / 1000).toFixed(2)} s (${(nothing.minMs / 1000).toFixed(2)}–${(nothing.maxMs / 1000).toFixed(2)}, ${nothing.runs} runs) | < 1.5 s: ${goals['nothing-changed affected, 50 services < 1.5 s'] ? 'met' : 'not met'} |`,
    `| \`nx run tools:noop\` (\`nx:noop\`, same workspace): Nx's own floor | ${(nothing.noop.medianMs / 1000).toFixed(2)} s (${(nothing.noop.minMs / 1000).toFixed(2)}–${(nothing.noop.maxMs / 1000).toFixed(2)}, ${nothing.noop.runs} runs) | |`,
    '',
    `${retries.length} measurement(s) failed once and were measured again${retries.length ? ` (${retries.map((r) => `${r.case} ${r.mode} round ${r.round + 1}`).join(', ')})` : ''}`,
    `total ${report.totalSeconds} s; load average (1, 5, 15 min) at start ${loadAtStart.join(' ')}, at end ${report.loadAverage.atEnd.join(' ')}; results in bench/results/compare.json`,
  ];
  console.log(lines.join('\n'));
}

main().catch((e) => {
  console.error(e.stack ?? e.message);
  process.exit(1);
});
