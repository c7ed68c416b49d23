import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_IMAGE, BINFMT_IMAGE, imageRef, registryPlatforms, RUN_ID, runImage, Workspace } from './support/workspace';

const registry = `127.0.0.1:5000/e2e-${RUN_ID}`;
const PLATFORMS = ['linux/amd64', 'linux/arm64'];

describe('a workspace with only Dockerfiles, after nx g nx-crossbake:init', () => {
  let ws: Workspace;

  beforeAll(() => {
    ws = new Workspace('init', []);
    // Nothing but package.json files and Dockerfiles; no targets, no setup project.
    rmSync(join(ws.dir, 'tools'), { recursive: true, force: true });
    ws.write('package.json', JSON.stringify({ name: 'ws-init', private: true, workspaces: ['apps/*'] }));
    for (const name of ['inferred-api', 'inferred-web']) {
      ws.write(`apps/${name}/package.json`, JSON.stringify({ name, version: '0.0.1' }));
      ws.write(`apps/${name}/Dockerfile`, `FROM ${BASE_IMAGE}\nRUN uname -m > /built-on\nCMD ["cat", "/built-on"]\n`);
    }
    ws.write('scripts/Dockerfile', `FROM ${BASE_IMAGE}\n`); // not a project: must stay ignored
  });

  it('init registers the plugin and the workspace targets, and says what it did', () => {
    const result = ws.nx([
      'g',
      'nx-crossbake:init',
      `--registry=${registry}`,
      '--platforms=linux/amd64,linux/arm64',
      '--builderDriver=docker',
    ]);
    expect(result.code).toBe(0);
    const nxJson = JSON.parse(ws.read('nx.json'));
    expect(JSON.stringify(nxJson.plugins)).toContain('nx-crossbake');
    const again = ws.nx([
      'g',
      'nx-crossbake:init',
      `--registry=${registry}`,
      '--platforms=linux/amd64,linux/arm64',
      '--builderDriver=docker',
    ]);
    expect(again.code).toBe(0);
    expect(JSON.parse(ws.read('nx.json')).plugins).toEqual(nxJson.plugins);
  });

  it('gives every project with a Dockerfile an inferred target, and nothing else', () => {
    const projects = JSON.parse(ws.nx(['show', 'projects', '-t', 'docker-multiarch', '--json']).stdout.match(/\[.*\]/s)![0]);
    expect(projects.sort()).toEqual(['inferred-api', 'inferred-web']);
  });

  it('nx run-many -t docker-multiarch builds and pushes them for every platform', () => {
    const setup = JSON.parse(ws.read('tools/docker/project.json'));
    setup.targets['docker-setup'].options['qemu-image'] = BINFMT_IMAGE;
    ws.write('tools/docker/project.json', JSON.stringify(setup, null, 2));
    const result = ws.nx(['run-many', '-t', 'docker-multiarch']);
    expect(result.code).toBe(0);
    expect(ws.bakeCalls()).toHaveLength(1);
    for (const name of ['inferred-api', 'inferred-web']) expect(registryPlatforms(`${registry}/${name}:latest`)).toEqual(PLATFORMS);
    expect(runImage(`${registry}/inferred-web:latest`, 'linux/arm64')).toBe('aarch64');
  });
});

describe('a workspace using @nx-tools/nx-container, after nx g nx-crossbake:from-nx-container', () => {
  let ws: Workspace;

  beforeAll(() => {
    ws = new Workspace('migrate', []);
    ws.write(
      'apps/legacy/project.json',
      JSON.stringify({
        name: 'legacy',
        root: 'apps/legacy',
        targets: {
          container: {
            executor: '@nx-tools/nx-container:build',
            options: {
              engine: 'docker',
              file: 'apps/legacy/Dockerfile',
              context: 'apps/legacy',
              platforms: PLATFORMS,
              push: true,
              tags: [imageRef('legacy')],
              'build-args': ['FLAVOUR=migrated'],
              quiet: true,
            },
          },
        },
      }),
    );
    ws.write('apps/legacy/Dockerfile', `FROM ${BASE_IMAGE}\nARG FLAVOUR\nRUN echo "$FLAVOUR" > /flavour\nCMD ["cat", "/flavour"]\n`);
  });

  it('converts the target, keeps the original, and reports what it could not carry over', () => {
    const result = ws.nx(['g', 'nx-crossbake:from-nx-container']);
    expect(result.code).toBe(0);
    const project = JSON.parse(ws.read('apps/legacy/project.json'));
    expect(project.targets.container.executor).toBe('nx-crossbake:multiarch');
    expect(project.targets['container-nx-container'].executor).toBe('@nx-tools/nx-container:build');
    expect(result.output).toContain('quiet');
    expect(ws.read('tmp/nx-crossbake/from-nx-container-report.md')).toContain('quiet');
  });

  it('builds and pushes with the converted target', () => {
    const result = ws.nx(['run', 'legacy:container']);
    expect(result.code).toBe(0);
    expect(registryPlatforms(imageRef('legacy'))).toEqual(PLATFORMS);
    expect(runImage(imageRef('legacy'), 'linux/arm64')).toBe('migrated');
  });
});
