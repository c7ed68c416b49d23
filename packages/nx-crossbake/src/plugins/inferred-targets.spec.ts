import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CreateNodesContextV2 } from '@nx/devkit';
import { createNodes, createNodesV2, type CrossbakePluginOptions } from './inferred-targets';

function workspace(files: Record<string, string>): CreateNodesContextV2 {
  const workspaceRoot = mkdtempSync(join(tmpdir(), 'crossbake-nodes-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(workspaceRoot, path)), { recursive: true });
    writeFileSync(join(workspaceRoot, path), text);
  }
  return { workspaceRoot, nxJsonConfiguration: {} };
}

const infer = async (files: Record<string, string>, options?: CrossbakePluginOptions) => {
  const context = workspace(files);
  const dockerfiles = Object.keys(files).filter((f) => f.endsWith('Dockerfile'));
  return Object.fromEntries((await createNodesV2[1](dockerfiles, options, context)).map(([file, result]) => [file, result]));
};

describe('createNodesV2 (inferred targets)', () => {
  it('matches Dockerfiles', () => {
    expect(createNodesV2[0]).toBe('**/Dockerfile');
  });

  it("claims no 'docker' technology, which makes Nx 22's nx release version require @nx/docker", async () => {
    const nodes = await infer({ 'apps/api/project.json': '{"name":"api"}', 'apps/api/Dockerfile': 'FROM busybox\n' });
    const target = nodes['apps/api/Dockerfile'].projects!['apps/api'].targets!['docker-multiarch'];
    expect(target.metadata).toEqual({ description: expect.any(String) });
  });

  it('is exported as createNodes too, the name Nx 22+ reads with this signature', () => {
    expect(createNodes).toBe(createNodesV2);
  });

  it('gives a project with a Dockerfile a build-only target by default', async () => {
    const nodes = await infer({ 'apps/api/project.json': '{"name":"@acme/api"}', 'apps/api/Dockerfile': 'FROM busybox\n' });
    expect(nodes['apps/api/Dockerfile'].projects).toEqual({
      'apps/api': {
        targets: {
          'docker-multiarch': expect.objectContaining({
            executor: 'nx-crossbake:multiarch',
            cache: false,
            inputs: ['{projectRoot}/**/*', '^{projectRoot}/**/*'],
            outputs: ['{workspaceRoot}/dist/nx-crossbake/{projectRoot}/docker-multiarch'],
            options: { outputs: ['type=cacheonly'] },
          }),
        },
      },
    });
  });

  it('names and pushes the image under the registry, with the platforms and target name asked for', async () => {
    const nodes = await infer(
      { 'apps/web/package.json': '{"name":"@acme/Web.App"}', 'apps/web/Dockerfile': 'FROM nginx\n' },
      { registry: 'registry.example.com/acme/', platforms: ['linux/arm64'], targetName: 'image' },
    );
    const target = nodes['apps/web/Dockerfile'].projects!['apps/web'].targets!.image;
    expect(target.options).toEqual({
      platforms: ['linux/arm64'],
      tags: ['registry.example.com/acme/acme-web.app:latest'],
      push: true,
    });
    // the report of a task is written per target name
    expect(target.outputs).toEqual(['{workspaceRoot}/dist/nx-crossbake/{projectRoot}/image']);
  });

  it('ignores a Dockerfile outside any project', async () => {
    const nodes = await infer({
      'docker/tools/Dockerfile': 'FROM busybox\n',
      'apps/x/package.json': '{}',
      'apps/x/Dockerfile': 'FROM busybox\n',
    });
    expect(nodes['docker/tools/Dockerfile']).toEqual({});
    expect(nodes['apps/x/Dockerfile']).toEqual({});
  });

  it('reads platforms given as a comma string, as the executor does', async () => {
    const nodes = await infer(
      { 'apps/api/project.json': '{"name":"api"}', 'apps/api/Dockerfile': 'FROM busybox\n' },
      { platforms: 'linux/amd64, linux/arm64' as unknown as string[] },
    );
    expect(nodes['apps/api/Dockerfile'].projects!['apps/api'].targets!['docker-multiarch'].options.platforms).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
  });

  describe('never throws, whatever the plugin options or the files hold', () => {
    const files = { 'apps/api/project.json': '{"name":"api"}', 'apps/api/Dockerfile': 'FROM busybox\n' };
    const target = async (options: unknown) =>
      (await infer(files, options as CrossbakePluginOptions))['apps/api/Dockerfile'].projects!['apps/api'].targets!;

    it.each([
      ['platforms a number', { platforms: 5 }, 5],
      ['platforms a map', { platforms: { linux: 'amd64' } }, { linux: 'amd64' }],
      ['platforms a list holding a number', { platforms: ['linux/amd64', 7] }, ['linux/amd64', 7]],
    ])('passes on %s as written, for the executor to refuse per project', async (_, options, platforms) => {
      expect((await target(options))['docker-multiarch'].options.platforms).toEqual(platforms);
    });

    it.each([
      ['a number', 5, '5/api:latest'],
      ['a map', { url: 'r.example.com' }, undefined],
      ['a list', ['r.example.com'], undefined],
    ])('reads a registry that is %s as text when it can, and otherwise builds without pushing, saying why', async (_, registry, tag) => {
      const inferred = (await target({ registry }))['docker-multiarch'];
      if (tag) {
        expect(inferred.options).toEqual({ tags: [tag], push: true });
      } else {
        expect(inferred.options).toEqual({ outputs: ['type=cacheonly'] });
        expect(inferred.metadata!.description).toMatch(/not pushed: the plugin option 'registry' is .*expected a string/);
      }
    });

    it.each([
      ['a map', { name: 'x' }, 'docker-multiarch'],
      ['empty', '', 'docker-multiarch'],
      ['a number, read as text', 5, '5'],
    ])('names the target for a targetName that is %s', async (_, targetName, name) => {
      expect(Object.keys(await target({ targetName }))).toEqual([name]);
    });

    it.each([
      ['a string', 'oops'],
      ['null', null],
      ['a list', ['a']],
    ])('takes options that are %s as none', async (_, options) => {
      expect((await target(options))['docker-multiarch'].options).toEqual({ outputs: ['type=cacheonly'] });
    });

    it.each([
      ['a package.json whose name is not a string', { 'apps/x/package.json': '{"name":5}', 'apps/x/Dockerfile': 'FROM busybox\n' }],
      ['a package.json that is null', { 'apps/x/package.json': 'null', 'apps/x/Dockerfile': 'FROM busybox\n' }],
      ['a broken project.json', { 'apps/x/project.json': '{', 'apps/x/Dockerfile': 'FROM busybox\n' }],
    ])('gives no project, and throws nothing, for %s', async (_, broken) => {
      const results = await createNodesV2[1](['apps/x/Dockerfile'], {}, workspace(broken));
      expect(results).toEqual([['apps/x/Dockerfile', {}]]);
    });

    it('still infers the target of a project whose Dockerfile is a folder: its build reports the problem', async () => {
      const results = await createNodesV2[1](
        ['apps/x/Dockerfile'],
        {},
        workspace({ 'apps/x/project.json': '{"name":"x"}', 'apps/x/Dockerfile/README': 'no\n' }),
      );
      expect(Object.keys(results[0][1].projects!['apps/x'].targets!)).toEqual(['docker-multiarch']);
    });

    it('gives no image name, and still a target, for a project name that makes no repository', async () => {
      const nodes = await infer(
        { 'apps/x/project.json': '{"name":"@@@"}', 'apps/x/Dockerfile': 'FROM busybox\n' },
        { registry: 'r.example.com' },
      );
      expect(nodes['apps/x/Dockerfile'].projects!['apps/x'].targets!['docker-multiarch'].options).toEqual({ outputs: ['type=cacheonly'] });
    });
  });
});
