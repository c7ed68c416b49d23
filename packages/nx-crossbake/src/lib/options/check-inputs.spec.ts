import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidOptionsError } from '../core/errors';
import { checkBuildInputs } from './check-inputs';
import type { ServiceOptions } from './service-options';

/*
 * <root>/ws: the workspace (apps/api/Dockerfile, secrets/token, keys/id_ed25519, keys/dir/)
 * <root>/outside: files outside it (token, id_ed25519), and agent.sock, a listening unix socket
 */
const root = realpathSync(mkdtempSync(join(tmpdir(), 'crossbake-inputs-')));
const ws = join(root, 'ws');
const outside = join(root, 'outside');
const agent = join(outside, 'agent.sock');
let server: Server;

beforeAll(async () => {
  for (const dir of ['ws/apps/api', 'ws/secrets', 'ws/keys/dir', 'outside']) mkdirSync(join(root, dir), { recursive: true });
  for (const file of ['ws/apps/api/Dockerfile', 'ws/secrets/token', 'ws/keys/id_ed25519', 'outside/token', 'outside/id_ed25519'])
    writeFileSync(join(root, file), 'x');
  server = createServer();
  await new Promise<void>((done) => server.listen(agent, done));
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  rmSync(root, { recursive: true, force: true });
});

const service = (overrides: Partial<ServiceOptions>): ServiceOptions =>
  ({
    id: 'api:docker-multiarch',
    project: 'api',
    targetName: 'docker-multiarch',
    context: 'apps/api',
    file: 'apps/api/Dockerfile',
    secrets: [],
    ssh: [],
    buildContexts: {},
    ...overrides,
  }) as ServiceOptions;

const problemsOf = (options: Partial<ServiceOptions>, env: Record<string, string | undefined> = { SSH_AUTH_SOCK: agent }): string[] => {
  try {
    checkBuildInputs(service(options), ws, env);
    return [];
  } catch (e) {
    if (!(e instanceof InvalidOptionsError)) throw e;
    expect(e.project).toBe('api');
    return e.problems;
  }
};

describe('checkBuildInputs: secrets and ssh', () => {
  it.each<[string, Partial<ServiceOptions>, Record<string, string | undefined> | undefined]>([
    ['a workspace-relative secret src', { secrets: ['id=t,src=secrets/token'] }, undefined],
    // absolute paths stay absolute: not joined onto the workspace root
    ['an absolute secret src outside the workspace', { secrets: [`id=t,src=${outside}/token`] }, undefined],
    ['a secret from the environment', { secrets: ['id=t,env=TOKEN'] }, undefined],
    ['ssh default with a running agent', { ssh: ['default'] }, undefined],
    ['ssh default with the agent given as an absolute path', { ssh: [`default=${agent}`] }, {}],
    ['an absolute ssh key outside the workspace', { ssh: [`deploy=${outside}/id_ed25519`] }, {}],
    ['a workspace-relative ssh key', { ssh: ['deploy=keys/id_ed25519'] }, {}],
    ['several keys for one id', { ssh: [`deploy=keys/id_ed25519,${outside}/id_ed25519`] }, {}],
  ])('accepts %s', (_name, options, env) => expect(problemsOf(options, env)).toEqual([]));

  it.each<[string, Partial<ServiceOptions>, Record<string, string | undefined> | undefined, RegExp[]]>([
    ['a missing relative secret src', { secrets: ['id=t,src=secrets/nope'] }, undefined, [/^secret file 'secrets\/nope' does not exist/]],
    [
      'a missing absolute secret src, named as written',
      { secrets: [`id=t,src=${outside}/nope`] },
      undefined,
      [new RegExp(`^secret file '${outside}/nope' does not exist`)],
    ],
    [
      'ssh default without SSH_AUTH_SOCK',
      { ssh: ['default'] },
      {},
      [/^ssh 'default' forwards the ssh-agent from SSH_AUTH_SOCK, which is not set/],
    ],
    [
      'an agent id with an empty path and no SSH_AUTH_SOCK',
      { ssh: ['agent='] },
      {},
      [/^ssh 'agent' forwards the ssh-agent from SSH_AUTH_SOCK/],
    ],
    [
      'ssh default whose SSH_AUTH_SOCK is gone',
      { ssh: ['default'] },
      { SSH_AUTH_SOCK: `${outside}/gone.sock` },
      [/SSH_AUTH_SOCK \(.*gone\.sock\), which does not exist/],
    ],
    [
      'a missing absolute ssh key',
      { ssh: [`deploy=${outside}/nope`] },
      {},
      [new RegExp(`^ssh 'deploy' key or agent socket '${outside}/nope' does not exist`)],
    ],
    ['a missing relative ssh key', { ssh: ['deploy=keys/nope'] }, {}, [/^ssh 'deploy' key or agent socket 'keys\/nope' does not exist/]],
    ['an ssh key that is a directory', { ssh: ['deploy=keys/dir'] }, {}, [/'keys\/dir' is a directory/]],
    ['each missing path of one id', { ssh: ['deploy=keys/a,keys/b'] }, {}, [/'keys\/a' does not exist/, /'keys\/b' does not exist/]],
  ])('reports %s for the project', (_name, options, env, expected) => {
    const problems = problemsOf(options, env);
    expect(problems).toHaveLength(expected.length);
    expected.forEach((pattern, i) => expect(problems[i]).toMatch(pattern));
  });
});

describe('checkBuildInputs: named contexts', () => {
  it('accepts folders inside and outside the workspace, and contexts that are not folders', () => {
    expect(
      problemsOf({
        buildContexts: {
          shared: 'keys/dir',
          out: outside,
          base: 'docker-image://busybox:1',
          sibling: 'target:base',
          remote: 'https://example.com/x.git',
        },
      }),
    ).toEqual([]);
  });

  it.each([
    [{ shared: 'libs/missing' }, "build context 'shared' (libs/missing) is not a directory"],
    [{ layout: 'oci-layout://oci/missing:1.0' }, "build context 'layout' (oci/missing) is not a directory"],
    [{ file: 'secrets/token' }, "build context 'file' (secrets/token) is not a directory"],
  ])('refuses %j for this project alone, before the bake would refuse it for everyone', (buildContexts, message) => {
    expect(problemsOf({ buildContexts })).toEqual([expect.stringContaining(message)]);
  });
});
