import { imageRepository, namedContextKey, parseImageRef, pulledTag } from './image-ref';

describe('imageRepository', () => {
  it.each([
    ['registry.example.com:5000/acme/api:1.2@sha256:abc', 'registry.example.com:5000/acme/api'],
    ['registry.example.com:5000/acme/api', 'registry.example.com:5000/acme/api'],
    ['registry.example.com:5000/acme/api:1.2', 'registry.example.com:5000/acme/api'],
    ['registry.example.com/acme/api@sha256:abc', 'registry.example.com/acme/api'],
    ['localhost:5000/api:dev', 'localhost:5000/api'],
    ['localhost/api', 'localhost/api'],
    ['[::1]:5000/acme/api:dev', '[::1]:5000/acme/api'],
    ['127.0.0.1:5000/acme/api:latest', '127.0.0.1:5000/acme/api'],
    ['ghcr.io/astral-sh/uv:0.4', 'ghcr.io/astral-sh/uv'],
    ['Registry.Example.COM/acme/api', 'registry.example.com/acme/api'],
    ['  acme/api:1  ', 'docker.io/acme/api'],
    // one component: `localhost:5000` is the image `localhost` tagged 5000, as docker reads it
    ['localhost:5000', 'docker.io/library/localhost'],
  ])('%s → %s', (ref, repository) => expect(imageRepository(ref)).toBe(repository));

  it.each([
    'busybox',
    'busybox:1.36',
    'busybox@sha256:abc',
    'library/busybox',
    'docker.io/busybox',
    'docker.io/library/busybox:latest',
    'index.docker.io/library/busybox',
    'index.docker.io/busybox:1',
  ])('spells the Docker Hub image %s as docker.io/library/busybox', (ref) => {
    expect(imageRepository(ref)).toBe('docker.io/library/busybox');
  });

  it.each([
    ['acme/api', 'docker.io/acme/api'],
    ['docker.io/acme/api', 'docker.io/acme/api'],
    ['index.docker.io/acme/api:2', 'docker.io/acme/api'],
    ['acme/team/api', 'docker.io/acme/team/api'],
  ])('keeps the user of a Docker Hub repository: %s → %s', (ref, repository) => expect(imageRepository(ref)).toBe(repository));

  it.each([
    ['registry.example.com/busybox', 'docker.io/library/busybox'],
    ['localhost:5000/acme/api', 'localhost/acme/api'],
    ['127.0.0.1:5000/acme/api', 'localhost:5000/acme/api'],
    ['registry-1.docker.io/library/busybox', 'docker.io/library/busybox'],
  ])('keeps %s and %s apart', (a, b) => expect(imageRepository(a)).not.toBe(imageRepository(b)));
});

// distribution/reference v0.6.0 normalize_test.go (TestParseRepositoryInfo, TestNormalizedSplitHostname,
// TestParseDockerRef): the full name ParseNormalizedNamed gives.
describe('distribution/reference v0.6.0', () => {
  it.each([
    ['localhost/fooo', 'localhost/fooo'],
    ['fooo/bar', 'docker.io/fooo/bar'],
    ['index.docker.io/fooo/bar', 'docker.io/fooo/bar'],
    ['ubuntu', 'docker.io/library/ubuntu'],
    ['library/ubuntu', 'docker.io/library/ubuntu'],
    ['docker.io/foo', 'docker.io/library/foo'],
    ['test_com/foo', 'docker.io/test_com/foo'],
    ['test-com:8080/foo', 'test-com:8080/foo'],
    ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080/foo'],
    ['127.0.0.1:8000/privatebase', '127.0.0.1:8000/privatebase'],
    ['[fc00::1]:5000/docker', '[fc00::1]:5000/docker'],
    ['gcr.io/library/busybox:latest@sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582', 'gcr.io/library/busybox'],
  ])('%s → %s', (ref, repository) => expect(imageRepository(ref)).toBe(repository));

  // upstream keeps the registry's case; BuildKit looks named contexts up by that name
  it.each([
    ['LOCALDOMAIN/fooo', 'LOCALDOMAIN/fooo'],
    ['LOCALDOMAIN/fooo/bar:1', 'LOCALDOMAIN/fooo/bar:1'],
    ['Docker/docker', 'Docker/docker'],
    ['Example.com/app:latest', 'Example.com/app'],
    ['Docker.io/foo', 'Docker.io/foo'], // not Docker Hub: upstream compares the domain case-sensitively
    [
      'busybox@sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582',
      'busybox@sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582',
    ],
    ['index.docker.io/fooo/bar:1', 'fooo/bar:1'],
  ])('namedContextKey(%s) → %s', (ref, key) => expect(namedContextKey(ref)).toBe(key));

  // Documented departures (see image-ref.ts): upstream's answer, then ours, which the row asserts.
  it.each([
    ['LOCALDOMAIN/fooo', 'LOCALDOMAIN/fooo', 'localdomain/fooo'],
    ['LOCALDOMAIN/fooo/bar', 'LOCALDOMAIN/fooo/bar', 'localdomain/fooo/bar'],
    ['Docker/docker', 'Docker/docker', 'docker/docker'],
  ])('departure: the repository of %s lower-cases the host (upstream %s): %s', (ref, _upstream, ours) =>
    expect(imageRepository(ref)).toBe(ours),
  );

  it.each([
    ['docker/Docker', 'docker.io/docker/Docker'],
    ['docker.io/docker/Docker', 'docker.io/docker/Docker'],
    ['-docker', 'docker.io/library/-docker'],
    ['docker///docker', 'docker.io/docker///docker'],
    [
      '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
      'docker.io/library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
    ],
  ])('departure: %s, which upstream refuses, still parses (callers validate first): %s', (ref, ours) =>
    expect(imageRepository(ref)).toBe(ours),
  );
});

describe('parseImageRef', () => {
  it.each([
    ['alpine', { repository: 'docker.io/library/alpine' }],
    ['alpine:3.20', { repository: 'docker.io/library/alpine', tag: '3.20' }],
    ['alpine@sha256:abc', { repository: 'docker.io/library/alpine', digest: 'sha256:abc' }],
    ['r.example.com:5000/a/b:1@sha256:abc', { repository: 'r.example.com:5000/a/b', tag: '1', digest: 'sha256:abc' }],
    ['r.example.com:5000/a/b', { repository: 'r.example.com:5000/a/b' }],
  ])('%s → %j', (ref, parsed) => expect(parseImageRef(ref)).toEqual(parsed));
});

describe('namedContextKey', () => {
  it.each([
    ['127.0.0.1:5000/acme/base:latest', '127.0.0.1:5000/acme/base'],
    ['127.0.0.1:5000/acme/base', '127.0.0.1:5000/acme/base'],
    ['127.0.0.1:5000/acme/base:1.2', '127.0.0.1:5000/acme/base:1.2'],
    ['registry.example.com/acme/base@sha256:abc', 'registry.example.com/acme/base@sha256:abc'],
    ['docker.io/library/busybox:latest', 'busybox'],
    ['busybox:1.36', 'busybox:1.36'],
    ['index.docker.io/acme/base:2', 'acme/base:2'],
  ])('%s → %s', (ref, key) => expect(namedContextKey(ref)).toBe(key));
});

describe('pulledTag', () => {
  it.each([
    ['alpine', 'latest'],
    ['alpine:3', '3'],
    ['alpine@sha256:abc', undefined],
    ['alpine:3@sha256:abc', '3'],
  ])('%s pulls %s', (ref, tag) => expect(pulledTag(parseImageRef(ref))).toBe(tag));
});
