import * as c from './commands';
import { getBakeCommand, getDriverStatusCommand, getHistoryListCommand } from './commands';

describe('docker argv builders', () => {
  const container = { name: 'crossbake', isContext: false };
  const context = { name: 'crossbake', isContext: true };
  it.each([
    [getDriverStatusCommand(), ['info', '--format', '{{json .DriverStatus}}']],
    [getHistoryListCommand(container), ['buildx', '--builder', 'crossbake', 'history', 'ls', '--format', 'json']],
    [getHistoryListCommand(context), ['--context', 'crossbake', 'buildx', 'history', 'ls', '--format', 'json']],
    // this bake's records only: started since a minute before it (a daemon's clock may lag), in whole seconds
    [
      getHistoryListCommand(container, new Date('2026-01-02T03:04:05.678Z')),
      ['buildx', '--builder', 'crossbake', 'history', 'ls', '--format', 'json', '--filter', 'startedAt>2026-01-02T03:03:05Z'],
    ],
    [
      getBakeCommand({ bakeFile: 'tmp/b.json', metadataFile: 'tmp/m.json', builder: container }),
      ['buildx', '--builder', 'crossbake', 'bake', '--file', 'tmp/b.json', '--metadata-file', 'tmp/m.json', '--progress', 'plain'],
    ],
    [
      // buildx refuses --builder for a docker-driver builder whose context is not the current one
      getBakeCommand({ bakeFile: 'b.json', metadataFile: 'm.json', builder: context }),
      ['--context', 'crossbake', 'buildx', 'bake', '--file', 'b.json', '--metadata-file', 'm.json', '--progress', 'plain'],
    ],
    [
      // one --allow per entitlement, values as given (paths may hold '=' and ',')
      getBakeCommand({
        bakeFile: 'b.json',
        metadataFile: 'm.json',
        builder: container,
        entitlements: ['ssh', 'fs.read=/keys/id,a', 'fs=/c=1'],
      }),
      [
        'buildx',
        '--builder',
        'crossbake',
        'bake',
        '--file',
        'b.json',
        '--metadata-file',
        'm.json',
        '--progress',
        'plain',
        '--allow',
        'ssh',
        '--allow',
        'fs.read=/keys/id,a',
        '--allow',
        'fs=/c=1',
      ],
    ],
    [
      getBakeCommand({ bakeFile: 'b.json', metadataFile: 'm.json', builder: container, entitlements: [] }),
      ['buildx', '--builder', 'crossbake', 'bake', '--file', 'b.json', '--metadata-file', 'm.json', '--progress', 'plain'],
    ],
  ])('%j', (argv, expected) => expect(argv).toEqual(expected));

  it('never selects a builder globally', () => {
    const all = [getBakeCommand({ bakeFile: 'b', metadataFile: 'm', builder: container }), getHistoryListCommand(context)].flat();
    expect(all).not.toContain('use');
  });
});

