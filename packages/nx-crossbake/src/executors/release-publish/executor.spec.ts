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
// Nothing is kept between these runs, nor in the user's own state folder.
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

import releasePublishBatch from './batch';
import releasePublishExecutor from './executor';
import type { ReleasePublishExecutorSchema } from '../../lib/options/schemas/release-publish';

const REGISTRY = '127.0.0.1:5000/acme';
const roots: Record<string, string> = { api: 'apps/api', worker: 'apps/worker', docs: 'apps/docs' };

/** api and worker have a multiarch target tagged `{version}`; docs has none. */
function context(root: string, projectName?: string, multiarch: Record<string, unknown> = {}): ExecutorContext {
  const target = (name: string) => ({
    'docker-multiarch': {
      executor: 'nx-crossbake:multiarch',
      options: { platforms: ['linux/amd64', 'linux/arm64'], tags: [`${REGISTRY}/${name}:{version}`], ...multiarch },
    },
  });
  return {
    root,
    cwd: root,
    isVerbose: false,
    projectName,
    targetName: projectName ? 'nx-release-publish' : undefined,
    projectsConfigurations: {
      version: 2,
      projects: {
        api: { root: roots.api, targets: target('api') },
        worker: { root: roots.worker, targets: target('worker') },
        docs: { root: roots.docs, targets: {} },
      },
    },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  } as unknown as ExecutorContext;
}

const versionData = { api: { newVersion: '1.3.0' }, worker: { newVersion: null, currentVersion: '2.0.0' } };

function taskGraph(projects: string[]): TaskGraph {
  const tasks = Object.fromEntries(
    projects.map((project) => [
      `${project}:nx-release-publish`,
      {
        id: `${project}:nx-release-publish`,
        target: { project, target: 'nx-release-publish' },
        overrides: {},
        outputs: [],
        parallelism: true,
      },
    ]),
  );
  return { roots: Object.keys(tasks), tasks, dependencies: {}, continuousDependencies: {} } as unknown as TaskGraph;
}

/** What Nx's run-batch passes: each task's options merged with the overrides `nx release publish` gives every task. */
const inputsFor = (projects: string[], options: ReleasePublishExecutorSchema) =>
  Object.fromEntries(projects.map((p) => [`${p}:nx-release-publish`, { ...options }]));

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

const bakeTags = () => docker.bakes.map((b) => Object.fromEntries(Object.entries(b.target).map(([name, t]) => [name, t.tags])));
const outcome = (results: { task: string; result: { success: boolean; status?: string } }[]) =>
  results.map((r) => [r.task, r.result.success, r.result.status]);

let log: jest.SpyInstance;
beforeEach(() => {
  log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  delete process.env.NX_DRY_RUN;
});

