import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planBuilder } from './builder-plan';
import { normalizeBuilderSpec } from './builder-spec';
import { builderDrift } from './drift';
import { parseBuilderInspect } from '../docker/builder-inspect';

const fixture = (name: string) => readFileSync(join(__dirname, '..', '__fixtures__', name), 'utf8');

/** Drift of a recorded builder from options; the planned config is the one the plan renders. */
function drift(file: string, raw: Parameters<typeof normalizeBuilderSpec>[0]) {
  const spec = normalizeBuilderSpec(raw);
  const plan = planBuilder(spec, { workspaceRoot: '/w', registries: [] });
  return builderDrift(spec, plan, parseBuilderInspect(fixture(file)), plan.buildkitdConfig?.text);
}

const CERTS = { cacert: '/tmp/h-builder/certs/ca.pem', cert: '/tmp/h-builder/certs/client.pem', key: '/tmp/h-builder/certs/client.key' };

// The rig's two remote daemons with TLS: node A linux/amd64, node B linux/arm64 + linux/arm/v7.
const REMOTE = {
  builder: 'h-builder-multi',
  driver: 'remote' as const,
  endpoint: 'tcp://127.0.0.1:17431',
  ...CERTS,
  platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
  nodes: [{ name: 'h-builder-arm', endpoint: 'tcp://127.0.0.1:17432', platforms: ['linux/arm64', 'linux/arm/v7'] }],
};

// The rig's two docker-container nodes (the second on a context of the same engine), with the buildkitd config they were made with.
const CONTAINERS = {
  builder: 'h-builder-dc2',
  'driver-opts': ['image=127.0.0.1:5000/h-builder/buildkit:standin'],
  network: 'host',
  'insecure-registries': ['127.0.0.1:5000'],
  'registry-mirrors': ['127.0.0.1:5000'],
  'max-parallelism': 4,
  platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
  nodes: [
    {
      name: 'h-builder-dc2-arm',
      endpoint: 'h-builder-ctx',
      platforms: ['linux/arm64', 'linux/arm/v7'],
      'driver-opts': ['image=127.0.0.1:5000/h-builder/buildkit:standin'],
    },
  ],
};

describe('builderDrift on builders recorded on the rig', () => {
  it.each([
    ['the two-node remote builder with TLS', 'buildx-inspect.remote-two-nodes.txt', REMOTE],
    ['the two-node docker-container builder and its re-written config', 'buildx-inspect.docker-container-two-nodes.txt', CONTAINERS],
    ['the docker-driver builder', 'buildx-inspect.docker-context.txt', { builder: 'probe-ctx', driver: 'docker' as const }],
  ])('finds none in %s made from the same options', (_name, file, raw) => {
    expect(drift(file, raw)).toEqual([]);
  });

  it('ignores a platform a run adds that no node pins, and the endpoint of a first node left to the current context', () => {
    expect(
      drift('buildx-inspect.docker-container-two-nodes.txt', { ...CONTAINERS, platforms: [...CONTAINERS.platforms, 'linux/s390x'] }),
    ).toEqual([]);
  });

  it.each([
    [
      'another driver',
      { ...REMOTE, driver: 'docker-container' as const, endpoint: undefined, cacert: undefined, cert: undefined, key: undefined },
      ["its driver is 'remote', the options ask for 'docker-container'"],
    ],
    [
      'a TLS option added',
      { ...REMOTE, servername: 'buildkitd' },
      [`node 'h-builder-multi0': driver option servername is unset, the options make it "buildkitd"`],
    ],
    [
      'another certificate',
      { ...REMOTE, cert: '/ci/client.pem' },
      [
        `node 'h-builder-multi0': driver option cert is "/tmp/h-builder/certs/client.pem", the options make it "/ci/client.pem"`,
        `node 'h-builder-arm': driver option cert is "/tmp/h-builder/certs/client.pem", the options make it "/ci/client.pem"`,
      ],
    ],
    [
      'an endpoint moved',
      { ...REMOTE, endpoint: 'tcp://127.0.0.1:17999' },
      ["node 'h-builder-multi0' is at tcp://127.0.0.1:17431, the options say tcp://127.0.0.1:17999"],
    ],
    [
      'a node renamed',
      { ...REMOTE, nodes: [{ ...REMOTE.nodes[0], name: 'arm' }] },
      [
        "node 'arm' (linux/arm64, linux/arm/v7) is missing",
        "node 'h-builder-arm' is not in the options",
        "linux/arm64 is pinned to node 'h-builder-arm', the options give it to node 'arm'",
        "linux/arm/v7 is pinned to node 'h-builder-arm', the options give it to node 'arm'",
      ],
    ],
    [
      'a platform moved to another node',
      { ...REMOTE, nodes: [{ ...REMOTE.nodes[0], platforms: ['linux/arm64', 'linux/amd64'] }] },
      [
        "linux/amd64 is pinned to node 'h-builder-multi0', the options give it to node 'h-builder-arm'",
        "linux/arm/v7 is pinned to node 'h-builder-arm', the options give it to node 'h-builder-multi0'",
      ],
    ],
    [
      'no nodes any more',
      { ...REMOTE, nodes: [] },
      [
        "node 'h-builder-arm' is not in the options",
        "linux/arm64 is pinned to node 'h-builder-arm', the options give it to node 'h-builder-multi0'",
        "linux/arm/v7 is pinned to node 'h-builder-arm', the options give it to node 'h-builder-multi0'",
      ],
    ],
  ])('reports %s', (_name, raw, expected) => {
    expect(drift('buildx-inspect.remote-two-nodes.txt', raw)).toEqual(expected);
  });

  it('reports the image, the network and the config of a docker-container builder, node by node', () => {
    const raw = { ...CONTAINERS, 'driver-opts': ['image=moby/buildkit:v0.25.2'], network: 'bridge', 'max-parallelism': undefined };
    expect(drift('buildx-inspect.docker-container-two-nodes.txt', raw)).toEqual([
      `node 'h-builder-dc20': driver option image is "127.0.0.1:5000/h-builder/buildkit:standin", the options make it "moby/buildkit:v0.25.2"`,
      `node 'h-builder-dc20': driver option network is "host", the options make it "bridge"`,
      `node 'h-builder-dc20': its buildkitd config differs: it has worker.oci.max-parallelism = 4, which the options no longer make`,
      `node 'h-builder-dc2-arm': driver option network is "host", the options make it "bridge"`,
      `node 'h-builder-dc2-arm': its buildkitd config differs: it has worker.oci.max-parallelism = 4, which the options no longer make`,
    ]);
  });

  it('keeps host networking chosen for a loopback registry the options name: no drift from network: auto', () => {
    expect(drift('buildx-inspect.docker-container-two-nodes.txt', { ...CONTAINERS, network: 'auto' })).toEqual([]);
  });

  it('says a node with no config lacks the one the options make', () => {
    expect(
      drift('buildx-inspect.multi-node.txt', { builder: 'multi', 'driver-opts': ['image=moby/buildkit:v0.26.2'], 'max-parallelism': 2 }),
    ).toContain("node 'multi0' has no buildkitd config; the options make one (generated)");
  });
});
