import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { fakeDocker, makeWorkspace, type FakeDocker } from '../../../test-support/fake-docker';
import type { Exec } from '../../lib/process/exec';
import * as mockNoRegistry from '../../../test-support/no-registry';

// The executors build their own DockerCli; replace the one module that spawns processes.
let docker: FakeDocker;
jest.mock('../../lib/process/exec', () => ({
  ...jest.requireActual('../../lib/process/exec'),
  exec: ((...args) => docker.exec(...args)) as Exec,
}));
// Nothing is kept between these runs, nor in the user's own state folder (lib/core/state-file.ts).
jest.mock('../../lib/core/state-file', () => {
  const actual = jest.requireActual('../../lib/core/state-file');
  return { ...actual, userStateStore: () => actual.memoryStateStore() };
});
// No registry is asked: every lookup fails, and every task is built as without reuse.
jest.mock('../../lib/run/registry-reader', () => ({ registryReader: mockNoRegistry.registryReader }));
// Whatever this machine has registered in binfmt_misc, these specs see every platform as native.
jest.mock('../../lib/builder/emulation', () => ({
  ...jest.requireActual('../../lib/builder/emulation'),
  nativePlatforms: () => ['linux/amd64', 'linux/arm64', 'linux/arm'],
}));

import multiarchBatch from './batch';
import multiarchExecutor from './executor';
import type { MultiarchExecutorSchema } from '../../lib/options/schemas/multiarch';

const projects = { '@acme/api': 'apps/api', worker: 'apps/worker' };

function context(root: string, projectName?: string): ExecutorContext {
  return {
    root,
    cwd: root,
    isVerbose: false,
    projectName,
    targetName: 'docker-multiarch',
    projectsConfigurations: {
      version: 2,
      projects: Object.fromEntries(Object.entries(projects).map(([name, projectRoot]) => [name, { root: projectRoot }])),
    },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  } as ExecutorContext;
}

const options = (name: string): MultiarchExecutorSchema => ({ tags: [`127.0.0.1:5000/acme/${name}:1`], push: true });

function taskGraph(): TaskGraph {
  const tasks = Object.fromEntries(
    Object.keys(projects).map((project) => [
      `${project}:docker-multiarch`,
      { id: `${project}:docker-multiarch`, target: { project, target: 'docker-multiarch' }, overrides: {}, outputs: [], parallelism: true },
    ]),
  );
  return { roots: Object.keys(tasks), tasks, dependencies: {}, continuousDependencies: {} } as unknown as TaskGraph;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

beforeEach(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

describe('multiarch batch implementation', () => {
  it('builds every task of the batch in one bake and yields one result per task', async () => {
    docker = fakeDocker();
    const inputs = { '@acme/api:docker-multiarch': options('api'), 'worker:docker-multiarch': options('worker') };
    const results = await collect(multiarchBatch(taskGraph(), inputs, {}, context(makeWorkspace(Object.values(projects)))));
    expect(docker.calls.filter((c) => c.includes('bake'))).toHaveLength(1);
    expect(results.map((r) => [r.task, r.result.success, r.result.status])).toEqual([
      ['@acme/api:docker-multiarch', true, 'success'],
      ['worker:docker-multiarch', true, 'success'],
    ]);
    expect(results[0].result.terminalOutput).toContain('@acme/api: pushed for linux/amd64, linux/arm64');
  });

  it('with keep-going off, marks the failing task failed and the cancelled one skipped', async () => {
    docker = fakeDocker({ failTargets: ['worker'] });
    const failFast = (name: string) => ({ ...options(name), 'keep-going': false });
    const inputs = { '@acme/api:docker-multiarch': failFast('api'), 'worker:docker-multiarch': failFast('worker') };
    const results = await collect(multiarchBatch(taskGraph(), inputs, {}, context(makeWorkspace(Object.values(projects)))));
    expect(results.map((r) => [r.task, r.result.success, r.result.status])).toEqual([
      ['@acme/api:docker-multiarch', false, 'skipped'],
      ['worker:docker-multiarch', false, 'failure'],
    ]);
    expect(results[1].result.terminalOutput).toContain('ERROR: target worker');
  });
});

describe('multiarch executor (one task)', () => {
  it('builds the one project and succeeds', async () => {
    docker = fakeDocker();
    const result = await multiarchExecutor(options('worker'), context(makeWorkspace(Object.values(projects)), 'worker'));
    expect(result).toEqual({ success: true });
    expect(docker.bakes.map((b) => Object.keys(b.target))).toEqual([['worker']]);
  });

  it('fails with the reason when the options are bad', async () => {
    docker = fakeDocker();
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const result = await multiarchExecutor({ push: true }, context(makeWorkspace(Object.values(projects)), 'worker'));
    expect(result).toEqual({ success: false });
    expect(docker.bakes).toHaveLength(0);
    expect(error.mock.calls.flat().join('\n')).toContain("'push' is true but 'tags' is empty");
  });
});
