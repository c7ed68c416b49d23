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
