import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace } from '../../../test-support/fake-docker';
import { memoryStateStore } from '../core/state-file';
import { normalizeBuilderSpec } from './builder-spec';
import { forgetReadiness, READINESS_MAX_AGE_MS, readinessKey, readReadiness, recordReadiness, type ReadinessRequest } from './readiness';

describe('readinessKey', () => {
  const workspaceRoot = makeWorkspace([]);
  const request = (raw: Parameters<typeof normalizeBuilderSpec>[0] = {}, extra: Partial<ReadinessRequest> = {}): ReadinessRequest => ({
    spec: normalizeBuilderSpec({ platforms: ['linux/amd64'], ...raw }),
    registries: [],
    asIs: false,
    emulated: ['linux/arm64'],
    workspaceRoot,
    ...extra,
  });
  const key = readinessKey(request(), {});

  it('is the same for the same request, whatever platforms are asked: the record says which were served', () => {
    expect(readinessKey(request({ platforms: ['linux/amd64', 'linux/arm64'] }), {})).toBe(key);
  });

  it.each([
    ['other setup options', request({ 'driver-opts': ['network=host'] })],
    ['a platform pinned to a node', request({ nodes: [{ name: 'arm', endpoint: 'ssh://arm', platforms: ['linux/arm64'] }] })],
    ['other registries used', request({}, { registries: [{ registry: '127.0.0.1:5000', tasks: ['api:docker-multiarch'] }] })],
    ['other emulators registered', request({}, { emulated: [] })],
    ['a builder used as it is', request({}, { asIs: true })],
  ])('changes with %s', (_case, changed) => expect(readinessKey(changed, {})).not.toBe(key));

  it('changes with the docker, configuration or engine asked', () => {
    for (const name of ['CROSSBAKE_DOCKER', 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_CONTEXT', 'BUILDX_CONFIG']) {
      expect([name, readinessKey(request(), { [name]: 'x' })]).not.toEqual([name, key]);
    }
  });

  it("changes with the user's buildkitd.toml", () => {
    writeFileSync(join(workspaceRoot, 'buildkitd.toml'), 'debug = true\n');
    const withFile = request({ 'buildkitd-config': 'buildkitd.toml' });
    const before = readinessKey(withFile, {});
    writeFileSync(join(workspaceRoot, 'buildkitd.toml'), 'debug = false\n');
    expect(readinessKey(withFile, {})).not.toBe(before);
  });
});

describe('readReadiness', () => {
  const ready = { driver: 'docker-container', reachesHostLoopback: true };
  const served = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];

  it('gives back what was recorded for the builder and key, for a day', () => {
    const state = memoryStateStore();
    recordReadiness(state, 'b', 'k1', { ...ready, platforms: served }, 1_000);
    expect(readReadiness(state, 'b', 'k1', served, 1_000 + READINESS_MAX_AGE_MS)).toEqual(ready);
    expect(readReadiness(state, 'b', 'k1', served, 1_001 + READINESS_MAX_AGE_MS)).toBeUndefined();
    expect(readReadiness(state, 'b', 'k2', served, 1_000)).toBeUndefined();
    expect(readReadiness(state, 'other', 'k1', served, 1_000)).toBeUndefined();
    // recorded "in the future" (a clock set back): not trusted
    expect(readReadiness(state, 'b', 'k1', served, 999)).toBeUndefined();
  });

  it('serves a run asking some of the platforms found served, and no run asking another', () => {
    const state = memoryStateStore();
    recordReadiness(state, 'b', 'k', { ...ready, platforms: served }, 1);
    expect(readReadiness(state, 'b', 'k', ['linux/arm64'], 1)).toEqual(ready);
    expect(readReadiness(state, 'b', 'k', [], 1)).toEqual(ready);
    expect(readReadiness(state, 'b', 'k', ['linux/arm64', 'linux/s390x'], 1)).toBeUndefined();
  });

  it('keeps one entry per builder, and forgets one without touching the others', () => {
    const state = memoryStateStore();
    recordReadiness(state, 'a', 'k1', { ...ready, platforms: [] }, 1);
    recordReadiness(state, 'a', 'k2', { ...ready, platforms: [] }, 1);
    recordReadiness(state, 'b', 'k1', { ...ready, platforms: [] }, 1);
    expect(readReadiness(state, 'a', 'k1', [], 1)).toBeUndefined();
    forgetReadiness(state, 'a');
    expect(readReadiness(state, 'a', 'k2', [], 1)).toBeUndefined();
    expect(readReadiness(state, 'b', 'k1', [], 1)).toEqual(ready);
  });

  it.each([[{ b: 'not an entry' }], [{ b: { key: 'k', at: 1, driver: 'docker', reachesHostLoopback: true } }]])(
    'reads a malformed entry %j as none',
    (doc) => {
      const state = memoryStateStore();
      state.write('builder-readiness', doc);
      expect(readReadiness(state, 'b', 'k', [], 1)).toBeUndefined();
    },
  );
});
