import { logger } from '@nx/devkit';
import { createTree } from '@nx/devkit/testing';
import { scaffoldDockerfile } from './scaffold';

describe('scaffoldDockerfile', () => {
  const run = { project: 'api', targetName: 'docker-multiarch' };

  it.each([
    ['node', /npm ci/, /node_modules/],
    ['go', /go build/, /^bin$/m],
  ] as const)('writes a %s Dockerfile and .dockerignore into the project folder', (kind, dockerfile, ignore) => {
    const tree = createTree();
    expect(scaffoldDockerfile(tree, 'apps/api', kind, run)).toEqual({
      written: ['apps/api/Dockerfile', 'apps/api/.dockerignore'],
      kept: [],
    });
    expect(tree.read('apps/api/Dockerfile', 'utf-8')).toMatch(dockerfile);
    expect(tree.read('apps/api/.dockerignore', 'utf-8')).toMatch(ignore);
  });

  it('never overwrites an existing Dockerfile or .dockerignore', () => {
    const tree = createTree();
    tree.write('apps/api/Dockerfile', 'FROM mine\n');
    expect(scaffoldDockerfile(tree, 'apps/api', 'go', run)).toEqual({ written: ['apps/api/.dockerignore'], kept: ['apps/api/Dockerfile'] });
    expect(tree.read('apps/api/Dockerfile', 'utf-8')).toBe('FROM mine\n');
  });

  it('writes at the workspace root for a root project', () => {
    const tree = createTree();
    expect(scaffoldDockerfile(tree, '.', 'node', run).written).toEqual(['Dockerfile', '.dockerignore']);
  });

  it("completes a root project's existing .dockerignore, which every root context reads, and keeps a project's own", () => {
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    const tree = createTree();
    tree.write('.dockerignore', 'node_modules\n');
    tree.write('apps/api/.dockerignore', 'node_modules\n');
    expect(scaffoldDockerfile(tree, '.', 'node', run)).toEqual({ written: ['Dockerfile'], kept: [] });
    expect(tree.read('.dockerignore', 'utf-8')).toMatch(/^node_modules\n\n# nx-crossbake: .*\n\.git\n\.nx\ntmp\ndist\/nx-crossbake\n$/);
    expect(scaffoldDockerfile(tree, 'apps/api', 'node', run).kept).toEqual(['apps/api/.dockerignore']);
    expect(tree.read('apps/api/.dockerignore', 'utf-8')).toBe('node_modules\n');
    jest.restoreAllMocks();
  });
});
