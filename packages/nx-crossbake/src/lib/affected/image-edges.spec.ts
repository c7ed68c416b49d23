import type { ProjectGraph } from '@nx/devkit';
import { imageEdgesOf, isPluginRegistered, withImageEdges } from './image-edges';

const multiarch = (options: object) => ({ executor: 'nx-crossbake:multiarch', options });
const graph = {
  nodes: {
    '@acme/base': {
      name: '@acme/base',
      type: 'app',
      data: { root: 'services/base', targets: { 'docker-multiarch': multiarch({ tags: ['r.example.com/acme/{projectName}:{version}'] }) } },
    },
    api: {
      name: 'api',
      type: 'app',
      data: { root: 'services/api', targets: { 'docker-multiarch': multiarch({ tags: ['r.example.com/acme/api:1'] }) } },
    },
    bad: { name: 'bad', type: 'app', data: { root: 'services/bad', targets: { 'docker-multiarch': multiarch({ 'build-args': 5 }) } } },
  },
} as unknown as Pick<ProjectGraph, 'nodes'>;
const files: Record<string, string> = {
  'services/base/Dockerfile': 'FROM busybox\n',
  'services/api/Dockerfile': 'FROM r.example.com/acme/acme-base:1.0\n',
  'services/bad/Dockerfile': 'FROM r.example.com/acme/acme-base:1.0\n',
};
const readFile = (path: string) => {
  if (!(path in files)) throw new Error(`ENOENT: ${path}`);
  return files[path];
};

describe('isPluginRegistered', () => {
  it.each([
    [{ plugins: ['nx-crossbake'] }, true],
    [{ plugins: [{ plugin: 'nx-crossbake', options: { registry: 'r.example.com' } }] }, true],
    [{ plugins: ['./node_modules/nx-crossbake'] }, true],
    [{ plugins: ['@nx/js/typescript'] }, false],
    [{ plugins: [] }, false],
    [{}, false],
  ])('%j → %s', (nxJson, registered) => expect(isPluginRegistered(nxJson)).toBe(registered));
});

describe('imageEdgesOf', () => {
  it('finds the edges createDependencies would, templated tags included, leaving out what it cannot read', () => {
    expect(imageEdgesOf(graph, readFile)).toEqual([{ source: 'api', target: '@acme/base', image: 'r.example.com/acme/acme-base:1.0' }]);
  });
});

describe('withImageEdges', () => {
  it('adds the edges, leaving the given dependencies untouched', () => {
    const dependencies = { api: [{ target: 'lib' }], base: [] };
    const merged = withImageEdges(dependencies, [
      { source: 'api', target: 'base', image: 'x' },
      { source: 'web', target: 'base', image: 'x' },
    ]);
    expect(merged).toEqual({ api: [{ target: 'lib' }, { target: 'base' }], base: [], web: [{ target: 'base' }] });
    expect(dependencies).toEqual({ api: [{ target: 'lib' }], base: [] });
  });
});
