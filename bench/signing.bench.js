// Signing (docs/supply-chain.md): what `sign` (a key from the environment, offline, not recursive) adds to a
// run that builds and pushes 8 services × 3 platforms, against the same run unsigned, on the real rig.
//
//   node bench/signing.bench.js [runs=5]      npm run bench:signing builds the plugin first; about 4 minutes
//
// Each service is FROM the rig's busybox with one COPY and a label from a build arg that changes every run
// (`ROUND`), so every run pushes 8 new digests and each must be signed (an image that carries a signature of
// the key is not signed again: that is the reused case, measured apart at the end). Warm builder; `runs` rounds,
// signed and unsigned alternating: `nx run-many -t docker-multiarch -c <mode> --skip-nx-cache`. Measured: the
// whole command, and the signing time the plugin prints (the wall time some cosign ran; it overlaps the bake,
// since each task is signed as soon as its push is confirmed). The 8 signatures are checked with the rig's cosign.
// Results: stdout (Markdown) and bench/results/<date>-<commit>-signing.json.
const fs = require('node:fs');
const path = require('node:path');
const { machine, median } = require('./lib');
const {
  reportAndSave,
  BASE_IMAGE,
  DOCKER_CONTAINER_SETUP,
  PLATFORMS,
  REGISTRY,
  BenchWorkspace,
  imageProject,
  run,
  timed,
  versions,
} = require('./rig');

const BUILDER = 'nx-crossbake-signing-bench';
const COSIGN = '/var/lib/crossbake-rig/cosign/usr/bin/cosign';
const COUNT = 8;
const MODES = ['unsigned', 'signed'];
const PASSWORD = 'bench-password';
const log = (message) => process.stderr.write(`[bench] ${message}\n`);
const RUN = Date.now().toString(36);
const repository = (i) => `${REGISTRY}/bench-signing-${RUN}/svc-${i}`;

async function createWorkspace() {
  const ws = new BenchWorkspace('signing');
  ws.initNx({ plugins: ['nx-crossbake'] });
  await run(COSIGN, ['generate-key-pair', '--output-key-prefix', path.join(ws.dir, 'cosign')], { env: { COSIGN_PASSWORD: PASSWORD } });
  ws.write('tools/project.json', {
    name: 'tools',
    root: 'tools',
    targets: {
      'docker-setup': { executor: 'nx-crossbake:setup', options: { ...DOCKER_CONTAINER_SETUP, builder: BUILDER, platforms: PLATFORMS } },
    },
  });
  const repos = [];
  for (let i = 0; i < COUNT; i++) {
    const root = `apps/svc-${i}`;
    repos.push(repository(i));
    const options = { platforms: PLATFORMS, tags: [`${repos[i]}:latest`], push: true, builder: BUILDER, 'build-args': { ROUND: '$ROUND' } };
    const project = imageProject(`svc-${i}`, root, options);
    project.targets['docker-multiarch'].configurations = {
      unsigned: {},
      signed: { sign: { key: 'env://BENCH_COSIGN_KEY', passwordEnv: 'BENCH_COSIGN_PASSWORD', verifyKey: 'cosign.pub' } },
    };
    ws.write(`${root}/project.json`, project);
    ws.write(`${root}/Dockerfile`, `FROM ${BASE_IMAGE}\nARG ROUND\nLABEL bench.round=$ROUND\nCOPY service.txt /service.txt\n`);
    ws.write(`${root}/service.txt`, `service ${i}\n`);
  }
  ws.commitAll('services');
  const env = {
    CROSSBAKE_COSIGN: COSIGN,
    BENCH_COSIGN_KEY: fs.readFileSync(path.join(ws.dir, 'cosign.key'), 'utf8'),
    BENCH_COSIGN_PASSWORD: PASSWORD,
  };
  return { ws, repos, env };
}

/** `; signing 1.2s (8 signature(s) added, 0 image(s) signed already)` from the plugin's last line. */
function signingOf(output) {
  const m = /; signing ([\d.]+)s \((\d+) signature\(s\) added, (\d+) image\(s\) signed already\)/.exec(output);
  return m ? { signingS: Number(m[1]), added: Number(m[2]), already: Number(m[3]) } : undefined;
}

/** The digests the run pushed, from each task's image.json. */
const digests = (ws) =>
  [...Array(COUNT).keys()].map(
    (i) => JSON.parse(fs.readFileSync(path.join(ws.dir, `dist/nx-crossbake/apps/svc-${i}/docker-multiarch/image.json`), 'utf8')).digest,
  );

