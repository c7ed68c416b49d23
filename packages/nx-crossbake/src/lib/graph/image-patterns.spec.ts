import { parseTagPattern } from './image-patterns';
import { parseImageRef } from '../docker/image-ref';

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
    [
      '{projectName} as Nx already substituted it',
      'r.example.com/acme/@acme/base:{version}',
      '@acme/base',
      'r.example.com/acme/acme-base:7',
      true,
      true,
    ],
    [
      'a placeholder in the tag: any tag',
      'r.example.com/acme/base:{branch}-{shortSha}',
      'base',
      'r.example.com/acme/base:main-abc1234',
      true,
      true,
    ],
    [
      'a placeholder in the tag still fixes the rest of it',
      'r.example.com/acme/base:base-{version}',
      'base',
      'r.example.com/acme/base:api-1',
      true,
      false,
    ],
    [
      'a placeholder in the repository: any one path component',
      'r.example.com/{branch}/base:1',
      'base',
      'r.example.com/feature-x/base:1',
      true,
      true,
    ],
    ['a placeholder in the repository: not across a /', 'r.example.com/{branch}/base:1', 'base', 'r.example.com/a/b/base:1', false, true],
    ['an unknown placeholder: also a wildcard', 'r.example.com/acme/base:{tag}', 'base', 'r.example.com/acme/base:9', true, true],
    [
      'a registry with a port and a templated tag',
      '127.0.0.1:5000/acme/{projectName}:{version}',
      'base',
      '127.0.0.1:5000/acme/base',
      true,
      true,
    ],
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
