import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeRegistry } from '../../../test-support/fake-registry';
import type { ServiceOptions } from '../options/service-options';
import type { Exec } from '../process/exec';
import { reuseOffByOptions, taskKeys, type KeyTask } from './task-keys';

// Not a git repository: every context is hashed from its files.
const noGit: Exec = async () => ({ exitCode: 128, stdout: '', stderr: 'fatal: not a git repository' });

function workspace(dockerfiles: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'task-keys-'));
  for (const [name, text] of Object.entries(dockerfiles)) {
    mkdirSync(join(root, 'apps', name), { recursive: true });
    writeFileSync(join(root, 'apps', name, 'Dockerfile'), text);
  }
  return root;
}

const task = (name: string, dockerfile: string, overrides: Partial<ServiceOptions> = {}): KeyTask => ({
  dockerfile,
  options: {
    id: `${name}:docker-multiarch`,
    context: `apps/${name}`,
    file: `apps/${name}/Dockerfile`,
    platforms: ['linux/amd64'],
    tags: [`127.0.0.1:5000/acme/${name}:1`],
    push: true,
    load: false,
    outputs: [],
    noCache: false,
    pull: false,
    reuse: true,
    reproducible: true,
    buildArgs: {},
    labels: {},
    attest: [],
    secrets: [],
    ssh: [],
    buildContexts: {},
    reuseSalt: ['', ''],
    ...overrides,
  } as ServiceOptions,
});

