import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { missingPlatforms, parseBuilderInspect, parseDriverOptions, reachesHostLoopback } from './builder-inspect';

const fixture = (name: string) => readFileSync(join(__dirname, '..', '__fixtures__', name), 'utf8');

describe('parseBuilderInspect', () => {
  it('reads a docker-driver builder (a context) with its detected platforms', () => {
    const info = parseBuilderInspect(fixture('buildx-inspect.docker-context.txt'));
    expect(info.name).toBe('probe-ctx');
    expect(info.driver).toBe('docker');
    expect(info.nodes).toHaveLength(1);
    expect(info.nodes[0]).toMatchObject({ name: 'probe-ctx', endpoint: 'probe-ctx', status: 'running', pinned: [] });
    expect(info.nodes[0].platforms).toEqual([
      'linux/amd64',
      'linux/amd64/v2',
      'linux/amd64/v3',
      'linux/amd64/v4',
      'linux/arm64',
      'linux/arm/v7',
      'linux/arm/v6',
    ]);
  });

  it('reads every node of a multi-node builder with its *-pinned platforms', () => {
    const info = parseBuilderInspect(fixture('buildx-inspect.multi-node.txt'));
    expect(info).toEqual({
      name: 'multi',
      driver: 'docker-container',
      nodes: [
        {
          name: 'multi0',
          endpoint: 'unix:///var/run/docker.sock',
          driverOpts: { image: 'moby/buildkit:v0.26.2' },
          buildkitdFlags: '--allow-insecure-entitlement=network.host',
          status: 'inactive',
          platforms: ['linux/amd64', 'linux/arm/v7'],
          pinned: ['linux/amd64', 'linux/arm/v7'],
          files: {},
        },
        {
          name: 'arm0',
          endpoint: 'probe-ctx',
          driverOpts: { image: 'moby/buildkit:v0.26.2' },
          buildkitdFlags: '--allow-insecure-entitlement=network.host',
          status: 'inactive',
          platforms: ['linux/arm64'],
          pinned: ['linux/arm64'],
          files: {},
        },
      ],
    });
  });

  it('reads a node that has no platforms yet', () => {
    const info = parseBuilderInspect(fixture('buildx-inspect.remote-unreachable.txt'));
    expect(info.driver).toBe('remote');
    expect(info.nodes).toEqual([
      { name: 'rem0', endpoint: 'tcp://127.0.0.1:1234', status: 'inactive', driverOpts: {}, platforms: [], pinned: [], files: {} },
    ]);
  });

  it('keeps detected and pinned platforms apart, and reads a node error', () => {
    const info = parseBuilderInspect(
      'Name: b\nDriver: docker-container\n\nNodes:\nName: b0\nError: connection refused\nPlatforms: linux/arm64*, linux/arm/v7\n',
    );
    expect(info.nodes[0]).toMatchObject({
      error: 'connection refused',
      platforms: ['linux/arm64', 'linux/arm/v7'],
      pinned: ['linux/arm64'],
    });
  });
});