async function measure({ ws, repos, env }, mode, round) {
  const { ms, result: output } = await timed(() =>
    ws.nx(['run-many', '-t', 'docker-multiarch', '-c', mode, '--skip-nx-cache'], { ...env, ROUND: round }),
  );
  const signing = signingOf(output);
  if (mode === 'signed') {
    if (signing?.added !== COUNT) throw new Error(`signed run ${round}: expected ${COUNT} signatures added:\n${output.slice(-3000)}`);
    const pushed = digests(ws);
    for (let i = 0; i < COUNT; i++) {
      const verified = await run(COSIGN, [
        'verify',
        '--key',
        path.join(ws.dir, 'cosign.pub'),
        '--insecure-ignore-tlog=true',
        `${repos[i]}@${pushed[i]}`,
      ]);
      if (!verified.includes('https://sigstore.dev/cosign/sign/v1')) throw new Error(`${repos[i]}@${pushed[i]} does not verify`);
    }
  } else if (signing) throw new Error(`unsigned run ${round} signed something:\n${output.slice(-2000)}`);
  return { ms, signingS: signing?.signingS ?? 0 };
}

async function signingBench({ runs = 5 } = {}) {
  const rig = await createWorkspace();
  await run('docker', ['buildx', 'rm', '-f', BUILDER]).catch(() => undefined);
  await rig.ws.nx(['run', 'tools:docker-setup']);
  log('warming the cache: one build of every service');
  await rig.ws.nx(['run-many', '-t', 'docker-multiarch', '-c', 'unsigned', '--skip-nx-cache'], { ...rig.env, ROUND: 'warm' });
  const samples = Object.fromEntries(MODES.map((m) => [m, []]));
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < MODES.length; k++) {
      const mode = MODES[(round + k) % MODES.length];
      const sample = await measure(rig, mode, `${mode}-${round}`);
      samples[mode].push(sample);
      log(`round ${round + 1}/${runs} ${mode}: ${(sample.ms / 1000).toFixed(2)} s, signing ${sample.signingS} s`);
    }
  }
  // Nothing changed since the last signed round: every image reused, found signed, nothing added.
  const again = await timed(() =>
    rig.ws.nx(['run-many', '-t', 'docker-multiarch', '-c', 'signed', '--skip-nx-cache'], { ...rig.env, ROUND: `signed-${runs - 1}` }),
  );
  const reused = signingOf(again.result);
  if (reused?.added !== 0 || reused.already !== COUNT) throw new Error(`the reused run signed again:\n${again.result.slice(-2000)}`);
  await run('docker', ['buildx', 'rm', '-f', BUILDER]).catch(() => undefined);
  const summary = Object.fromEntries(
    MODES.map((m) => [
      m,
      {
        medianS: Number((median(samples[m].map((s) => s.ms)) / 1000).toFixed(2)),
        signingMedianS: Number(median(samples[m].map((s) => s.signingS)).toFixed(2)),
        samplesS: samples[m].map((s) => Number((s.ms / 1000).toFixed(2))),
      },
    ]),
  );
  const reusedRun = { seconds: Number((again.ms / 1000).toFixed(2)), signingS: reused.signingS };
  return { services: COUNT, platforms: PLATFORMS, runs, machine: machine(), versions: versions(), summary, reusedRun };
}

function formatReport(r) {
  const added = r.summary.signed.medianS - r.summary.unsigned.medianS;
  return [
    `machine: ${r.machine}; ${r.services} services × ${r.platforms.length} platforms pushed, warm, ${r.runs} rounds alternating`,
    '',
    '| run | median (s) | signing, plugin’s own clock (s) | vs unsigned (s) | per image (s) |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| unsigned | ${r.summary.unsigned.medianS} | - | - | - |`,
    `| signed (8 new digests) | ${r.summary.signed.medianS} | ${r.summary.signed.signingMedianS} | ${added.toFixed(2)} | ${(added / r.services).toFixed(2)} |`,
    `| signed, nothing changed (8 reused, found signed) | ${r.reusedRun.seconds} | ${r.reusedRun.signingS} | | |`,
  ].join('\n');
}

module.exports = { signingBench, formatReport };

if (require.main === module) reportAndSave(() => signingBench({ runs: Number(process.argv[2] ?? 5) }), formatReport, 'signing');