describe('release-publish batch implementation', () => {
  it('publishes every project of the batch in one bake, each at its released version, with a result per task', async () => {
    docker = fakeDocker();
    const projects = ['api', 'worker'];
    const results = await collect(
      releasePublishBatch(
        taskGraph(projects),
        inputsFor(projects, { nxReleaseVersionData: versionData }),
        {},
        context(makeWorkspace(Object.values(roots))),
      ),
    );
    expect(bakeTags()).toEqual([{ api: [`${REGISTRY}/api:1.3.0`], worker: [`${REGISTRY}/worker:2.0.0`] }]);
    expect(docker.bakes[0].target.api.output).toEqual(['type=image,push=true,rewrite-timestamp=true']);
    expect(outcome(results)).toEqual([
      ['api:nx-release-publish', true, 'success'],
      ['worker:nx-release-publish', true, 'success'],
    ]);
    expect(results[1].result.terminalOutput).toContain(`tags: ${REGISTRY}/worker:2.0.0`);
  });

  it('adds the --tag dist-tag on every repository', async () => {
    docker = fakeDocker();
    const projects = ['api', 'worker'];
    await collect(
      releasePublishBatch(
        taskGraph(projects),
        inputsFor(projects, { nxReleaseVersionData: versionData, tag: 'next' }),
        {},
        context(makeWorkspace(Object.values(roots))),
      ),
    );
    expect(bakeTags()).toEqual([
      { api: [`${REGISTRY}/api:1.3.0`, `${REGISTRY}/api:next`], worker: [`${REGISTRY}/worker:2.0.0`, `${REGISTRY}/worker:next`] },
    ]);
  });

  it('on a dry run prints one bake file for every task and builds nothing', async () => {
    docker = fakeDocker();
    const projects = ['api', 'worker'];
    const results = await collect(
      releasePublishBatch(
        taskGraph(projects),
        inputsFor(projects, { nxReleaseVersionData: versionData, dryRun: true }),
        {},
        context(makeWorkspace(Object.values(roots))),
      ),
    );
    expect(docker.bakes).toHaveLength(0);
    expect(outcome(results)).toEqual([
      ['api:nx-release-publish', true, 'success'],
      ['worker:nx-release-publish', true, 'success'],
    ]);
    const printed = log.mock.calls.flat().join('\n');
    expect(printed).toContain(`${REGISTRY}/api:1.3.0`);
    expect(printed).toContain(`${REGISTRY}/worker:2.0.0`);
  });

  it('reads NX_DRY_RUN as a dry run, as tasks reached through dependsOn only see that', async () => {
    docker = fakeDocker();
    process.env.NX_DRY_RUN = 'true';
    const results = await collect(
      releasePublishBatch(
        taskGraph(['api']),
        inputsFor(['api'], { nxReleaseVersionData: versionData }),
        {},
        context(makeWorkspace(Object.values(roots))),
      ),
    );
    expect([docker.bakes.length, results[0].result.success]).toEqual([0, true]);
  });

  it('never puts a task that asks for a dry run alone into the bake that pushes the others', async () => {
    docker = fakeDocker();
    const inputs = {
      'api:nx-release-publish': { nxReleaseVersionData: versionData, dryRun: true },
      'worker:nx-release-publish': { nxReleaseVersionData: versionData },
    };
    const results = await collect(
      releasePublishBatch(taskGraph(['api', 'worker']), inputs, {}, context(makeWorkspace(Object.values(roots)))),
    );
    expect(bakeTags()).toEqual([{ worker: [`${REGISTRY}/worker:2.0.0`] }]);
    expect(outcome(results)).toEqual([
      ['api:nx-release-publish', true, 'success'],
      ['worker:nx-release-publish', true, 'success'],
    ]);
  });

  it('fails a project without a multiarch target, or with bad options, alone and at once; the others are published', async () => {
    docker = fakeDocker();
    const projects = ['docs', 'api', 'worker'];
    const inputs = {
      ...inputsFor(projects, { nxReleaseVersionData: versionData }),
      'worker:nx-release-publish': { dryRun: 'maybe' } as never,
    };
    const results = await collect(releasePublishBatch(taskGraph(projects), inputs, {}, context(makeWorkspace(Object.values(roots)))));
    expect(outcome(results)).toEqual([
      ['docs:nx-release-publish', false, 'failure'],
      ['worker:nx-release-publish', false, 'failure'],
      ['api:nx-release-publish', true, 'success'],
    ]);
    expect(results[0].result.terminalOutput).toBe(
      "nx-crossbake: docs has no 'docker-multiarch' target with the nx-crossbake:multiarch executor: add one, or set 'target'",
    );
    expect(results[1].result.terminalOutput).toMatch(
      /^nx-crossbake: worker: invalid nx-release-publish options:\n {2}- 'dryRun' is 'maybe': expected true or false$/,
    );
    expect(bakeTags()).toEqual([{ api: [`${REGISTRY}/api:1.3.0`] }]);
  });

  it('fails the project whose image cannot be normalized, and still publishes the rest', async () => {
    docker = fakeDocker();
    const projects = ['api', 'worker'];
    // No version for worker: its `{version}` tag cannot be rendered.
    const results = await collect(
      releasePublishBatch(
        taskGraph(projects),
        inputsFor(projects, { nxReleaseVersionData: { api: versionData.api } }),
        {},
        context(makeWorkspace(Object.values(roots))),
      ),
    );
    expect(outcome(results)).toEqual([
      ['api:nx-release-publish', true, 'success'],
      ['worker:nx-release-publish', false, 'failure'],
    ]);
    expect(results[1].result.terminalOutput).toMatch(/uses \{version\}, but the project has no version/);
    expect(bakeTags()).toEqual([{ api: [`${REGISTRY}/api:1.3.0`] }]);
  });

  it('with keep-going off, marks the failing task failed and the cancelled one skipped', async () => {
    docker = fakeDocker({ failTargets: ['worker'] });
    const projects = ['api', 'worker'];
    const results = await collect(
      releasePublishBatch(
        taskGraph(projects),
        inputsFor(projects, { nxReleaseVersionData: versionData }),
        {},
        context(makeWorkspace(Object.values(roots)), undefined, { 'keep-going': false }),
      ),
    );
    expect(docker.bakes).toHaveLength(1);
    expect(outcome(results)).toEqual([
      ['api:nx-release-publish', false, 'skipped'],
      ['worker:nx-release-publish', false, 'failure'],
    ]);
    expect(results[1].result.terminalOutput).toContain('ERROR: target worker');
  });
});

describe('release-publish executor (one task)', () => {
  it('publishes the one project at its released version with the dist-tag', async () => {
    docker = fakeDocker();
    const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
    const result = await releasePublishExecutor(
      { nxReleaseVersionData: versionData, tag: 'next' },
      context(makeWorkspace(Object.values(roots)), 'api'),
    );
    expect(result).toEqual({ success: true });
    expect(bakeTags()).toEqual([{ api: [`${REGISTRY}/api:1.3.0`, `${REGISTRY}/api:next`] }]);
    expect(info.mock.calls.flat().join('\n')).toContain(
      `published ${REGISTRY}/api:1.3.0, ${REGISTRY}/api:next for linux/amd64, linux/arm64`,
    );
  });

  it('fails with the reason when the project has no multiarch target', async () => {
    docker = fakeDocker();
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const result = await releasePublishExecutor({}, context(makeWorkspace(Object.values(roots)), 'docs'));
    expect(result).toEqual({ success: false });
    expect(docker.bakes).toHaveLength(0);
    expect(error.mock.calls.flat().join('\n')).toContain("docs has no 'docker-multiarch' target");
  });
});
