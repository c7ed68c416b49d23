import { logger, type ExecutorContext } from '@nx/devkit';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeDocker, makeWorkspace, type FakeDocker } from '../../../test-support/fake-docker';
import type { Exec } from '../../lib/process/exec';

// The executor builds its own DockerCli; replace the one module that spawns processes.
let docker: FakeDocker;
jest.mock('../../lib/process/exec', () => ({ exec: ((...args) => docker.exec(...args)) as Exec }));
// Whatever this machine has registered in binfmt_misc, this spec sees every platform as native.
jest.mock('../../lib/builder/emulation', () => ({
  ...jest.requireActual('../../lib/builder/emulation'),
  nativePlatforms: () => ['linux/amd64', 'linux/arm64', 'linux/arm'],
}));

import { workspaceRegistriesFinder } from '../multiarch/tasks';
import setupExecutor from './executor';
import { usePrivateStateDir } from '../../../test-support/state-dir';

usePrivateStateDir();

/** The fake docker, answering the engine's registry config as the rig's engine does. */
function engineDocker(): FakeDocker {
  const fake = fakeDocker();
  const exec: Exec = async (file, args, options) => {
    if (args[0] === 'info' && args[2].includes('RegistryConfig')) {
      fake.calls.push([...args]);
      return { exitCode: 0, stdout: '{"IndexConfigs":{},"InsecureRegistryCIDRs":["127.0.0.0/8"],"Mirrors":null}', stderr: '' };
    }
    return fake.exec(file, args, options);
  };
  return { ...fake, exec };
}

function workspace(apiTags: string[]): ExecutorContext {
  const root = makeWorkspace(['apps/api', 'tools']);
  mkdirSync(join(root, 'apps/web'), { recursive: true });
  writeFileSync(join(root, 'apps/web/Dockerfile'), 'FROM localhost:5000/acme/api:1\n');
  const projects = {
    api: {
      root: 'apps/api',
      targets: { 'docker-multiarch': { executor: 'nx-crossbake:multiarch', options: { tags: apiTags, push: true } } },
    },
    web: { root: 'apps/web', targets: { 'docker-multiarch': { executor: 'nx-crossbake:multiarch', options: { builder: 'other' } } } },
    tools: { root: 'tools', targets: { 'docker-setup': { executor: 'nx-crossbake:setup', options: {} } } },
  };
  return {
    root,
    cwd: root,
    isVerbose: false,
    projectName: 'tools',
    targetName: 'docker-setup',
    projectsConfigurations: { version: 2, projects },
  } as unknown as ExecutorContext;
}

let logs: string[];
beforeEach(() => {
  logs = [];
  jest.spyOn(logger, 'info').mockImplementation((m) => void logs.push(String(m)));
  jest.spyOn(logger, 'error').mockImplementation((m) => void logs.push(String(m)));
});
afterEach(() => jest.restoreAllMocks());

describe('setup executor', () => {
  it('gives the builder host networking when the workspace pushes to a loopback registry, and says why', async () => {
    docker = engineDocker();
    const context = workspace(['127.0.0.1:5000/acme/api:1']);
    expect(await setupExecutor({ platforms: ['linux/amd64'] }, context)).toEqual({ success: true });
    const create = docker.calls.map((c) => c.join(' ')).find((c) => c.startsWith('buildx create'));
    expect(create).toMatch(
      /^buildx create --name nx-crossbake --driver docker-container --driver-opt network=host --buildkitd-config \S+buildkitd-nx-crossbake\.toml --bootstrap$/,
    );
    expect(logs.join('\n')).toContain("127.0.0.1:5000 (api:docker-multiarch) is on this machine's loopback");
    // A multiarch run reads the same workspace the same way.
    expect(workspaceRegistriesFinder(context)('nx-crossbake')).toEqual([{ registry: '127.0.0.1:5000', tasks: ['api:docker-multiarch'] }]);
    // web builds FROM localhost:5000 on another builder.
    expect(workspaceRegistriesFinder(context)('other')).toEqual([{ registry: 'localhost:5000', tasks: ['web:docker-multiarch'] }]);
  });

  it("leaves the default network when only another builder's targets use the loopback", async () => {
    docker = engineDocker();
    expect(await setupExecutor({ platforms: ['linux/amd64'] }, workspace(['ghcr.io/acme/api:1']))).toEqual({ success: true });
    const create = docker.calls.map((c) => c.join(' ')).find((c) => c.startsWith('buildx create'));
    expect(create).toBe('buildx create --name nx-crossbake --driver docker-container --bootstrap');
    expect(logs.join('\n')).not.toContain('host networking');
  });

  it("fails with the options' problem, building nothing", async () => {
    docker = engineDocker();
    expect(await setupExecutor({ cacert: 'ca.pem' }, workspace([]))).toEqual({ success: false });
    expect(logs.join('\n')).toContain("'cacert': TLS options are for the remote driver");
    expect(docker.calls).toEqual([]);
  });
});
