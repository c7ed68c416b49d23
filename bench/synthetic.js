// A synthetic monorepo of N services: every 10th is a base image that the next 9 are built FROM.
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];

/** Every third service has a scoped name, which bake target names must map. */
const projectName = (i) => (i % 3 === 0 ? `@acme/svc-${i}` : `svc-${i}`);

function services(count) {
  return Array.from({ length: count }, (_, i) => {
    const base = i - (i % 10);
    const project = projectName(i);
    return {
      id: `${project}:docker-multiarch`,
      project,
      targetName: 'docker-multiarch',
      projectRoot: `apps/svc-${i}`,
      context: `apps/svc-${i}`,
      file: `apps/svc-${i}/Dockerfile`,
      platforms: PLATFORMS,
      tags: [`registry.example.com/acme/svc-${i}:latest`],
      push: true,
      load: false,
      buildArgs: { VERSION: `1.${i}`, NOTE: 'uses ${literal}' },
      labels: { 'org.opencontainers.image.title': project },
      cacheFrom: [`type=registry,ref=registry.example.com/acme/svc-${i}:cache`],
      cacheTo: [],
      pull: false,
      noCache: false,
      outputs: [],
      strictEmulation: false,
      keepGoing: true,
      registries: [],
      secrets: ['id=npm,env=NPM_TOKEN'],
      ssh: [],
      buildContexts: {},
      attest: [],
      builder: 'nx-crossbake',
      setup: true,
      dockerfileRefs: i === base ? ['busybox:1.36'] : [`registry.example.com/acme/svc-${base}:latest`],
    };
  });
}

/** Nx-shaped dependencies: each service depends on its base and on 2 of 50 shared libraries. */
function dependencies(count) {
  const deps = {};
  for (let l = 0; l < 50; l++) deps[`lib-${l}`] = l > 0 ? [{ target: `lib-${l - 1}` }] : [];
  for (let i = 0; i < count; i++) {
    const base = i - (i % 10);
    deps[projectName(i)] = [{ target: `lib-${i % 50}` }, { target: `lib-${(i * 7) % 50}` }];
    if (base !== i) deps[projectName(i)].push({ target: projectName(base) });
  }
  return deps;
}

module.exports = { services, dependencies, projectName, PLATFORMS };