describe('builder argv builders', () => {
  const base = { name: 'nx-crossbake', driverOpts: {}, platforms: [] };
  it.each([
    [
      'docker-container, detected platforms',
      c.getBuilderCreateCommand({ ...base, driver: 'docker-container' }),
      'buildx create --name nx-crossbake --driver docker-container --bootstrap',
    ],
    [
      'docker-container, every option',
      c.getBuilderCreateCommand({
        ...base,
        driver: 'docker-container',
        driverOpts: { image: 'moby/buildkit:v0.26.2', network: 'host' },
        platforms: ['linux/amd64', 'linux/arm/v7'],
        buildkitdConfigFile: '/w/b.toml',
        endpoint: 'ctx',
      }),
      'buildx create --name nx-crossbake --driver docker-container --driver-opt image=moby/buildkit:v0.26.2 --driver-opt network=host --platform linux/amd64,linux/arm/v7 --buildkitd-config /w/b.toml --bootstrap ctx',
    ],
    [
      'remote',
      c.getBuilderCreateCommand({ ...base, driver: 'remote', endpoint: 'tcp://buildkitd:1234' }),
      'buildx create --name nx-crossbake --driver remote --bootstrap tcp://buildkitd:1234',
    ],
    [
      'kubernetes',
      c.getBuilderCreateCommand({ ...base, driver: 'kubernetes', driverOpts: { namespace: 'ci', replicas: '2' } }),
      'buildx create --name nx-crossbake --driver kubernetes --driver-opt namespace=ci --driver-opt replicas=2 --bootstrap',
    ],
    [
      'native node',
      c.getNodeAppendCommand({
        builder: 'nx-crossbake',
        node: 'arm',
        driverOpts: { image: 'moby/buildkit:v0.26.2' },
        platforms: ['linux/arm64'],
        endpoint: 'ssh://ci@arm-host',
      }),
      'buildx create --append --name nx-crossbake --node arm --driver-opt image=moby/buildkit:v0.26.2 --platform linux/arm64 --bootstrap ssh://ci@arm-host',
    ],
    [
      // The rig's two-node remote builder: each daemon pinned to its platforms, TLS files absolute (buildx refuses relative ones).
      'remote with TLS, first node pinned',
      c.getBuilderCreateCommand({
        ...base,
        driver: 'remote',
        driverOpts: { cacert: '/w/ca.pem', cert: '/w/c.pem', key: '/w/c.key' },
        platforms: ['linux/amd64'],
        endpoint: 'tcp://127.0.0.1:1234',
      }),
      'buildx create --name nx-crossbake --driver remote --driver-opt cacert=/w/ca.pem --driver-opt cert=/w/c.pem --driver-opt key=/w/c.key --platform linux/amd64 --bootstrap tcp://127.0.0.1:1234',
    ],
    [
      'remote node appended',
      c.getNodeAppendCommand({
        builder: 'nx-crossbake',
        node: 'arm',
        driverOpts: { cacert: '/w/ca.pem' },
        platforms: ['linux/arm64', 'linux/arm/v7'],
        endpoint: 'tcp://127.0.0.1:1235',
      }),
      'buildx create --append --name nx-crossbake --node arm --driver-opt cacert=/w/ca.pem --platform linux/arm64,linux/arm/v7 --bootstrap tcp://127.0.0.1:1235',
    ],
    [
      // buildx names a kubernetes node's deployment and refuses an endpoint
      'kubernetes node appended',
      c.getNodeAppendCommand({
        builder: 'k',
        node: 'arm',
        driverOpts: { nodeselector: 'kubernetes.io/arch=arm64' },
        platforms: ['linux/arm64'],
      }),
      'buildx create --append --name k --node arm --driver-opt nodeselector=kubernetes.io/arch=arm64 --platform linux/arm64 --bootstrap',
    ],
    [
      // each --driver-opt is read as CSV: a value with a comma is quoted as one field
      'a driver option holding a comma',
      c.getBuilderCreateCommand({ ...base, driver: 'docker-container', driverOpts: { 'env.NO_PROXY': 'localhost,127.0.0.1' } }),
      'buildx create --name nx-crossbake --driver docker-container --driver-opt "env.NO_PROXY=localhost,127.0.0.1" --bootstrap',
    ],
    ['registry config of the engine', c.getRegistryConfigCommand(), 'info --format {{json .RegistryConfig}}'],
    [
      'digests of the image that ran',
      c.getImageDigestsCommand('tonistiigi/binfmt:qemu-v10.2.3'),
      'image inspect --format {{json .RepoDigests}} tonistiigi/binfmt:qemu-v10.2.3',
    ],
    ['inspect', c.getBuilderInspectCommand('b', false), 'buildx inspect b'],
    ['inspect --bootstrap', c.getBuilderInspectCommand('b', true), 'buildx inspect --bootstrap b'],
    ['rm keeping state', c.getBuilderRemoveCommand('b', true), 'buildx rm --keep-state b'],
    ['rm with state', c.getBuilderRemoveCommand('b', false), 'buildx rm b'],
    ['stop', c.getBuilderStopCommand('b'), 'buildx stop b'],
    [
      'context for the docker driver',
      c.getContextCreateCommand('b', 'unix:///var/run/docker.sock'),
      'context create b --description buildx builder managed by nx-crossbake --docker host=unix:///var/run/docker.sock',
    ],
    ['context rm', c.getContextRemoveCommand('b'), 'context rm --force b'],
    [
      'imagetools create',
      c.getImagetoolsCreateCommand({ tags: ['r/a:1', 'r/a:latest'], sources: ['r/a@sha256:1', 'r/a@sha256:2'] }),
      'buildx imagetools create --tag r/a:1 --tag r/a:latest r/a@sha256:1 r/a@sha256:2',
    ],
    [
      'emulators',
      c.getEmulatorInstallCommand('tonistiigi/binfmt:qemu-v10.2.3', ['arm64', 'arm']),
      'run --privileged --rm tonistiigi/binfmt:qemu-v10.2.3 --install arm64,arm',
    ],
  ])('%s', (_name, argv, expected) => expect(argv.join(' ')).toBe(expected));
});
