import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CreateNodesContextV2 } from '@nx/devkit';
import { createNodesV2, type CrossbakePluginOptions } from './inferred-targets';

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

  it('gives a project with a Dockerfile a build-only target by default', async () => {
    const nodes = await infer({ 'apps/api/project.json': '{"name":"@acme/api"}', 'apps/api/Dockerfile': 'FROM busybox\n' });
    expect(nodes['apps/api/Dockerfile'].projects).toEqual({
      'apps/api': {
        targets: {
          'docker-multiarch': expect.objectContaining({
            executor: 'nx-crossbake:multiarch',
            cache: false,
            inputs: ['{projectRoot}/**/*'],
            outputs: ['{workspaceRoot}/dist/nx-crossbake/{projectRoot}'],
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
    expect(nodes['apps/web/Dockerfile'].projects!['apps/web'].targets!.image.options).toEqual({
      platforms: ['linux/arm64'],
      tags: ['registry.example.com/acme/acme-web.app:latest'],
      push: true,
    });
  });

  it('ignores a Dockerfile outside any project', async () => {
    const nodes = await infer({ 'docker/tools/Dockerfile': 'FROM busybox\n', 'apps/x/package.json': '{}', 'apps/x/Dockerfile': 'FROM busybox\n' });
    expect(nodes['docker/tools/Dockerfile']).toEqual({});
    expect(nodes['apps/x/Dockerfile']).toEqual({});
  });
});
