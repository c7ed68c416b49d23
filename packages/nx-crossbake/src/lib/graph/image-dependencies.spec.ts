import { findImageDependencies, type ProjectImages } from './image-dependencies';

const project = (name: string, images: string[], dockerfileRefs: string[] = []): ProjectImages => ({ name, images, dockerfileRefs });

describe('findImageDependencies', () => {
  it.each([
    [
      'by repository, whatever the tags',
      [project('base', ['registry.example.com/acme/base:1.2', 'registry.example.com/acme/base:latest']), project('api', [], ['registry.example.com/acme/base:1.0'])],
      [{ source: 'api', target: 'base', image: 'registry.example.com/acme/base:1.0' }],
    ],
    [
      'by repository, whatever the digest',
      [project('base', ['r.example.com:5000/acme/base:1']), project('api', [], ['r.example.com:5000/acme/base@sha256:abc'])],
      [{ source: 'api', target: 'base', image: 'r.example.com:5000/acme/base@sha256:abc' }],
    ],
    [
      'across Docker Hub spellings',
      [project('base', ['docker.io/acme/base:1']), project('api', [], ['acme/base']), project('web', [], ['index.docker.io/acme/base:2'])],
      [
        { source: 'api', target: 'base', image: 'acme/base' },
        { source: 'web', target: 'base', image: 'index.docker.io/acme/base:2' },
      ],
    ],
    ['not across registries', [project('base', ['r1.example.com/acme/base']), project('api', [], ['r2.example.com/acme/base'])], []],
    ['not for external images', [project('api', ['acme/api'], ['node:20', 'ghcr.io/astral-sh/uv'])], []],
    ['not to the project itself', [project('api', ['acme/api:2'], ['acme/api:1'])], []],
    [
      'once per pair, keeping the first reference',
      [project('base', ['acme/base']), project('api', [], ['acme/base:1', 'acme/base:2'])],
      [{ source: 'api', target: 'base', image: 'acme/base:1' }],
    ],
    [
      'in a chain',
      [project('app', ['acme/app'], ['acme/runtime']), project('runtime', ['acme/runtime'], ['acme/os']), project('os', ['acme/os'], ['debian:12'])],
      [
        { source: 'app', target: 'runtime', image: 'acme/runtime' },
        { source: 'runtime', target: 'os', image: 'acme/os' },
      ],
    ],
  ])('finds edges %s', (_, projects, edges) => {
    const found = findImageDependencies(projects);
    expect(found.edges).toEqual(edges);
    expect(found.ambiguous).toEqual([]);
  });

  it('reports a repository several projects produce instead of guessing', () => {
    const { edges, ambiguous } = findImageDependencies([
      project('api-a', ['acme/api:a']),
      project('api-b', ['docker.io/acme/api:b']),
      project('web', [], ['acme/api:1']),
      project('worker', [], ['acme/api@sha256:abc', 'acme/base']),
      project('base', ['acme/base']),
    ]);
    expect(edges).toEqual([{ source: 'worker', target: 'base', image: 'acme/base' }]);
    expect(ambiguous).toEqual([{ repository: 'docker.io/acme/api', producers: ['api-a', 'api-b'], referencedBy: ['web', 'worker'] }]);
  });

  it('still follows an exact tag in a repository shared by several projects (one repository, a tag per service)', () => {
    const { edges, ambiguous } = findImageDependencies([
      project('base', ['acme/app:base']),
      project('api', ['acme/app:api'], ['acme/app:base']),
      project('web', ['acme/app:web'], ['docker.io/acme/app:base']),
      project('lonely', ['acme/lonely:latest']),
      project('cli', [], ['acme/lonely']), // no tag means latest
    ]);
    expect(edges).toEqual([
      { source: 'api', target: 'base', image: 'acme/app:base' },
      { source: 'cli', target: 'lonely', image: 'acme/lonely' },
      { source: 'web', target: 'base', image: 'docker.io/acme/app:base' },
    ]);
    expect(ambiguous).toEqual([]);
  });

  it('reports a shared repository a project refers to even when that project is one of the producers', () => {
    const { edges, ambiguous } = findImageDependencies([project('a', ['acme/x:a'], ['acme/x:old']), project('b', ['acme/x:b'])]);
    expect(edges).toEqual([]);
    expect(ambiguous).toEqual([{ repository: 'docker.io/acme/x', producers: ['a', 'b'], referencedBy: ['a'] }]);
  });

  it('does not report shared repositories nobody refers to', () => {
    expect(findImageDependencies([project('a', ['acme/x:a']), project('b', ['acme/x:b'])]).ambiguous).toEqual([]);
  });

  it('gives the same result whatever the order of the projects', () => {
    const projects = [
      project('z', ['acme/z'], ['acme/a', 'acme/m']),
      project('a', ['acme/a'], ['acme/shared']),
      project('m', ['acme/m'], ['acme/a']),
      project('s1', ['acme/shared:1']),
      project('s2', ['acme/shared:2']),
    ];
    const forward = findImageDependencies(projects);
    expect(findImageDependencies([...projects].reverse())).toEqual(forward);
    expect(forward.edges.map((e) => `${e.source}->${e.target}`)).toEqual(['m->a', 'z->a', 'z->m']);
  });
});
