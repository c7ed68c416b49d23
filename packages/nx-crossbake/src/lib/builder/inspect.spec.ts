import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { missingPlatforms, parseBuilderInspect } from './inspect';

const fixture = (name: string) => readFileSync(join(__dirname, '..', '__fixtures__', name), 'utf8');

describe('parseBuilderInspect', () => {
  it('reads a docker-driver builder (a context) with its detected platforms', () => {
    const info = parseBuilderInspect(fixture('buildx-inspect.docker-context.txt'));
    expect(info.name).toBe('probe-ctx');
    expect(info.driver).toBe('docker');
    expect(info.nodes).toHaveLength(1);
    expect(info.nodes[0]).toMatchObject({ name: 'probe-ctx', endpoint: 'probe-ctx', status: 'running', pinned: [] });
    expect(info.nodes[0].platforms).toEqual([
      'linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/amd64/v4', 'linux/arm64', 'linux/arm/v7', 'linux/arm/v6',
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
          driverOptions: 'image="moby/buildkit:v0.26.2"',
          status: 'inactive',
          platforms: ['linux/amd64', 'linux/arm/v7'],
          pinned: ['linux/amd64', 'linux/arm/v7'],
        },
        {
          name: 'arm0',
          endpoint: 'probe-ctx',
          driverOptions: 'image="moby/buildkit:v0.26.2"',
          status: 'inactive',
          platforms: ['linux/arm64'],
          pinned: ['linux/arm64'],
        },
      ],
    });
  });

  it('reads a node that has no platforms yet', () => {
    const info = parseBuilderInspect(fixture('buildx-inspect.remote-unreachable.txt'));
    expect(info.driver).toBe('remote');
    expect(info.nodes).toEqual([{ name: 'rem0', endpoint: 'tcp://127.0.0.1:1234', status: 'inactive', platforms: [], pinned: [] }]);
  });

  it('keeps detected and pinned platforms apart, and reads a node error', () => {
    const info = parseBuilderInspect('Name: b\nDriver: docker-container\n\nNodes:\nName: b0\nError: connection refused\nPlatforms: linux/arm64*, linux/arm/v7\n');
    expect(info.nodes[0]).toMatchObject({ error: 'connection refused', platforms: ['linux/arm64', 'linux/arm/v7'], pinned: ['linux/arm64'] });
  });
});

describe('missingPlatforms', () => {
  const multi = parseBuilderInspect(fixture('buildx-inspect.multi-node.txt'));
  const docker = parseBuilderInspect(fixture('buildx-inspect.docker-context.txt'));
  it.each([
    [['linux/amd64', 'linux/arm64', 'linux/arm/v7'], []],
    [['linux/arm64/v8'], []],
    [['linux/s390x', 'linux/arm/v6', 'linux/arm64'], ['linux/s390x', 'linux/arm/v6']],
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