describe('taskKeys', () => {
  it('resolves each external image once, now, so a moved tag changes the key; a pinned digest is taken as written', async () => {
    const registry = fakeRegistry();
    registry.put('127.0.0.1:5000/base/os:1', { v: 1 });
    const files = {
      api: 'FROM 127.0.0.1:5000/base/os:1\n',
      web: 'FROM 127.0.0.1:5000/base/os:1\nCOPY --from=127.0.0.1:5000/tools@sha256:aa / /\n',
    };
    const root = workspace(files);
    const tasks = [task('api', files.api), task('web', files.web)];
    const facts = { exec: noGit, workspaceRoot: root, registry: registry.reader };
    const first = await taskKeys(tasks, new Map(), facts);
    expect(registry.reads).toEqual(['127.0.0.1:5000/base/os:1']);
    registry.put('127.0.0.1:5000/base/os:1', { v: 2 });
    const moved = await taskKeys(tasks, new Map(), facts);
    for (const id of ['api:docker-multiarch', 'web:docker-multiarch']) {
      expect(first.get(id)).toEqual({ key: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(moved.get(id)).not.toEqual(first.get(id));
    }
  });

  it("keys a dependent by its sibling's key, and changes it when the sibling's context changes", async () => {
    const files = { base: 'FROM scratch\nCOPY a /\n', api: 'FROM 127.0.0.1:5000/acme/base:1\n' };
    const root = workspace(files);
    const registry = fakeRegistry();
    const tasks = [task('api', files.api), task('base', files.base)];
    const links = new Map([['api:docker-multiarch', { '127.0.0.1:5000/acme/base:1': 'base:docker-multiarch' }]]);
    const facts = { exec: noGit, workspaceRoot: root, registry: registry.reader };
    const before = await taskKeys(tasks, links, facts);
    expect(registry.reads).toEqual([]); // the sibling's image is its key, not a registry lookup
    writeFileSync(join(root, 'apps/base/a'), 'changed');
    const after = await taskKeys(tasks, links, facts);
    expect(after.get('base:docker-multiarch')).not.toEqual(before.get('base:docker-multiarch'));
    expect(after.get('api:docker-multiarch')).not.toEqual(before.get('api:docker-multiarch'));
  });

  it.each([
    ['FROM <sibling>:latest', 'FROM 127.0.0.1:5000/acme/base:latest\n'],
    ['FROM <sibling> without a tag', 'FROM 127.0.0.1:5000/acme/base\n'],
  ])('takes the key of a sibling written as %s, never its published image', async (_, dockerfile) => {
    const root = workspace({ base: 'FROM scratch\n', api: dockerfile });
    const registry = fakeRegistry();
    // linkSiblingImages keys links as BuildKit looks named contexts up: `:latest` dropped
    const links = new Map([['api:docker-multiarch', { '127.0.0.1:5000/acme/base': 'base:docker-multiarch' }]]);
    const keys = await taskKeys([task('api', dockerfile), task('base', 'FROM scratch\n')], links, {
      exec: noGit,
      workspaceRoot: root,
      registry: registry.reader,
    });
    expect(keys.get('api:docker-multiarch')).toEqual({ key: expect.any(String) });
    expect(registry.reads).toEqual([]);
  });

  it.each([
    ['an ADD of a URL', 'FROM scratch\nADD https://example.com/x /x\n', {}, /ADD https:\/\/example\.com\/x \(line 2\)/],
    ['a FROM known only per platform', 'FROM 127.0.0.1:5000/os:${TARGETARCH}\n', {}, /FROM 127\.0\.0\.1:5000\/os:\$\{TARGETARCH\}/],
    ['a local named context', 'FROM scratch\n', { buildContexts: { shared: '../shared' } }, /named context shared=\.\.\/shared/],
    ['an image the registry does not have', 'FROM 127.0.0.1:5000/missing:1\n', {}, /127\.0\.0\.1:5000\/missing:1 was not found/],
  ])('has no key for %s, and says why', async (_, dockerfile, overrides, why) => {
    const root = workspace({ api: dockerfile });
    const keys = await taskKeys([task('api', dockerfile, overrides)], new Map(), {
      exec: noGit,
      workspaceRoot: root,
      registry: fakeRegistry().reader,
    });
    expect(keys.get('api:docker-multiarch')).toEqual({ off: expect.stringMatching(why) });
  });

  it('names the registry that could not resolve an image, and keys no dependent of a task without a key', async () => {
    const files = { base: 'FROM 127.0.0.1:5001/private/os:1\n', api: 'FROM 127.0.0.1:5000/acme/base:1\n' };
    const registry = fakeRegistry({ refuse: (ref) => (ref.startsWith('127.0.0.1:5001') ? '127.0.0.1:5001 refused: 401' : undefined) });
    const links = new Map([['api:docker-multiarch', { '127.0.0.1:5000/acme/base:1': 'base:docker-multiarch' }]]);
    const keys = await taskKeys([task('base', files.base), task('api', files.api)], links, {
      exec: noGit,
      workspaceRoot: workspace(files),
      registry: registry.reader,
    });
    expect(keys.get('base:docker-multiarch')).toEqual({ off: expect.stringContaining('401'), registry: '127.0.0.1:5001' });
    expect(keys.get('api:docker-multiarch')).toEqual({
      off: expect.stringMatching(/built FROM 127\.0\.0\.1:5000\/acme\/base:1, whose image has no key/),
    });
  });
});

describe('reuseOffByOptions', () => {
  it.each<[Partial<ServiceOptions>, string | undefined]>([
    [{}, undefined],
    [{ reuse: false }, "'reuse' is false"],
    [{ push: false }, 'it does not push'],
    [{ load: true }, "'load' is set"],
    [{ outputs: ['type=local,dest=out'] }, "'outputs' are set"],
    [{ outputs: ['type=cacheonly'] }, undefined],
    [{ pushByDigest: 'dist/digests' }, "'push-by-digest' is set"],
    [{ noCache: true }, "'no-cache' is set"],
    [{ pull: true }, "'pull' is set"],
    [{ reproducible: false }, "'reproducible' is false"],
  ])('%j → %s', (overrides, expected) => {
    expect(reuseOffByOptions(task('api', '', overrides).options)).toBe(expected);
  });
});
