import { commitAsMain } from './git';
/**
 * The monorepo of e2e/nx-versions.e2e.ts, one per Nx version of the matrix: three services (api built FROM
 * base's image, worker on its own), a project with an inferred target only, one for each generator, one for
 * nx release, and a probe of the Node Nx runs on; set up by `nx g nx-crossbake:init` and committed on main.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_IMAGE, imageRef, REGISTRY, SETUP_OPTIONS, Workspace, type NxVersion } from './workspace';

export const MATRIX_PLATFORMS = ['linux/amd64', 'linux/arm64'];
const PLATFORMS = MATRIX_PLATFORMS;
/** The rig's golang image (e2e/rig/golang.sh), for the cross-compile generator. */
const GOLANG = `${REGISTRY}/crossbake/golang:latest`;

/** The image of one of the matrix workspace's projects, per Nx version so the two never meet. */
export const matrixImage = (nx: NxVersion, name: string) => imageRef(`nx${nx}-${name}`);
/** The same image without its tag. */
export const matrixRepository = (nx: NxVersion, name: string) => matrixImage(nx, name).replace(/:latest$/, '');

export function createMatrixWorkspace(nx: NxVersion): Workspace {
  const image = (name: string) => matrixImage(nx, name);
  const repository = (name: string) => matrixRepository(nx, name);
  const ws = new Workspace(
    `nx${nx}-matrix`,
    [
      {
        name: 'base',
        root: 'services/base',
        dockerfile: `FROM ${BASE_IMAGE}\nCOPY version.txt /base-version\n`,
        files: { 'version.txt': 'v1\n' },
        options: { platforms: PLATFORMS, tags: [image('base')], push: true },
      },
      {
        name: 'api',
        root: 'services/api',
        dockerfile: `FROM ${image('base')}\nCOPY note.txt /api-note\nCMD ["cat", "/base-version"]\n`,
        files: { 'note.txt': 'api 1\n' },
        options: { platforms: PLATFORMS, tags: [image('api')], push: true },
      },
      {
        name: 'worker',
        root: 'services/worker',
        dockerfile: `FROM ${BASE_IMAGE}\nCOPY job.sh /job.sh\n`,
        files: { 'job.sh': 'echo 1\n' },
        options: { platforms: PLATFORMS, tags: [image('worker')], push: true },
      },
      {
        // For the cross-compile generator: a Go compile that runs under QEMU for arm64 until it rewrites it.
        name: 'gohello',
        root: 'services/gohello',
        dockerfile: `FROM ${GOLANG}\nWORKDIR /app\nCOPY main.go .\nRUN go build -o main .\nCMD ["./main"]\n`,
        files: { 'main.go': 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello world")\n}\n' },
        options: { platforms: PLATFORMS, tags: [image('gohello')], push: true },
      },
    ],
    {
      defaultBase: 'main',
      release: { projects: ['released'], version: { versionActions: 'nx-crossbake/dist/release/version-actions' } },
    },
    SETUP_OPTIONS,
    { nx },
  );
  // Inferred only: a name and a Dockerfile, no target written anywhere.
  ws.write('services/inferred/package.json', JSON.stringify({ name: 'inferred', version: '0.0.1' }));
  ws.write('services/inferred/Dockerfile', `FROM ${BASE_IMAGE}\nCOPY hello.txt /hello\n`);
  ws.write('services/inferred/hello.txt', 'hello\n');
  // For the configuration generator: a project with no image target of its own.
  ws.write('services/configured/project.json', JSON.stringify({ name: 'configured', root: 'services/configured' }));
  ws.write('services/configured/Dockerfile', `FROM ${BASE_IMAGE}\nRUN uname -m > /built-on\nCMD ["cat", "/built-on"]\n`);
  // For from-nx-container: an @nx-tools/nx-container target, its Dockerfile not named Dockerfile, so only
  // the converted target builds it (no inferred one).
  ws.write(
    'services/legacy/project.json',
    JSON.stringify({
      name: 'legacy',
      root: 'services/legacy',
      targets: {
        container: {
          executor: '@nx-tools/nx-container:build',
          // Tags as docker/metadata-action computes them: the branch and sha rules carry over as templates,
          // the semver rule (tag builds only) cannot, and is reported.
          options: {
            engine: 'docker',
            file: 'services/legacy/app.Dockerfile',
            context: 'services/legacy',
            platforms: PLATFORMS,
            push: true,
            metadata: {
              images: [image('legacy').replace(/:latest$/, '')],
              tags: ['type=raw,value=latest', 'type=ref,event=branch', 'type=sha', 'type=semver,pattern={{version}}'],
            },
          },
        },
      },
    }),
  );
  ws.write('services/legacy/app.Dockerfile', `FROM ${BASE_IMAGE}\nCOPY legacy.txt /legacy\nCMD ["cat", "/legacy"]\n`);
  ws.write('services/legacy/legacy.txt', 'migrated\n');
  // Which Node the processes Nx starts run on.
  ws.write(
    'probe/project.json',
    JSON.stringify({
      name: 'probe',
      root: 'probe',
      targets: { node: { executor: 'nx:run-commands', options: { command: `node -p '"node:" + process.versions.node'` } } },
    }),
  );
  // For nx release.
  ws.write('services/released/package.json', JSON.stringify({ name: 'released', version: '1.2.3' }));
  ws.write('services/released/Dockerfile', `FROM ${BASE_IMAGE}\nCOPY package.json /package.json\n`);
  ws.write(
    'services/released/project.json',
    JSON.stringify({
      name: 'released',
      root: 'services/released',
      targets: {
        'docker-multiarch': {
          executor: 'nx-crossbake:multiarch',
          options: { platforms: PLATFORMS, tags: [`${repository('released')}:{version}`], push: true },
        },
        'nx-release-publish': { executor: 'nx-crossbake:release-publish' },
      },
    }),
  );

  // The init generator sets the workspace up, as a user would: the plugin in nx.json, the shared builder's
  // setup target and the affected target (in tools/docker). What it wrote serves every case of the file; only
  // the builder is pointed at the rig's images (no Docker Hub here).
  rmSync(join(ws.dir, 'tools'), { recursive: true, force: true });
  const init = ws.nx(['g', 'nx-crossbake:init', `--platforms=${PLATFORMS.join(',')}`]);
  if (init.code !== 0) throw new Error(`nx g nx-crossbake:init failed on Nx ${nx}:\n${init.output}`);
  const tools = JSON.parse(ws.read('tools/docker/project.json'));
  tools.targets['docker-setup'].options = { ...tools.targets['docker-setup'].options, ...SETUP_OPTIONS };
  ws.write('tools/docker/project.json', JSON.stringify(tools, null, 2));

  ws.write('.gitignore', `${ws.exists('.gitignore') ? ws.read('.gitignore') : ''}\nnode_modules\n.nx\n.shim\ngraph.json\n`);
  commitAsMain(ws, 'services');
  return ws;
}
