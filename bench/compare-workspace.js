// The workspace `npm run bench` builds in: N services, each with the same build configured for both
// tools, so only the tool differs.
//
//   docker-multiarch  nx-crossbake:multiarch, the executor's defaults (registry cache per task, mode=max;
//                     reproducible images) but for the builder's name
//   container         @nx-tools/nx-container:build, configured as a user would to match: same Dockerfile,
//                     context, platforms, tags, build arg, builder, push, and a registry cache of its own
//                     with mode=max (ours has one by default; without it nx-container would skip the
//                     cache export ours pays for)
//   noop              nx:noop, Nx's own floor for `nx run` / `nx run-many` in this workspace
//
// The plugin is not registered in nx.json: its inferred targets would add `type=cacheonly` to these
// pushing targets' outputs (merged under the explicit ones).
const { BASE_IMAGE, DOCKER_CONTAINER_SETUP, PLATFORMS, BenchWorkspace, imageProject } = require('./rig');

/** The builder every case builds on, the plugin's docker-container default on the rig's BuildKit, named
 * for the benchmark so the e2e suite's `nx-crossbake` builder (and what its tests do to it) stays apart. */
const BENCH_BUILDER = 'nx-crossbake-bench';

/**
 * The service's Dockerfile: FROM the shared base, then a CPU-bound step of its own. The service's name is
 * in the step: equal steps would be solved once for all services (BuildKit merges equal vertices, within
 * one bake and across concurrent builds), which no real services do. BUST (fresh for every cold
 * measurement) makes that step and the COPY after it miss every cache.
 */
const serviceDockerfile = (i, baseRef, workMb) =>
  [
    `FROM ${baseRef}`,
    'ARG BUST=none',
    `RUN { echo "svc-${i} $BUST"; head -c ${workMb * 1024 * 1024} /dev/zero; } | sha256sum > /srv/work.sum`,
    'COPY service.txt /srv/service.txt',
    '',
  ].join('\n');

/** project.json of service i: the same image built by either tool. */
function serviceProject(i, namespace) {
  const name = `svc-${i}`;
  const root = `apps/${name}`;
  const tag = `${namespace}/${name}:latest`;
  const project = imageProject(
    name,
    root,
    { platforms: PLATFORMS, tags: [tag], push: true, 'build-args': ['BUST=$BENCH_BUST'], builder: BENCH_BUILDER },
    // Cacheable, so that a nothing-changed `nx run-many` is answered from Nx's cache; the measured runs
    // pass --skip-nx-cache. The outputs are the plugin's report folder.
    { cache: true, outputs: ['{workspaceRoot}/dist/nx-crossbake/{projectRoot}'] },
  );
  const cacheRef = `${namespace}/${name}:buildcache-nxc`;
  project.targets.container = {
    executor: '@nx-tools/nx-container:build',
    cache: false,
    options: {
      engine: 'docker',
      context: root,
      file: `${root}/Dockerfile`,
      platforms: PLATFORMS,
      tags: [tag],
      push: true,
      // nx-container replaces $VAR from the environment itself.
      'build-args': ['BUST=$BENCH_BUST'],
      builder: BENCH_BUILDER,
      'cache-from': [`type=registry,ref=${cacheRef}`],
      'cache-to': [`type=registry,ref=${cacheRef},mode=max`],
    },
  };
  project.targets.noop = { executor: 'nx:noop' };
  return project;
}

/** The generated, committed workspace under tmp/bench/compare; the base image is built by the caller. */
function createCompareWorkspace({ count, namespace, baseRef, workMb }) {
  const ws = new BenchWorkspace('compare');
  ws.initNx();
  ws.write('tools/project.json', {
    name: 'tools',
    root: 'tools',
    targets: {
      'docker-setup': {
        executor: 'nx-crossbake:setup',
        options: { ...DOCKER_CONTAINER_SETUP, builder: BENCH_BUILDER, platforms: PLATFORMS },
      },
      'docker-affected': { executor: 'nx-crossbake:affected' },
      noop: { executor: 'nx:noop' },
    },
  });
  // The shared base: not a project (no project.json), built once before any measurement.
  ws.write('base/Dockerfile', `FROM ${BASE_IMAGE}\nRUN mkdir -p /srv && echo base > /srv/base.txt\n`);
  for (let i = 0; i < count; i++) {
    ws.write(`apps/svc-${i}/project.json`, serviceProject(i, namespace));
    ws.write(`apps/svc-${i}/Dockerfile`, serviceDockerfile(i, baseRef, workMb));
    ws.write(`apps/svc-${i}/service.txt`, `service ${i}\n`);
  }
  ws.commitAll('services');
  return ws;
}

module.exports = { BENCH_BUILDER, createCompareWorkspace, serviceProject, serviceDockerfile };
