import { firstNodePlatforms, normalizeBuilderSpec } from './builder-spec';

describe('normalizeBuilderSpec', () => {
  it('applies the defaults of setup/schema.json', () => {
    expect(normalizeBuilderSpec({})).toEqual({
      name: 'nx-crossbake',
      driver: 'docker-container',
      driverOpts: {},
      network: 'auto',
      tls: {},
      endpoint: undefined,
      platforms: ['linux/amd64', 'linux/arm64'],
      nodes: [],
      buildkitd: { insecureRegistries: [], registryMirrors: [], maxParallelism: undefined },
      buildkitdConfigFile: undefined,
      installQemu: true,
      // It runs privileged: pinned by digest as well as by tag.
      qemuImage: 'tonistiigi/binfmt:qemu-v10.2.3@sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0',
      recreate: false,
    });
  });

  it('adds the platforms of the projects being built, once each', () => {
    expect(normalizeBuilderSpec({ platforms: ['linux/amd64'] }, ['linux/arm/v7', 'linux/amd64']).platforms).toEqual([
      'linux/amd64',
      'linux/arm/v7',
    ]);
  });

  it("takes the projects' platforms as they are: each project's own options checked them", () => {
    expect(() => normalizeBuilderSpec({ platforms: ['linux/amd64'] }, ['linux/armv7', 'darwin/arm64'])).not.toThrow();
    expect(() => normalizeBuilderSpec({ platforms: ['linux/armv7'] })).toThrow("platform 'linux/armv7'");
  });

  it('normalizes its own platforms as buildx reads them, each once', () => {
    expect(normalizeBuilderSpec({ platforms: ['linux/arm', 'linux/aarch64', 'linux/arm64/v8', 'linux/amd64/v1'] }).platforms).toEqual([
      'linux/arm/v7',
      'linux/arm64',
      'linux/amd64',
    ]);
  });

  it('reads lists and booleans as users write them', () => {
    const spec = normalizeBuilderSpec({
      platforms: 'linux/amd64,linux/arm',
      'insecure-registries': '127.0.0.1:5000',
      'install-qemu': 'false',
      nodes: [{ name: 'arm', endpoint: 'ssh://arm', platforms: 'linux/aarch64' }],
    } as never);
    expect(spec).toMatchObject({
      platforms: ['linux/amd64', 'linux/arm/v7'],
      installQemu: false,
      buildkitd: { insecureRegistries: ['127.0.0.1:5000'] },
    });
    expect(spec.nodes[0].platforms).toEqual(['linux/arm64']);
  });

  it('normalises native nodes', () => {
    const spec = normalizeBuilderSpec({
      nodes: [{ name: 'arm', endpoint: 'ssh://ci@arm-host', platforms: ['linux/arm64'], 'driver-opts': ['image=moby/buildkit:v0.26.2'] }],
      platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
    });
    expect(spec.nodes).toEqual([
      { name: 'arm', endpoint: 'ssh://ci@arm-host', platforms: ['linux/arm64'], driverOpts: { image: 'moby/buildkit:v0.26.2' } },
    ]);
    expect(firstNodePlatforms(spec)).toEqual(['linux/amd64', 'linux/arm/v7']);
  });

  it('reads driver options as buildx does: CSV fields of key=value, the last of a key winning', () => {
    const spec = normalizeBuilderSpec({
      'driver-opts': ['image=moby/buildkit:v0.26.2,network=host', '"env.NO_PROXY=a,b"', 'network=bridge'],
    });
    expect(spec.driverOpts).toEqual({ image: 'moby/buildkit:v0.26.2', network: 'bridge', 'env.NO_PROXY': 'a,b' });
  });

  it('takes TLS options for a remote builder as written (made absolute when planned)', () => {
    const spec = normalizeBuilderSpec({
      driver: 'remote',
      endpoint: 'tcp://b:1234',
      cacert: 'certs/ca.pem',
      cert: 'certs/c.pem',
      key: 'certs/c.key',
      servername: 'b',
    });
    expect(spec.tls).toEqual({ cacert: 'certs/ca.pem', cert: 'certs/c.pem', key: 'certs/c.key', servername: 'b' });
  });

  it('takes kubernetes nodes without an endpoint (buildx names their deployments)', () => {
    const spec = normalizeBuilderSpec({
      driver: 'kubernetes',
      nodes: [{ name: 'arm', platforms: ['linux/arm64'], 'driver-opts': ['nodeselector=kubernetes.io/arch=arm64'] }],
    });
    expect(spec.nodes[0]).toEqual({
      name: 'arm',
      endpoint: undefined,
      platforms: ['linux/arm64'],
      driverOpts: { nodeselector: 'kubernetes.io/arch=arm64' },
    });
  });

  it.each([
    [{ builder: 'has space' }, "builder name 'has space' must match"],
    [{ 'driver-opts': ['"image=x'] }, "driver option '\"image=x' cannot be read: a quoted field is not closed"],
    [{ network: 'host', driver: 'docker' }, "'network' is for the docker-container driver (buildx's network driver option), not docker"],
    [{ network: 'host', 'driver-opts': ['network=bridge'] }, "'network' is 'host' but driver option network=bridge: keep one"],
    [{ network: '' }, "'network' is empty"],
    [{ cacert: 'ca.pem' }, "'cacert': TLS options are for the remote driver"],
    [{ driver: 'remote', endpoint: 'tcp://b:1', cert: 'c.pem', key: 'c.key' }, "TLS needs 'cacert'"],
    [{ driver: 'remote', endpoint: 'tcp://b:1', cacert: 'ca.pem', cert: 'c.pem' }, "'cert' and 'key' go together"],
    [
      { driver: 'remote', endpoint: 'tcp://b:1', cacert: 'ca.pem', 'driver-opts': ['cacert=/x.pem'] },
      "'cacert' is set both as an option and as driver option cacert=: keep one",
    ],
    [{ driver: 'remote', endpoint: 'tcp://b:1', 'insecure-registries': ['r:5000'] }, 'the remote driver cannot take BuildKit settings'],
    [{ driver: 'kubernetes', endpoint: 'x' }, "the kubernetes driver takes no 'endpoint'"],
    [
      { driver: 'kubernetes', nodes: [{ name: 'n', endpoint: 'e', platforms: ['linux/arm64'] }] },
      "nodes[0] ('n'): 'endpoint' is not for the kubernetes driver",
    ],
    [
      { driver: 'remote', endpoint: 'tcp://b:1', nodes: [{ name: 'n', endpoint: 'tcp://b:1', platforms: ['linux/arm64'] }] },
      "endpoint 'tcp://b:1' is used by two nodes",
    ],
    [{ driver: 'podman' }, "driver 'podman' is not one of docker-container, docker, remote, kubernetes"],
    [{ platforms: ['linux/armv7'] }, "did you mean 'linux/arm/v7'?"],
    [{ 'install-qemu': 'yes' }, "'install-qemu' is 'yes': expected true or false"],
    [{ 'max-parallelism': 'many' }, "'max-parallelism' is 'many': expected a whole number"],
    [{ nodes: [{ name: 'n', endpoint: 'e', platforms: ['linux/arm64'], platform: 'x' }] }, "nodes[0] ('n'): unknown option 'platform'"],
    [
      { nodes: [{ name: 'n', endpoint: 'e', platforms: ['linux/armv8'] }] },
      "nodes[0] ('n'): platform 'linux/armv8' has an unknown architecture",
    ],
    [{ nodes: 'arm' }, "'nodes' is 'arm': expected a list of objects"],
    [{ 'driver-opts': ['network'] }, "driver option 'network' is not key=value"],
    [{ driver: 'docker', 'driver-opts': ['image=x'] }, "the docker driver cannot take 'driver-opts'"],
    [
      { driver: 'docker', 'insecure-registries': ['r:5000'] },
      "the docker driver cannot take BuildKit settings (configure the engine's daemon.json instead)",
    ],
    [{ driver: 'docker', nodes: [{ name: 'n', endpoint: 'e', platforms: ['linux/arm64'] }] }, "the docker driver cannot take 'nodes'"],
    [{ driver: 'remote' }, "the remote driver needs 'endpoint'"],
    [{ 'buildkitd-config': 'b.toml', 'max-parallelism': 2 }, "'buildkitd-config' names your own buildkitd.toml"],
    [{ 'max-parallelism': 0 }, "'max-parallelism' must be a whole number of at least 1"],
    [{ nodes: [{ name: 'n', endpoint: '', platforms: [] }] }, "nodes[0] ('n'): 'endpoint' is required"],
    [{ nodes: [{ name: 'n', endpoint: 'e', platforms: [] }] }, "nodes[0] ('n'): 'platforms' must list what the node builds natively"],
    [
      {
        nodes: [
          { name: 'n', endpoint: 'e', platforms: ['linux/arm64'] },
          { name: 'n', endpoint: 'f', platforms: ['linux/arm64'] },
        ],
      },
      "node name 'n' is used twice",
    ],
    [{ drivr: 'docker' }, "unknown option 'drivr'"],
  ])('rejects %j', (raw, message) => {
    expect(() => normalizeBuilderSpec(raw as never)).toThrow(message);
  });
});
