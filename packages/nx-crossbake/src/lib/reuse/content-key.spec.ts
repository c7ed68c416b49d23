import type { ServiceOptions } from '../options/service-options';
import { contentKey, keyTagOf, type KeyInputs } from './content-key';

const options = (overrides: Partial<ServiceOptions> = {}) =>
  ({
    id: 'api:docker-multiarch',
    project: 'api',
    targetName: 'docker-multiarch',
    platforms: ['linux/amd64', 'linux/arm64'],
    tags: ['r.example.com/acme/api:1'],
    buildArgs: { A: '1', SOURCE_DATE_EPOCH: '0' },
    labels: { 'org.opencontainers.image.revision': 'abc' },
    attest: [],
    secrets: ['id=npm,env=NPM_TOKEN'],
    ssh: ['default'],
    reproducible: true,
    sourceDateEpoch: 0,
    reuseSalt: ['', ''],
    cacheFrom: [],
    cacheTo: [],
    builder: 'nx-crossbake',
    ...overrides,
  }) as ServiceOptions;
const inputs: KeyInputs = { dockerfile: 'sha256:d', context: 'sha256:c', namedContexts: {}, images: { 'busybox:1': 'sha256:b' } };
const base = contentKey(options(), inputs);

describe('contentKey', () => {
  it('is a sha256, the same for the same inputs whatever order they were written in', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(contentKey(options({ buildArgs: { SOURCE_DATE_EPOCH: '0', A: '1' }, platforms: ['linux/arm64', 'linux/amd64'] }), inputs)).toBe(
      base,
    );
  });

  it.each<[string, Partial<ServiceOptions>, Partial<KeyInputs>]>([
    ['a build arg', { buildArgs: { A: '2', SOURCE_DATE_EPOCH: '0' } }, {}],
    ['the epoch', { sourceDateEpoch: 1700000000 }, {}],
    ['a label', { labels: { 'org.opencontainers.image.revision': 'def' } }, {}],
    ['the platforms', { platforms: ['linux/amd64'] }, {}],
    ['the target stage', { target: 'prod' }, {}],
    ['the attestations', { attest: ['type=provenance,mode=max'] }, {}],
    ['a secret id', { secrets: ['id=pip,env=NPM_TOKEN'] }, {}],
    ['an ssh id', { ssh: ['deploy'] }, {}],
    ['the salt', { reuseSalt: ['weekly', ''] }, {}],
    ['the salt from the environment', { reuseSalt: ['', '2026-49'] }, {}],
    ['the Dockerfile', {}, { dockerfile: 'sha256:d2' }],
    ['the context', {}, { context: 'sha256:c2' }],
    ['an external image', {}, { images: { 'busybox:1': 'sha256:b2' } }],
    ['a named context', {}, { namedContexts: { base: 'key:k' } }],
    ['check: error, whose gate an image built without it never passed', { check: 'error' }, {}],
  ])('changes with %s', (_, changed, changedInputs) => {
    expect(contentKey(options(changed), { ...inputs, ...changedInputs })).not.toBe(base);
  });

  it.each<[string, Partial<ServiceOptions>]>([
    ['the tags', { tags: ['r.example.com/acme/api:2', 'r.example.com/acme/api:latest'] }],
    ['the cache', { cacheFrom: ['type=registry,ref=r/api:buildcache'], cacheTo: ['type=inline'] }],
    ['the builder', { builder: 'native' }],
    ['where a secret comes from, never its value', { secrets: ['id=npm,src=secrets/npm.txt'] }],
    ['check: warn or off, which let any Dockerfile through', { check: 'off' }],
  ])('does not change with %s, which do not reach the image', (_, changed) => {
    expect(contentKey(options(changed), inputs)).toBe(base);
  });
});

describe('keyTagOf', () => {
  it('puts the key in the repository of the first tag', () => {
    expect(keyTagOf({ tags: ['127.0.0.1:5000/acme/api:1.2', 'ghcr.io/acme/api:1.2'] }, 'ab12')).toBe(
      '127.0.0.1:5000/acme/api:crossbake-ab12',
    );
  });
});
