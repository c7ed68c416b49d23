/**
 * Every bad input we know of, from options, the environment and the engine: each is reported against
 * its project with what to do, before anything is built. A new check gets a row here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MultiarchExecutorSchema } from '../../executors/multiarch/schema';
import { fakeDocker, inspectText, makeWorkspace, type FakeDockerOptions } from '../../testing/fake-docker';
import { DockerCli } from '../docker/docker-cli';
import { formatTaskOutput } from '../results/summary';
import { buildServices } from './build-services';

const ok: MultiarchExecutorSchema = { platforms: ['linux/amd64', 'linux/arm64'], tags: ['127.0.0.1:5000/acme/api:1'], push: true };

interface Case {
  options?: MultiarchExecutorSchema;
  docker?: FakeDockerOptions;
  /** Files to write in the workspace besides apps/api/Dockerfile (null: no Dockerfile at all). */
  files?: Record<string, string> | null;
  /** A second project in the same run. */
  sibling?: MultiarchExecutorSchema;
  setup?: Record<string, unknown>;
  says: string;
}

const CASES: Record<string, Case> = {
  'unknown option': { options: { ...ok, dockerfile: 'x' } as never, says: "unknown option 'dockerfile': did you mean 'file'?" },
  'camelCase option': { options: { ...ok, buildArgs: [] } as never, says: "did you mean 'build-args'?" },
  'platform alias': { options: { ...ok, platforms: ['linux/aarch64'] }, says: "did you mean 'linux/arm64'?" },
  'unknown architecture': { options: { ...ok, platforms: ['linux/sparc'] }, says: "unknown architecture 'sparc'" },
  'malformed platform': { options: { ...ok, platforms: ['arm64'] }, says: "is not of the form 'os/arch[/variant]'" },
  'unknown variant': { options: { ...ok, platforms: ['linux/arm/v9'] }, says: "unknown variant 'v9' for arm" },
  'no platforms': { options: { ...ok, platforms: [] }, says: "'platforms' is empty" },
  'tag in upper case': { options: { ...ok, tags: ['127.0.0.1:5000/Acme/api'] }, says: 'repository names must be lowercase' },
  'tag with a bad tag part': { options: { ...ok, tags: ['acme/api:-x'] }, says: "the tag part '-x'" },
  'digest as a tag': { options: { ...ok, tags: ['acme/api@sha256:abc'] }, says: 'a digest' },
  'push without tags': { options: { ...ok, tags: [] }, says: "'push' is true but 'tags' is empty" },
  'nothing produced': { options: { ...ok, push: false }, says: 'nothing would be produced' },
  'build-arg not KEY=VALUE': { options: { ...ok, 'build-args': ['JUSTKEY'] }, says: "build-args entry 'JUSTKEY' is not of the form KEY=VALUE" },
  'build-arg variable not set': { options: { ...ok, 'build-args': ['V=$CROSSBAKE_UNSET'] }, says: '$CROSSBAKE_UNSET, which is not set' },
  'secret value inline': { options: { ...ok, secrets: ['TOKEN=abc'] }, says: 'never in project.json' },
  'secret variable not set': { options: { ...ok, secrets: ['id=t,env=CROSSBAKE_UNSET'] }, says: 'reads the environment variable CROSSBAKE_UNSET, which is not set' },
  'secret file missing': { options: { ...ok, secrets: ['id=t,src=secrets/none.txt'] }, says: "secret file 'secrets/none.txt' does not exist" },
  'provenance value': { options: { ...ok, provenance: 'always' }, says: "provenance 'always' is not one of" },
  'context outside the workspace': { options: { ...ok, context: '../other' }, says: 'must be a path inside the workspace' },
  'Dockerfile missing': { files: null, says: "Dockerfile 'apps/api/Dockerfile' does not exist" },
  'Dockerfile is a folder': { options: { ...ok, file: 'apps/api/docker' }, files: { 'apps/api/docker/x': '' }, says: "is a directory: point it at the Dockerfile itself" },
  'context missing': { options: { ...ok, context: 'apps/none' }, says: "build context 'apps/none' is not a directory" },
  'docker missing': { docker: { buildx: { exitCode: 127, stdout: '', stderr: '' } }, says: "'docker' was not found on PATH" },
  'buildx missing': { docker: { buildx: { exitCode: 1, stdout: '', stderr: "'buildx' is not a docker command" } }, says: 'install the docker-buildx plugin' },
  'daemon down': {
    options: { ...ok, push: false, load: true },
    docker: { driverStatus: 'FAIL' },
    says: 'Is dockerd running?',
  },
  'multi-platform load without the containerd store': {
    options: { ...ok, push: false, load: true },
    docker: { driverStatus: '[["Backing Filesystem","extfs"]]' },
    says: 'needs an engine with the containerd image store',
  },
  'builder cannot serve a platform': { docker: { builders: { 'nx-crossbake': inspectText('nx-crossbake', 'docker', ['linux/amd64']) } }, says: "builder 'nx-crossbake' cannot build linux/arm64" },
  'unmanaged builder missing': { options: { ...ok, setup: false, builder: 'gone' }, says: "builder 'gone' does not exist" },
  'bad setup options': { setup: { driver: 'docker', 'driver-opts': ['image=x'] }, says: "the docker driver cannot take 'driver-opts'" },
  'compile step under QEMU with strict-emulation': {
    options: { ...ok, platforms: ['linux/amd64', 'linux/riscv64'], 'strict-emulation': true },
    files: { 'apps/api/Dockerfile': 'FROM golang:1.22\nRUN go build -o /app .\n' },
    says: 'strict-emulation is on: cross-compile these steps',
  },
  'sibling base lacks a platform': {
    files: { 'apps/api/Dockerfile': 'FROM 127.0.0.1:5000/acme/base:1\n' },
    sibling: { platforms: ['linux/amd64'], tags: ['127.0.0.1:5000/acme/base:1'], push: true },
    says: "'base' is not built for linux/arm64",
  },
};

