import { imageRepository, namedContextKey, parseImageRef, parseTagPattern, pulledTag } from './image-name';

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


describe('parseTagPattern', () => {
  const matches = (template: string, project: string, ref: string) => {
    const pattern = parseTagPattern(template, project);
    const { repository, tag = 'latest' } = parseImageRef(ref);
    return { repository: pattern.repository.test(repository), tag: pattern.tag.test(tag) };
  };

  it.each([
    ['a fixed tag, its own repository and tag', 'r.example.com/acme/base:1', 'base', 'r.example.com/acme/base:1', true, true],
    ['a fixed tag, another tag of its repository', 'r.example.com/acme/base:1', 'base', 'r.example.com/acme/base:2', true, false],
    ['no tag, meaning latest', 'acme/base', 'base', 'docker.io/acme/base:latest', true, true],
    ['{projectName} rendered', 'r.example.com/acme/{projectName}:{version}', '@acme/base', 'r.example.com/acme/acme-base:1.0', true, true],
    ['{projectName} rendered, never a wildcard', 'r.example.com/acme/{projectName}:1', 'base', 'r.example.com/acme/api:1', false, true],
    ['{projectName} as Nx already substituted it', 'r.example.com/acme/@acme/base:{version}', '@acme/base', 'r.example.com/acme/acme-base:7', true, true],
    ['a placeholder in the tag: any tag', 'r.example.com/acme/base:{branch}-{shortSha}', 'base', 'r.example.com/acme/base:main-abc1234', true, true],
    ['a placeholder in the tag still fixes the rest of it', 'r.example.com/acme/base:base-{version}', 'base', 'r.example.com/acme/base:api-1', true, false],
    ['a placeholder in the repository: any one path component', 'r.example.com/{branch}/base:1', 'base', 'r.example.com/feature-x/base:1', true, true],
    ['a placeholder in the repository: not across a /', 'r.example.com/{branch}/base:1', 'base', 'r.example.com/a/b/base:1', false, true],
    ['an unknown placeholder: also a wildcard', 'r.example.com/acme/base:{tag}', 'base', 'r.example.com/acme/base:9', true, true],
    ['a registry with a port and a templated tag', '127.0.0.1:5000/acme/{projectName}:{version}', 'base', '127.0.0.1:5000/acme/base', true, true],
    ['Docker Hub spellings', 'docker.io/library/{projectName}:{date}', 'busybox', 'busybox:20250101', true, true],
    ['another registry', 'r1.example.com/acme/{projectName}', 'base', 'r2.example.com/acme/base', false, true],
  ])('%s', (_, template, project, ref, repository, tag) => {
    expect(matches(template, project, ref)).toEqual({ repository, tag });
  });

  it('tells a fixed repository from a templated one', () => {
    expect(parseTagPattern('r.example.com/acme/{projectName}:{version}', '@acme/api').literal).toBe('r.example.com/acme/acme-api');
    expect(parseTagPattern('r.example.com/{branch}/api:1', 'api').literal).toBeUndefined();
  });

  it('never throws, whatever the template', () => {
    for (const template of ['', '{', '}', '{{}}', 'a:{', '(x)/[y]:*', '@', ':', '/', '{a:b/c}']) {
      expect(() => parseTagPattern(template, '@x/(y)')).not.toThrow();
    }
  });
});

describe('pulledTag', () => {
  it.each([
    ['alpine', 'latest'],
    ['alpine:3', '3'],
    ['alpine@sha256:abc', undefined],
    ['alpine:3@sha256:abc', '3'],
  ])('%s pulls %s', (ref, tag) => expect(pulledTag(parseImageRef(ref))).toBe(tag));
});
