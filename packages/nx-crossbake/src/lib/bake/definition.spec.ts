import type { ServiceOptions } from '../options/service-options';
import { escapeBakeValue, getBakeDefinition, getBakeTarget, getOutputs } from './definition';

const service = (overrides: Partial<ServiceOptions> = {}): ServiceOptions => ({
  id: `${overrides.project ?? 'api'}:docker-multiarch`,
  targetName: 'docker-multiarch',
  project: 'api',
  projectRoot: 'apps/api',
  context: 'apps/api',
  file: 'apps/api/Dockerfile',
  platforms: ['linux/amd64', 'linux/arm64'],
  tags: [],
  push: false,
  load: false,
  buildArgs: {},
  labels: {},
  cacheFrom: [],
  cacheTo: [],
  pull: false,
  noCache: false,
  outputs: [],
  strictEmulation: false,
  keepGoing: true,
  ownLabels: [],
  reproducible: true,
  sourceDateMode: 'zero',
  check: 'warn',
  reuse: true,
  reuseSalt: ['', ''],
  registries: [],
  secrets: [],
  ssh: [],
  buildContexts: {},
  attest: [],
  builder: 'nx-crossbake',
  setup: false,
  ...overrides,
});

describe('escapeBakeValue', () => {
  it.each([
    ['plain', 'plain'],
    ['${HOME}', '$${HOME}'],
    ['a ${X} b ${Y}', 'a $${X} b $${Y}'],
    ['$HOME', '$HOME'],
    ['%{if x}', '%%{if x}'],
    ['100%', '100%'],
  ])('%j → %j', (value, escaped) => expect(escapeBakeValue(value)).toBe(escaped));
});

describe('getOutputs', () => {
  it.each([
    [{ push: true }, ['type=image,push=true']],
    [{ load: true }, ['type=docker']],
    [{ push: true, load: true }, ['type=image,push=true', 'type=docker']],
    [{ outputs: ['type=local,dest=out'] }, ['type=local,dest=out']],
    [{ outputs: ['type=local,dest=out'], push: true }, ['type=local,dest=out', 'type=image,push=true']],
    [{ outputs: ['type=cacheonly'] }, ['type=cacheonly']],
    // an inferred build-only target under a project.json target that pushes: the push alone
    [{ outputs: ['type=cacheonly'], push: true }, ['type=image,push=true']],
    [{ outputs: ['type=cacheonly', 'type=local,dest=out'] }, ['type=local,dest=out']],
  ])('%j → %j', (overrides, outputs) => expect(getOutputs(service(overrides))).toEqual(outputs));
});

describe('getBakeTarget', () => {
  it("turns every build check off with buildx's own build arg for check: off, and lets the user's arg win", () => {
    expect(getBakeTarget(service({ check: 'off' })).args).toEqual({ BUILDKIT_DOCKERFILE_CHECK: 'skip=all' });
    expect(
      getBakeTarget(service({ check: 'off', buildArgs: { BUILDKIT_DOCKERFILE_CHECK: 'skip=JSONArgsRecommended', A: '1' } })).args,
    ).toEqual({
      BUILDKIT_DOCKERFILE_CHECK: 'skip=JSONArgsRecommended',
      A: '1',
    });
    expect(getBakeTarget(service({ check: 'warn' })).args).toBeUndefined();
    expect(getBakeTarget(service({ check: 'error' })).args).toBeUndefined();
  });

  it('writes only what is set, with the Dockerfile relative to the context', () => {
    expect(getBakeTarget(service({ push: true, tags: ['r/api:1'] }))).toEqual({
      context: 'apps/api',
      dockerfile: 'Dockerfile',
      platforms: ['linux/amd64', 'linux/arm64'],
      tags: ['r/api:1'],
      output: ['type=image,push=true'],
    });
  });

  it.each([
    [{ context: '.', file: 'apps/api/Dockerfile' }, 'apps/api/Dockerfile'],
    [{ context: 'apps/api', file: 'docker/api.Dockerfile' }, '../../docker/api.Dockerfile'],
    [{ context: 'apps/api/src', file: 'apps/api/Dockerfile' }, '../Dockerfile'],
  ])('resolves the Dockerfile for %j as %j', (overrides, dockerfile) => {
    expect(getBakeTarget(service({ load: true, ...overrides })).dockerfile).toBe(dockerfile);
  });

  it('maps every option to its bake key, escaping interpolation', () => {
    const target = getBakeTarget(
      service({
        load: true,
        buildArgs: { GREETING: 'hi ${USER}' },
        labels: { 'org.opencontainers.image.title': 'api' },
        target: 'runtime',
        cacheFrom: ['type=registry,ref=r/api:cache'],
        cacheTo: ['type=registry,ref=r/api:cache,mode=max'],
        pull: true,
        noCache: true,
      }),
    );
    expect(target).toMatchObject({
      args: { GREETING: 'hi $${USER}' },
      labels: { 'org.opencontainers.image.title': 'api' },
      target: 'runtime',
      'cache-from': ['type=registry,ref=r/api:cache'],
      'cache-to': ['type=registry,ref=r/api:cache,mode=max'],
      pull: true,
      'no-cache': true,
      output: ['type=docker'],
    });
  });
});

