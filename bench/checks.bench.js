// Build checks (docs/ci.md "Build checks"): what `check: warn` (the default) and `check: error` cost against
// `check: off`, warm, in one run, on the real rig.
//
//   node bench/checks.bench.js [runs=5]       npm run bench:checks builds the plugin first; about 3 minutes
//
// 8 services × 3 platforms (linux/amd64, linux/arm64, linux/arm/v7), each FROM the rig's busybox with one
// COPY and a `CMD` in shell form (a JSONArgsRecommended finding, so `warn` has something to read and report),
// exporting nothing (`type=cacheonly`: the bake's own time, no push). Built once to warm the builder's cache;
// then `runs` rounds, the three modes rotated in each: `nx run-many -t docker-multiarch -c <mode> --skip-nx-cache`.
// Measured: the whole command, and the bake time the plugin prints on its last line. `warn` must find the 8
// warnings; `error` must stop all 8 before the bake (so its time is the check call's, with no bake at all).
// Results: stdout (Markdown) and bench/results/<date>-<commit>-checks.json.
const { machine, median } = require('./lib');
const {
  reportAndSave,
  BASE_IMAGE,
  DOCKER_CONTAINER_SETUP,
  PLATFORMS,
  BenchWorkspace,
  imageProject,
  run,
  timed,
  versions,
} = require('./rig');
const { runSplitOf } = require('./reuse.bench');

const BUILDER = 'nx-crossbake-checks-bench';
const COUNT = 8;
const MODES = ['off', 'warn', 'error'];
const log = (message) => process.stderr.write(`[bench] ${message}\n`);

function createWorkspace() {
  const ws = new BenchWorkspace('checks');
  ws.initNx({ plugins: ['nx-crossbake'] });
  ws.write('tools/project.json', {
    name: 'tools',
    root: 'tools',
    targets: {
      'docker-setup': { executor: 'nx-crossbake:setup', options: { ...DOCKER_CONTAINER_SETUP, builder: BUILDER, platforms: PLATFORMS } },
    },
  });
  for (let i = 0; i < COUNT; i++) {
    const root = `apps/svc-${i}`;
    const project = imageProject(`svc-${i}`, root, { platforms: PLATFORMS, outputs: ['type=cacheonly'], push: false, builder: BUILDER });
    project.targets['docker-multiarch'].configurations = Object.fromEntries(MODES.map((mode) => [mode, { check: mode }]));
    ws.write(`${root}/project.json`, project);
    ws.write(`${root}/Dockerfile`, `FROM ${BASE_IMAGE}\nCOPY service.txt /service.txt\nCMD cat /service.txt\n`);
    ws.write(`${root}/service.txt`, `service ${i}\n`);
  }
  ws.commitAll('services');
  return ws;
}

/** One measured run of a mode: wall time, the plugin's split, and what it said of the checks. */
async function measureMode(ws, mode) {
  const args = ['run-many', '-t', 'docker-multiarch', '-c', mode, '--skip-nx-cache'];
  const { ms, result: output } = await timed(() => ws.nx(args).catch((e) => e.output ?? e.message));
  const split = runSplitOf(output);
  if (!split) throw new Error(`check: ${mode}: no summary line in the output:\n${output.slice(-2000)}`);
  const warnings = (output.match(/^check warning for svc-\d+: JSONArgsRecommended /gm) ?? []).length;
  const stopped = /build checks \(check: error\) of 8 task\(s\) in [\d.]+s: (.*) not built/.exec(output)?.[1]?.split(', ').length ?? 0;
  const expected = { off: [0, 0], warn: [COUNT, 0], error: [0, COUNT] }[mode];
  if (warnings !== expected[0] || stopped !== expected[1])
    throw new Error(
      `check: ${mode}: ${warnings} warnings and ${stopped} stopped, expected ${expected.join(' and ')}:\n${output.slice(-3000)}`,
    );
  return { ms, bakeS: split.bakeS, bakes: split.bakes };
}

async function checksBench({ runs = 5 } = {}) {
  const ws = createWorkspace();
  await run('docker', ['buildx', 'rm', '-f', BUILDER]).catch(() => undefined);
  await ws.nx(['run', 'tools:docker-setup']);
  log('warming the cache: one build of every service');
  await ws.nx(['run-many', '-t', 'docker-multiarch', '-c', 'off', '--skip-nx-cache']);
  const samples = Object.fromEntries(MODES.map((m) => [m, []]));
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < MODES.length; k++) {
      const mode = MODES[(round + k) % MODES.length];
      const sample = await measureMode(ws, mode);
      samples[mode].push(sample);
      log(`round ${round + 1}/${runs} ${mode}: ${(sample.ms / 1000).toFixed(2)} s, bake ${sample.bakeS} s`);
    }
  }
  await run('docker', ['buildx', 'rm', '-f', BUILDER]).catch(() => undefined);
  const summary = Object.fromEntries(
    MODES.map((m) => [
      m,
      {
        medianS: Number((median(samples[m].map((s) => s.ms)) / 1000).toFixed(2)),
        bakeMedianS: Number(median(samples[m].map((s) => s.bakeS)).toFixed(2)),
        bakes: samples[m][0].bakes,
        samplesS: samples[m].map((s) => Number((s.ms / 1000).toFixed(2))),
      },
    ]),
  );
  return { services: COUNT, platforms: PLATFORMS, runs, machine: machine(), versions: versions(), summary };
}

function formatReport(r) {
  const row = (mode, note) =>
    `| ${mode} | ${r.summary[mode].medianS} | ${r.summary[mode].bakeMedianS} | ${r.summary[mode].bakes} | ${(r.summary[mode].medianS - r.summary.off.medianS).toFixed(2)} | ${note} |`;
  return [
    `machine: ${r.machine}; ${r.services} services × ${r.platforms.length} platforms, warm, ${r.runs} rounds rotated`,
    '',
    '| check | run median (s) | bake median (s) | bakes | vs off (s) | |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    row('off', 'BUILDKIT_DOCKERFILE_CHECK=skip=all'),
    row('warn', `${r.services} warnings read from the metadata file`),
    row('error', `${r.services} tasks stopped by the check call, no bake`),
  ].join('\n');
}

module.exports = { checksBench, formatReport };

if (require.main === module) reportAndSave(() => checksBench({ runs: Number(process.argv[2] ?? 5) }), formatReport, 'checks');
