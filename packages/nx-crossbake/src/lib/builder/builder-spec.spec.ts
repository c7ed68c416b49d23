import { firstNodePlatforms, normalizeBuilderSpec } from './builder-spec';

describe('normalizeBuilderSpec', () => {
  it('applies the defaults of setup/schema.json', () => {
    expect(normalizeBuilderSpec({})).toEqual({
      name: 'nx-crossbake',
      driver: 'docker-container',
      driverOpts: [],
      endpoint: undefined,
      platforms: ['linux/amd64', 'linux/arm64'],
      nodes: [],
      buildkitd: { insecureRegistries: [], registryMirrors: [], maxParallelism: undefined },
      buildkitdConfigFile: undefined,
      installQemu: true,
      qemuImage: 'tonistiigi/binfmt:qemu-v10.2.3',
      recreate: false,
    });
  });

  it('adds the platforms of the projects being built, once each', () => {
    expect(normalizeBuilderSpec({ platforms: ['linux/amd64'] }, ['linux/arm/v7', 'linux/amd64']).platforms).toEqual(['linux/amd64', 'linux/arm/v7']);
  });

  it('normalises native nodes', () => {
    const spec = normalizeBuilderSpec({
      nodes: [{ name: 'arm', endpoint: 'ssh://ci@arm-host', platforms: ['linux/arm64'], 'driver-opts': ['image=moby/buildkit:v0.26.2'] }],
      platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
    });
    expect(spec.nodes).toEqual([{ name: 'arm', endpoint: 'ssh://ci@arm-host', platforms: ['linux/arm64'], driverOpts: ['image=moby/buildkit:v0.26.2'] }]);
    expect(firstNodePlatforms(spec)).toEqual(['linux/amd64', 'linux/arm/v7']);
  });

  it.each([
    [{ builder: 'has space' }, "builder name 'has space' must match"],
    [{ driver: 'podman' }, "driver 'podman' is not one of docker-container, docker, remote, kubernetes"],
    [{ platforms: ['linux/aarch64'] }, "did you mean 'linux/arm64'?"],
    [{ 'driver-opts': ['network'] }, "driver option 'network' is not key=value"],
    [{ driver: 'docker', 'driver-opts': ['image=x'] }, "the docker driver cannot take 'driver-opts'"],
    [{ driver: 'docker', 'insecure-registries': ['r:5000'] }, "the docker driver cannot take BuildKit settings (configure the engine's daemon.json instead)"],
    [{ driver: 'docker', nodes: [{ name: 'n', endpoint: 'e', platforms: ['linux/arm64'] }] }, "the docker driver cannot take 'nodes'"],
    [{ driver: 'remote' }, "the remote driver needs 'endpoint'"],
    [{ 'buildkitd-config': 'b.toml', 'max-parallelism': 2 }, "'buildkitd-config' names your own buildkitd.toml"],
    [{ 'max-parallelism': 0 }, "'max-parallelism' must be a whole number of at least 1"],
    [{ nodes: [{ name: 'n', endpoint: '', platforms: [] }] }, "nodes[0] ('n'): 'endpoint' is required"],
    [{ nodes: [{ name: 'n', endpoint: 'e', platforms: [] }] }, "nodes[0] ('n'): 'platforms' must list what the node builds natively"],
    [{ nodes: [{ name: 'n', endpoint: 'e', platforms: ['linux/arm64'] }, { name: 'n', endpoint: 'f', platforms: ['linux/arm64'] }] }, "node name 'n' is used twice"],
    [{ drivr: 'docker' }, "unknown option 'drivr'"],
  ])('rejects %j', (raw, message) => {
    expect(() => normalizeBuilderSpec(raw as never)).toThrow(message);
  });
});