describe('parseBuilderInspect on the rig (buildx 0.29.1, BuildKit v0.25.2)', () => {
  const RIG_PLATFORMS = [
    'linux/amd64',
    'linux/amd64/v2',
    'linux/amd64/v3',
    'linux/amd64/v4',
    'linux/arm64',
    'linux/386',
    'linux/arm/v7',
    'linux/arm/v6',
  ];

  it('reads a docker-container builder with host networking and the buildkitd.toml buildx re-wrote', () => {
    const [node] = parseBuilderInspect(fixture('buildx-inspect.docker-container-host.txt')).nodes;
    expect(node).toMatchObject({
      name: 'h-builder-dc0',
      endpoint: 'unix:///var/run/docker.sock',
      driverOpts: { image: '127.0.0.1:5000/h-builder/buildkit:standin', network: 'host' },
      buildkitdFlags: '--allow-insecure-entitlement=network.host',
      platforms: RIG_PLATFORMS,
      pinned: [],
    });
    // go-toml regrouped the tables and dropped the comment of the file given to `buildx create`.
    expect(node.files['buildkitd.toml']).toBe(
      '\n[registry]\n\n  [registry."127.0.0.1:5000"]\n    http = true\n    insecure = true\n\n  [registry."docker.io"]\n    mirrors = ["127.0.0.1:5000"]\n\n[worker]\n\n  [worker.oci]\n    max-parallelism = 4\n',
    );
  });

  it('reads a remote builder with TLS: its driver options are the absolute certificate paths', () => {
    const info = parseBuilderInspect(fixture('buildx-inspect.remote-tls.txt'));
    expect(info.driver).toBe('remote');
    expect(info.nodes[0]).toMatchObject({
      endpoint: 'tcp://127.0.0.1:17431',
      driverOpts: {
        cacert: '/tmp/h-builder/certs/ca.pem',
        cert: '/tmp/h-builder/certs/client.pem',
        key: '/tmp/h-builder/certs/client.key',
        servername: '127.0.0.1',
      },
      files: {},
    });
  });

  it.each([
    ['buildx-inspect.remote-two-nodes.txt', ['h-builder-multi0', 'h-builder-arm'], ['tcp://127.0.0.1:17431', 'tcp://127.0.0.1:17432']],
    [
      'buildx-inspect.docker-container-two-nodes.txt',
      ['h-builder-dc20', 'h-builder-dc2-arm'],
      ['unix:///var/run/docker.sock', 'h-builder-ctx'],
    ],
  ])('reads the two nodes of %s, each pinned to its own platforms', (file, names, endpoints) => {
    const info = parseBuilderInspect(fixture(file));
    expect(info.nodes.map((n) => [n.name, n.endpoint, n.pinned])).toEqual([
      [names[0], endpoints[0], ['linux/amd64']],
      [names[1], endpoints[1], ['linux/arm64', 'linux/arm/v7']],
    ]);
    // Pinned or not, every node lists all it can run.
    for (const node of info.nodes) expect([...node.platforms].sort()).toEqual([...RIG_PLATFORMS].sort());
  });

  it('reads driver options in whatever order buildx printed its map', () => {
    const [first, second] = parseBuilderInspect(fixture('buildx-inspect.remote-two-nodes.txt')).nodes;
    expect(Object.keys(second.driverOpts)).toEqual(['key', 'cacert', 'cert']);
    expect(second.driverOpts).toEqual(first.driverOpts);
  });
});

describe('parseDriverOptions', () => {
  it.each([
    ['image="moby/buildkit:v0.26.2" network="host"', { image: 'moby/buildkit:v0.26.2', network: 'host' }],
    ['env.NO_PROXY="localhost,127.0.0.1" memory="1g"', { 'env.NO_PROXY': 'localhost,127.0.0.1', memory: '1g' }],
    ['cacert="/certs/with \\"quote\\".pem"', { cacert: '/certs/with "quote".pem' }],
    ['', {}],
  ])('%s', (text, opts) => expect(parseDriverOptions(text)).toEqual(opts));
});

describe('reachesHostLoopback', () => {
  it.each([
    ['buildx-inspect.docker-context.txt', true],
    ['buildx-inspect.docker-container-host.txt', true],
    ['buildx-inspect.docker-container-two-nodes.txt', true],
    ['buildx-inspect.multi-node.txt', false],
    ['buildx-inspect.remote-tls.txt', false],
  ])('%s → %s', (file, expected) => expect(reachesHostLoopback(parseBuilderInspect(fixture(file)))).toBe(expected));
});

describe('missingPlatforms', () => {
  const multi = parseBuilderInspect(fixture('buildx-inspect.multi-node.txt'));
  const docker = parseBuilderInspect(fixture('buildx-inspect.docker-context.txt'));
  it.each([
    [['linux/amd64', 'linux/arm64', 'linux/arm/v7'], []],
    [['linux/arm64/v8'], []],
    [
      ['linux/s390x', 'linux/arm/v6', 'linux/arm64'],
      ['linux/s390x', 'linux/arm/v6'],
    ],
  ])('%j → %j across all nodes', (requested, missing) => expect(missingPlatforms(multi, requested)).toEqual(missing));

  // The docker-context fixture lists linux/amd64, amd64/v2…v4, arm64, arm/v7, arm/v6.
  it.each([
    ['the form containerd normalizes to', ['linux/arm/v7', 'linux/amd64/v2'], []],
    ['a form containerd normalizes, on the requesting side', ['linux/arm', 'linux/aarch64', 'linux/amd64/v1', 'linux/armhf'], []],
    ['a variant it does not list', ['linux/arm/v5', 'linux/riscv64'], ['linux/arm/v5', 'linux/riscv64']],
    ['other OSes, which BuildKit makes without running anything', ['darwin/arm64', 'windows/amd64', 'freebsd/amd64'], []],
  ])('%s: %j → %j', (_name, requested, missing) => expect(missingPlatforms(docker, requested)).toEqual(missing));

  it('normalizes the served side too', () => {
    const info = parseBuilderInspect('Name: b\nDriver: remote\n\nNodes:\nName: b0\nPlatforms: linux/arm, linux/arm64/v8\n');
    expect(missingPlatforms(info, ['linux/arm/v7', 'linux/arm64'])).toEqual([]);
  });
});
