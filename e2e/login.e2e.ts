import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_IMAGE, filesContaining, run, RUN_ID, sampleArgvDuring, Workspace } from './support/workspace';

const AUTH_REGISTRY = '127.0.0.1:5001';
const PASSWORD = readFileSync('/var/lib/crossbake-rig/auth-registry/password', 'utf8').trim();
const userConfig = () => {
  const path = join(process.env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
};
const runConfigs = () => readdirSync(tmpdir()).filter((f) => f.startsWith('nx-crossbake-docker-config-'));

describe('registry login', () => {
  let ws: Workspace;
  let result: ReturnType<Workspace['nx']>;
  let psSamples = '';
  let configBefore = '';
  let configsBefore: string[] = [];
  const repository = `e2e-${RUN_ID}/private`;

  beforeAll(async () => {
    ws = new Workspace('login', [
      {
        name: 'private',
        root: 'apps/private',
        dockerfile: `FROM ${BASE_IMAGE}\nRUN uname -m > /built-on\n`,
        options: {
          platforms: ['linux/amd64', 'linux/arm64'],
          tags: [`${AUTH_REGISTRY}/${repository}:latest`],
          push: true,
          registries: [{ url: AUTH_REGISTRY, username: 'crossbake', passwordEnv: 'CROSSBAKE_E2E_REGISTRY_PASSWORD' }],
        },
      },
    ]);
    configBefore = userConfig();
    configsBefore = runConfigs();
    ({ result, samples: psSamples } = sampleArgvDuring(() => ws.nx(['run-many', '-t', 'docker-multiarch'], { CROSSBAKE_E2E_REGISTRY_PASSWORD: PASSWORD })));
  });

  it('pushes to a registry that requires a login', () => {
    expect(result.code).toBe(0);
    const tags = run('curl', ['-s', '-u', `crossbake:${PASSWORD}`, `http://${AUTH_REGISTRY}/v2/${repository}/tags/list`]);
    expect(JSON.parse(tags.stdout).tags).toContain('latest');
  });

  it('keeps the password out of logs, argv, files left behind and the user\'s Docker config', () => {
    expect(psSamples.length).toBeGreaterThan(1000);
    expect(psSamples).toContain('buildx'); // the sampler did see the run
    expect(psSamples).not.toContain(PASSWORD);
    expect(result.output).not.toContain(PASSWORD);
    expect(filesContaining(PASSWORD, [ws.dir, tmpdir()])).toBe('');
    expect(runConfigs()).toEqual(configsBefore); // the run's private Docker config is gone
    expect(userConfig()).toBe(configBefore);
  });

  it('without the login the push is refused, and the run says so', () => {
    const project = JSON.parse(ws.read('apps/private/project.json'));
    delete project.targets['docker-multiarch'].options.registries;
    ws.write('apps/private/project.json', JSON.stringify(project));
    const denied = ws.nx(['run-many', '-t', 'docker-multiarch']);
    expect(denied.code).not.toBe(0);
    expect(denied.output).toMatch(/private\s+failed/);
    expect(denied.output).toMatch(/401 Unauthorized|authorization failed|no basic auth credentials|unauthorized/i);
  });
});
