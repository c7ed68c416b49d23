// Issue #7: `nx run tools:docker-affected --base=HEAD --head=HEAD` (nothing changed) on a generated git
// workspace of 50 image projects with the plugin registered (its createDependencies in the graph),
// NX_DAEMON=false. It must say nothing is affected and start no buildx. Goal: median < 1.5 s.
//
//   node bench/nothing-changed.bench.js [N=50] [runs=5]
//
// Also used by bench/compare.bench.js (`npm run bench`).
const { BASE_IMAGE, BINFMT_IMAGE, PLATFORMS, BenchWorkspace, imageProject } = require('./rig');
const { measure, machine } = require('./lib');

async function nothingChanged({ count = 50, runs = 5, namespace = `127.0.0.1:5000/bench-${Date.now().toString(36)}` } = {}) {
  const ws = new BenchWorkspace(`nothing-changed-${count}`);
  ws.initNx({ plugins: ['nx-crossbake'] });
  ws.write('tools/project.json', {
    name: 'tools',
    root: 'tools',
    targets: {
      'docker-affected': { executor: 'nx-crossbake:affected' },
      'docker-setup': { executor: 'nx-crossbake:setup', options: { driver: 'docker', 'qemu-image': BINFMT_IMAGE } },
      // Nx's own floor for `nx run` in this workspace: graph, task runner, an executor that does nothing.
      noop: { executor: 'nx:noop' },
    },
  });
  for (let i = 0; i < count; i++) {
    // Every 10th service is a base the next 9 are built FROM, so the graph has image edges.
    const base = i - (i % 10);
    const root = `apps/svc-${i}`;
    ws.write(
      `${root}/project.json`,
      imageProject(`svc-${i}`, root, { platforms: PLATFORMS, tags: [`${namespace}/nothing-svc-${i}:latest`], push: true }),
    );
    ws.write(`${root}/Dockerfile`, `FROM ${i === base ? BASE_IMAGE : `${namespace}/nothing-svc-${base}:latest`}\nCOPY main.sh /main.sh\n`);
    ws.write(`${root}/main.sh`, `echo ${i}\n`);
  }
  ws.commitAll('services');
  await ws.nx(['show', 'projects']); // the graph computed and cached once, as a real workspace has it

  // Unmeasured, with a docker shim: it must say so and run no buildx at all.
  const shim = ws.dockerShim();
  const args = ['run', 'tools:docker-affected', '--base=HEAD', '--head=HEAD'];
  const out = await ws.nx(args, shim.env);
  if (!/nothing to build/.test(out)) throw new Error(`nothing-changed run did not say so:\n${out}`);
  const buildx = shim.calls().filter((c) => /(^| )buildx /.test(c));
  if (buildx.length) throw new Error(`nothing-changed run started buildx: ${buildx.join('; ')}`);

  const rounded = (r) => ({ ...r, medianMs: Math.round(r.medianMs), minMs: Math.round(r.minMs), maxMs: Math.round(r.maxMs) });
  const result = rounded(await measure(() => ws.nx(args), { runs, warmup: 1 }));
  const noop = rounded(await measure(() => ws.nx(['run', 'tools:noop']), { runs, warmup: 1 }));
  return { services: count, command: `nx ${args.join(' ')}`, ...result, noop: { command: 'nx run tools:noop', ...noop } };
}

module.exports = { nothingChanged };

if (require.main === module) {
  const count = Number(process.argv[2] ?? 50);
  const runs = Number(process.argv[3] ?? 5);
  nothingChanged({ count, runs })
    .then((r) => {
      console.log(`machine: ${machine()}; ${count} image projects, plugin registered, NX_DAEMON=false`);
      console.log(
        `${r.command}, nothing changed: ${(r.medianMs / 1000).toFixed(2)} s (min ${(r.minMs / 1000).toFixed(2)}, max ${(r.maxMs / 1000).toFixed(2)}, ${r.runs} runs); goal < 1.5 s`,
      );
      console.log(
        `nx run tools:noop (Nx's own floor): ${(r.noop.medianMs / 1000).toFixed(2)} s (min ${(r.noop.minMs / 1000).toFixed(2)}, max ${(r.noop.maxMs / 1000).toFixed(2)})`,
      );
    })
    .catch((e) => {
      console.error(e.stack ?? e.message);
      process.exit(1);
    });
}