describe('bad input, reported per project before anything is built', () => {
  it('covers at least 25 distinct cases', () => {
    expect(Object.keys(CASES).length).toBeGreaterThanOrEqual(25);
    expect(new Set(Object.values(CASES).map((c) => c.says)).size).toBe(Object.keys(CASES).length);
  });

  it.each(Object.entries(CASES))('%s', async (_name, c) => {
    const workspaceRoot = makeWorkspace(c.files === null ? [] : ['apps/api', 'apps/base']);
    for (const [path, text] of Object.entries(c.files ?? {})) {
      mkdirSync(join(workspaceRoot, path, '..'), { recursive: true });
      writeFileSync(join(workspaceRoot, path), text);
    }
    const docker = fakeDocker({ builders: { 'nx-crossbake': inspectText('nx-crossbake', 'docker', ['linux/amd64', 'linux/arm64']) }, ...c.docker });
    if (c.docker?.driverStatus === 'FAIL') {
      const exec = docker.exec;
      docker.exec = async (file, args, options) =>
        args[0] === 'info' ? { exitCode: 1, stdout: '', stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.' } : exec(file, args, options);
    }
    const requests = [{ id: 'api:docker-multiarch', project: { name: 'api', root: 'apps/api' }, options: c.options ?? ok }];
    if (c.sibling) requests.push({ id: 'base:docker-multiarch', project: { name: 'base', root: 'apps/base' }, options: c.sibling });
    const results = await buildServices({
      workspaceRoot,
      requests,
      cli: new DockerCli(docker.exec),
      exec: docker.exec,
      log: () => undefined,
      setupOptionsFor: () => ({ driver: 'docker', ...c.setup }) as never,
      environment: { native: ['linux/amd64', 'linux/arm64', 'linux/arm', 'linux/s390x'], readBinfmt: () => [] },
    });
    const api = results.get('api:docker-multiarch')!;
    expect(api.status).toBe('invalid');
    expect(formatTaskOutput(api)).toMatch(/^api: invalid for /);
    expect(api.error).toContain(c.says);
    expect(docker.bakes.filter((b) => 'api' in b.target)).toHaveLength(0);
  });
});
