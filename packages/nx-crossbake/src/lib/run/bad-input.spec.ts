/**
 * Every bad input we know of, from options, the environment and the engine: each is reported against
 * its project with what to do, before anything is built. A new check gets a row here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MultiarchExecutorSchema } from '../options/schemas/multiarch';
import { fakeDocker, inspectText, makeWorkspace, type FakeDockerOptions } from '../../../test-support/fake-docker';
import { DockerCli } from '../docker/docker-cli';
import { formatTaskOutput } from '../results/summary';
import { buildServices } from './build-services';
import { usePrivateStateDir } from '../../../test-support/state-dir';

usePrivateStateDir();

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
  'platform containerd does not know': {
    options: { ...ok, platforms: ['linux/armv7'] },
    says: "platform 'linux/armv7' has an unknown architecture 'armv7': did you mean 'linux/arm/v7'?",
  },
  'unknown architecture': { options: { ...ok, platforms: ['linux/sparkle'] }, says: "unknown architecture 'sparkle'" },
  'platform without an OS': { options: { ...ok, platforms: ['arm64'] }, says: "platform 'arm64' names no OS" },
  'platform with OS options': { options: { ...ok, platforms: ['windows(10.0.17763)/amd64'] }, says: "has OS options '(10.0.17763)'" },
  'no platforms': { options: { ...ok, platforms: [] }, says: "'platforms' is empty" },
  'tag in upper case': { options: { ...ok, tags: ['127.0.0.1:5000/Acme/api'] }, says: 'repository names must be lowercase' },
  'tag with a bad tag part': { options: { ...ok, tags: ['acme/api:-x'] }, says: "the tag part '-x'" },
  'digest as a tag': { options: { ...ok, tags: ['acme/api@sha256:abc'] }, says: 'a digest' },
  'push without tags': { options: { ...ok, tags: [] }, says: "'push' is true but 'tags' is empty" },
  'nothing produced': { options: { ...ok, push: false }, says: 'nothing would be produced' },
  'build-arg not KEY=VALUE': {
    options: { ...ok, 'build-args': ['JUSTKEY'] },
    says: "build-args entry 'JUSTKEY' is not of the form KEY=VALUE",
  },
  'build-arg variable not set': { options: { ...ok, 'build-args': ['V=$CROSSBAKE_UNSET'] }, says: '$CROSSBAKE_UNSET, which is not set' },
  'secret value inline': { options: { ...ok, secrets: ['TOKEN=abc'] }, says: 'never in project.json' },
  'secret variable not set': {
    options: { ...ok, secrets: ['id=t,env=CROSSBAKE_UNSET'] },
    says: 'reads the environment variable CROSSBAKE_UNSET, which is not set',
  },
  'secret file missing': {
    options: { ...ok, secrets: ['id=t,src=secrets/none.txt'] },
    says: "secret file 'secrets/none.txt' does not exist",
  },
  'provenance value': { options: { ...ok, provenance: 'always' as never }, says: "provenance 'always' is not one of" },
  // Values of the wrong type (Nx lets every value through: see schema.json's $comment).
  'string for a boolean': { options: { ...ok, push: 'yes' as never }, says: "'push' is 'yes': expected true or false" },
  'number for a boolean': { options: { ...ok, pull: 1 as never }, says: "'pull' is 1: expected true or false" },
  'object for a list': {
    options: { ...ok, platforms: { linux: 'amd64' } as never },
    says: `'platforms' is {"linux":"amd64"}: expected a list of strings`,
  },
  'number in a list': { options: { ...ok, tags: [1] as never }, says: "'tags' is [1]: expected a list of strings" },
  'nested value in a map': {
    options: { ...ok, 'build-args': { A: ['b'] } as never },
    says: `'build-args' entry 'A' is ["b"]: expected a string, number or boolean value`,
  },
  'list for a string': { options: { ...ok, file: ['Dockerfile'] as never }, says: `'file' is ["Dockerfile"]: expected a string` },
  'cache mode outside its list': {
    options: { ...ok, cache: 'off' as never },
    says: "cache 'off' is not one of auto, registry, local, gha, none",
  },
  '--no-cache read as cache=false': {
    options: { ...ok, cache: false as never },
    says: "'cache' is false: on a command line --no-cache is read as cache=false",
  },
  'registries not a list': {
    options: { ...ok, registries: { url: 'r' } as never },
    says: `'registries' is {"url":"r"}: expected a list of objects`,
  },
  'registry login incomplete': {
    options: { ...ok, registries: [{ url: 'r', username: 'u' }] as never },
    says: "registries[0] (r) needs 'passwordEnv'",
  },
  'registry password written out': {
    options: { ...ok, registries: [{ url: 'r', username: 'u', passwordEnv: 'P', password: 'x' }] as never },
    says: 'never write a password in project.json',
  },
  'positional argument': { options: { ...ok, _: ['extra'] } as never, says: 'unexpected argument extra: options are written --name=value' },
  // Entries buildx would refuse for the whole bake, refused for this project alone.
  'output without its dest': {
    options: { ...ok, outputs: ['type=local'] },
    says: "output 'type=local' needs dest=<folder> for type=local",
  },
  'output of an unknown type': { options: { ...ok, outputs: ['type=tarball,dest=x'] }, says: "has an unknown type 'tarball'" },
  'output to stdout': { options: { ...ok, outputs: ['type=tar,dest=-'] }, says: 'writes to stdout, which Nx captures' },
  'cache-from without its ref': {
    options: { ...ok, 'cache-from': ['type=registry'] },
    says: "cache-from 'type=registry' needs ref=<image reference>",
  },
  'cache-from inline': { options: { ...ok, 'cache-from': ['type=inline'] }, says: 'an inline cache is read from the image itself' },
  'cache-to of an unknown type': {
    options: { ...ok, 'cache-to': ['type=redis,ref=x'] },
    says: "cache-to 'type=redis,ref=x' has an unknown type 'redis'",
  },
  'cache-to badly quoted': { options: { ...ok, 'cache-to': ['type=local,dest="a b'] }, says: 'is not CSV as buildx reads it' },
  'cache without a type': { options: { ...ok, 'cache-to': ['ref=r/api:c'] }, says: "cache-to 'ref=r/api:c' names no type" },
  'ssh spec malformed': { options: { ...ok, ssh: ['=/k'] }, says: "ssh '=/k' is not of the form default" },
  'named context with a scheme buildx lacks': {
    options: { ...ok, 'build-contexts': ['base=s3://b/base'] },
    says: "has the scheme 's3://'",
  },
  'named context as docker-image: without //': {
    options: { ...ok, 'build-contexts': ['base=docker-image:alpine'] },
    says: "did you mean 'docker-image://alpine'?",
  },
  'named context a FROM cannot name': {
    options: { ...ok, 'build-contexts': ['Base=apps/base'] },
    says: 'has a name that a FROM cannot write',
  },
  'secret with a key buildx lacks': {
    options: { ...ok, secrets: ['id=t,env=HOME,mode=0400'] },
    says: "secret 't' is not of the form id=<id>,env=<VARIABLE>",
  },
  'secret badly quoted': { options: { ...ok, secrets: ['id=t,src="x'] }, says: "secret 't' is not CSV as buildx reads it" },
  'context outside the workspace': { options: { ...ok, context: '../other' }, says: 'must be a path inside the workspace' },
  'Dockerfile missing': { files: null, says: "Dockerfile 'apps/api/Dockerfile' does not exist" },
  'Dockerfile is a folder': {
    options: { ...ok, file: 'apps/api/docker' },
    files: { 'apps/api/docker/x': '' },
    says: 'is a directory: point it at the Dockerfile itself',
  },
  'context missing': { options: { ...ok, context: 'apps/none' }, says: "build context 'apps/none' is not a directory" },
  'docker missing': { docker: { buildx: { exitCode: 127, stdout: '', stderr: '' } }, says: "'docker' was not found on PATH" },
  'buildx missing': {
    docker: { buildx: { exitCode: 1, stdout: '', stderr: "'buildx' is not a docker command" } },
    says: 'install the docker-buildx plugin',
  },
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
  'builder cannot serve a platform': {
    docker: { builders: { 'nx-crossbake': inspectText('nx-crossbake', 'docker', ['linux/amd64']) } },
    says: "builder 'nx-crossbake' cannot build linux/arm64",
  },
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
  it('covers at least 55 distinct cases', () => {
    expect(Object.keys(CASES).length).toBeGreaterThanOrEqual(55);
    expect(new Set(Object.values(CASES).map((c) => c.says)).size).toBe(Object.keys(CASES).length);
  });

  it.each(Object.entries(CASES))('%s', async (_name, c) => {
    const workspaceRoot = makeWorkspace(c.files === null ? [] : ['apps/api', 'apps/base']);
    for (const [path, text] of Object.entries(c.files ?? {})) {
      mkdirSync(join(workspaceRoot, path, '..'), { recursive: true });
      writeFileSync(join(workspaceRoot, path), text);
    }
    const docker = fakeDocker({
      builders: { 'nx-crossbake': inspectText('nx-crossbake', 'docker', ['linux/amd64', 'linux/arm64']) },
      ...c.docker,
    });
    if (c.docker?.driverStatus === 'FAIL') {
      const exec = docker.exec;
      docker.exec = async (file, args, options) =>
        args[0] === 'info'
          ? { exitCode: 1, stdout: '', stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.' }
          : exec(file, args, options);
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

  // Nx's own check used to crash the whole batch on these; now they belong to their project alone.
  it.each<[string, MultiarchExecutorSchema, string[]]>([
    [
      'platforms as a comma string, and a sibling with a bad boolean',
      { ...ok, platforms: 'linux/amd64,linux/arm64' },
      ['linux/amd64', 'linux/arm64'],
    ],
    ['build-args as a map, and a sibling with a bad boolean', { ...ok, 'build-args': { A: 'b' } }, ['linux/amd64', 'linux/arm64']],
    [
      'linux/arm, and a sibling with a bad boolean',
      { ...ok, platforms: ['linux/arm64', 'linux/arm', 'linux/amd64'] },
      ['linux/arm64', 'linux/arm/v7', 'linux/amd64'],
    ],
  ])('%s: the good project is baked, the bad one alone is invalid', async (_name, good, platforms) => {
    const workspaceRoot = makeWorkspace(['apps/api', 'apps/base']);
    const docker = fakeDocker({
      builders: { 'nx-crossbake': inspectText('nx-crossbake', 'docker', ['linux/amd64', 'linux/arm64', 'linux/arm/v7']) },
    });
    const results = await buildServices({
      workspaceRoot,
      requests: [
        {
          id: 'base:docker-multiarch',
          project: { name: 'base', root: 'apps/base' },
          options: { ...good, tags: ['127.0.0.1:5000/acme/base:1'] },
        },
        { id: 'api:docker-multiarch', project: { name: 'api', root: 'apps/api' }, options: { ...ok, push: 'yes' as never } },
      ],
      cli: new DockerCli(docker.exec),
      exec: docker.exec,
      log: () => undefined,
      setupOptionsFor: () => ({ driver: 'docker' }) as never,
      environment: { native: ['linux/amd64', 'linux/arm64', 'linux/arm'], readBinfmt: () => [] },
    });
    expect(results.get('api:docker-multiarch')).toMatchObject({
      status: 'invalid',
      error: expect.stringContaining("'push' is 'yes': expected true or false"),
    });
    expect(results.get('base:docker-multiarch')?.status).toBe('built');
    const baked = docker.bakes.flatMap((b) => Object.keys(b.target));
    expect(baked).toContain('base');
    expect(baked).not.toContain('api');
    // Platforms reach bake as buildx itself reads them: `linux/arm` as `linux/arm/v7`.
    expect(docker.bakes.find((b) => 'base' in b.target)!.target.base.platforms).toEqual(platforms);
  });
});