describe('getBakeDefinition', () => {
  it('has one target per service, all in the default group, each with all its platforms', () => {
    const services = [
      service({ project: '@acme/api', push: true, tags: ['r/api'] }),
      service({ project: 'worker', context: 'apps/worker', file: 'apps/worker/Dockerfile', platforms: ['linux/arm/v7'], load: true }),
    ];
    const names = new Map([
      ['@acme/api:docker-multiarch', 'acme_api'],
      ['worker:docker-multiarch', 'worker'],
    ]);
    const definition = getBakeDefinition(services, names);
    expect(definition.group).toEqual({ default: { targets: ['acme_api', 'worker'] } });
    expect(Object.keys(definition.target)).toEqual(['acme_api', 'worker']);
    expect(definition.target.acme_api.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(definition.target.worker).toMatchObject({ context: 'apps/worker', platforms: ['linux/arm/v7'] });
  });
});

describe('getBakeDefinition with two targets of one project', () => {
  it('builds each task as its own bake target with its own tags', () => {
    const services = [
      service({ project: 'two', tags: ['r/two:plain'], push: true }),
      service({
        id: 'two:docker-multiarch-debug',
        targetName: 'docker-multiarch-debug',
        project: 'two',
        tags: ['r/two:debug'],
        push: true,
      }),
    ];
    const names = new Map([
      ['two:docker-multiarch', 'two'],
      ['two:docker-multiarch-debug', 'two_debug'],
    ]);
    const definition = getBakeDefinition(services, names);
    expect(definition.group.default.targets).toEqual(['two', 'two_debug']);
    expect(definition.target.two.tags).toEqual(['r/two:plain']);
    expect(definition.target.two_debug.tags).toEqual(['r/two:debug']);
  });
});

describe('getBakeDefinition with linked siblings', () => {
  it('points the dependent at the sibling target with a named context', () => {
    const services = [
      service({ project: '@acme/base', push: true, tags: ['r/base:1'] }),
      service({ project: 'api', push: true, tags: ['r/api:1'] }),
    ];
    const names = new Map([
      ['@acme/base:docker-multiarch', 'acme_base'],
      ['api:docker-multiarch', 'api'],
    ]);
    const base = '@acme/base:docker-multiarch';
    const definition = getBakeDefinition(services, names, new Map([['api:docker-multiarch', { 'r/base:1': base, 'r/base:latest': base }]]));
    expect(definition.target.api.contexts).toEqual({ 'r/base:1': 'target:acme_base', 'r/base:latest': 'target:acme_base' });
    expect(definition.target.acme_base.contexts).toBeUndefined();
  });

  it('links a sibling reused from the registry to its image by digest, and drops one that is neither', () => {
    const services = [service({ id: 'api:docker-multiarch', project: 'api' })];
    const names = new Map([['api:docker-multiarch', 'api']]);
    const links = new Map([['api:docker-multiarch', { 'r/base:1': 'base:docker-multiarch', 'r/tools': 'tools:docker-multiarch' }]]);
    const reused = new Map([['base:docker-multiarch', 'r/base@sha256:aa']]);
    expect(getBakeDefinition(services, names, links, undefined, reused).target.api.contexts).toEqual({
      'r/base:1': 'docker-image://r/base@sha256:aa',
    });
  });
});

describe('a task that may be reused', () => {
  it('pushes only its key tag, and records the key on the index', () => {
    const target = getBakeTarget(
      service({ push: true, tags: ['r/api:1', 'r/api:latest'], contentKey: { key: 'k1', tag: 'r/api:crossbake-k1' } }),
    );
    expect(target.tags).toEqual(['r/api:crossbake-k1']);
    expect(target.annotations).toEqual(['index:dev.nx-crossbake.content-key=k1']);
    expect(target.output).toEqual(['type=image,push=true']);
  });
});

describe('getBakeTarget: what reaches inside the build', () => {
  it('writes secret references, ssh, named contexts and attestations, never a secret value', () => {
    const target = getBakeTarget(
      service({
        push: true,
        tags: ['r/api:1'],
        secrets: ['id=npm,env=NPM_TOKEN', 'id=key,src=secrets/key.pem'],
        ssh: ['default'],
        buildContexts: { shared: '../shared', 'r/base': 'docker-image://r/base:2' },
        attest: ['type=provenance,mode=max', 'type=sbom'],
      }),
      { 'r/base': 'target:base', 'r/tools': 'target:tools' },
    );
    expect(target).toMatchObject({
      secret: ['id=npm,env=NPM_TOKEN', 'id=key,src=secrets/key.pem'],
      ssh: ['default'],
      attest: ['type=provenance,mode=max', 'type=sbom'],
      // the user's own context for r/base wins over the sibling link
      contexts: { 'r/base': 'docker-image://r/base:2', 'r/tools': 'target:tools', shared: '../shared' },
    });
  });
});

describe('reproducible images', () => {
  it('rewrites the timestamps of the images it pushes and loads once a source date is known, not the user outputs', () => {
    const options = service({ push: true, load: true, tags: ['r/api:1'], outputs: ['type=local,dest=out'], sourceDateEpoch: 1700000000 });
    expect(getOutputs(options)).toEqual([
      'type=local,dest=out',
      'type=image,push=true,rewrite-timestamp=true',
      'type=docker,rewrite-timestamp=true',
    ]);
  });

  it('leaves the timestamps alone without a source date, and on the docker driver, which refuses to rewrite them', () => {
    expect(getOutputs(service({ push: true, tags: ['r/api:1'] }))).toEqual(['type=image,push=true']);
    expect(getOutputs(service({ push: true, tags: ['r/api:1'], sourceDateEpoch: 1700000000 }), { dockerDriver: true })).toEqual([
      'type=image,push=true',
    ]);
  });
});

describe('push by digest', () => {
  it('pushes untagged, by digest, to the repository of the first tag', () => {
    const target = getBakeTarget(service({ push: true, tags: ['127.0.0.1:5000/acme/api:{v}-1', 'x/y:2'], pushByDigest: 'dist/digests' }));
    expect(target.tags).toBeUndefined();
    expect(target.output).toEqual(['type=image,name=127.0.0.1:5000/acme/api,push-by-digest=true,name-canonical=true,push=true']);
  });

  it('pushes a per-platform staging tag on the docker driver, which cannot push by digest', () => {
    const target = getBakeTarget(
      service({ push: true, tags: ['127.0.0.1:5000/acme/api:1'], platforms: ['linux/arm/v7'], pushByDigest: 'd' }),
      {},
      { dockerDriver: true },
    );
    expect(target.output).toEqual(['type=image,name=127.0.0.1:5000/acme/api:by-digest-linux-arm-v7,push=true']);
  });
});
