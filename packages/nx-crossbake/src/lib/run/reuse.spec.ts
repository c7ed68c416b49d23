import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerCli } from '../docker/docker-cli';
import { fakeDocker, makeWorkspace } from '../../../test-support/fake-docker';
import { fakeRegistry, type FakeRegistry } from '../../../test-support/fake-registry';
import type { MultiarchExecutorSchema } from '../options/schemas/multiarch';
import type { ServiceResult } from '../results/service-result';
import { buildServices, type ServiceRequest } from './build-services';
import { usePrivateStateDir } from '../../../test-support/state-dir';

const REPO = '127.0.0.1:5000/acme';
const push = (name: string, extra: MultiarchExecutorSchema = {}): MultiarchExecutorSchema => ({
  platforms: ['linux/amd64', 'linux/arm64'],
  tags: [`${REPO}/${name}:1`],
  push: true,
  ...extra,
});
const request = (name: string, options: MultiarchExecutorSchema = push(name)): ServiceRequest => ({
  id: `${name}:docker-multiarch`,
  project: { name, root: `apps/${name}` },
  options,
});

/** One workspace, runs of it against one registry; each run on a fresh fake engine (no builder: a fresh CI runner). */
function rig(names: string[], dockerfiles: Record<string, string> = {}) {
  const workspaceRoot = makeWorkspace(names.map((n) => `apps/${n}`));
  for (const [name, text] of Object.entries(dockerfiles)) writeFileSync(join(workspaceRoot, `apps/${name}/Dockerfile`), text);
  const registry = fakeRegistry();
  const run = async (
    requests: ServiceRequest[],
    reg: FakeRegistry = registry,
    {
      onResult,
      ...engine
    }: {
      createFails?: string;
      progressDigests?: Record<string, string>;
      failTargets?: string[];
      endsBeforeFailure?: string[];
      onResult?: (r: ServiceResult) => void;
    } = {},
  ) => {
    const docker = fakeDocker({ registry, ...engine });
    const logs: string[] = [];
    const results = await buildServices({
      workspaceRoot,
      requests,
      cli: new DockerCli(docker.exec),
      // git knows one commit, which touched every project (the source date); nothing else (a context is hashed from its files)
      exec: (file, args, options) =>
        file === 'git' && args.includes('log')
          ? Promise.resolve({
              exitCode: 0,
              stdout: `\x1e1700000000 ${'a'.repeat(40)}\0\n${names.map((n) => `apps/${n}/Dockerfile`).join('\0')}\0`,
              stderr: '',
            })
          : docker.exec(file, args, options),
      registry: reg.reader,
      onResult,
      log: (m) => logs.push(m),
      environment: { native: ['linux/amd64', 'linux/arm64', 'linux/arm'], readBinfmt: () => [] },
      setupOptionsFor: () => ({ driver: 'docker-container' }),
    });
    const commands = docker.calls.map((c) => (c[1] === '--builder' ? [c[0], ...c.slice(3)] : c).slice(0, 3).join(' '));
    return { results, docker, logs: logs.join('\n'), commands, get: (name: string) => results.get(`${name}:docker-multiarch`)! };
  };
  return { workspaceRoot, registry, run };
}

usePrivateStateDir();

describe('reuse of unchanged images', () => {
  it('bakes a miss under its key tag only, then points the requested tags at that index', async () => {
    const { registry, run } = rig(['api']);
    const { docker, get } = await run([request('api')]);
    const target = docker.bakes[0].target.api;
    expect(target.tags).toEqual([`${REPO}/api:crossbake-${get('api').contentKey}`]);
    expect(target.annotations).toEqual([`index:dev.nx-crossbake.content-key=${get('api').contentKey}`]);
    expect(get('api')).toMatchObject({ status: 'built', digest: registry.digestOf(`${REPO}/api:1`) });
    expect(get('api').digest).toBe(registry.digestOf(target.tags![0]));
  });

  it('reuses an unchanged image on a fresh runner: no builder, no bake, the same digest, no tag moved', async () => {
    const { run } = rig(['api', 'web']);
    const first = await run([request('api'), request('web')]);
    const again = await run([request('api'), request('web')]);
    expect(again.docker.bakes).toHaveLength(0);
    expect(again.commands).toEqual([]); // not even a builder inspect, nor an imagetools create
    for (const name of ['api', 'web']) {
      expect(again.get(name)).toMatchObject({
        status: 'reused',
        reused: true,
        digest: first.get(name).digest,
        contentKey: first.get(name).contentKey,
      });
    }
    expect(again.logs).toMatch(/REUSED|reused/);
    expect(again.logs).toMatch(/0 bake\(s\) in/);
  });

  it('puts a new tag on the reused index without changing its digest', async () => {
    const { registry, run } = rig(['api']);
    const first = await run([request('api')]);
    const again = await run([request('api', push('api', { tags: [`${REPO}/api:1`, `${REPO}/api:abc1234`] }))]);
    expect(again.get('api').status).toBe('reused');
    expect(again.commands).toEqual(['buildx imagetools create']);
    expect(registry.digestOf(`${REPO}/api:abc1234`)).toBe(first.get('api').digest);
  });

  it.each([
    ['a changed file in the context', (root: string) => writeFileSync(join(root, 'apps/api/main.js'), 'v2')],
    ['a changed Dockerfile', (root: string) => writeFileSync(join(root, 'apps/api/Dockerfile'), 'FROM scratch\nCOPY . /\n')],
    ['a file newly let in by an edited .dockerignore', (root: string) => writeFileSync(join(root, 'apps/api/.dockerignore'), 'notes.md\n')],
  ])('rebuilds after %s, and reuses after a change to an ignored file', async (_, change) => {
    const { workspaceRoot, run } = rig(['api']);
    writeFileSync(join(workspaceRoot, 'apps/api/main.js'), 'v1');
    writeFileSync(join(workspaceRoot, 'apps/api/local.env'), 'a');
    writeFileSync(join(workspaceRoot, 'apps/api/notes.md'), 'n');
    writeFileSync(join(workspaceRoot, 'apps/api/.dockerignore'), 'notes.md\nlocal.env\n');
    const first = await run([request('api')]);
    writeFileSync(join(workspaceRoot, 'apps/api/notes.md'), 'edited');
    expect((await run([request('api')])).get('api').status).toBe('reused');
    change(workspaceRoot);
    const after = await run([request('api')]);
    expect(after.get('api').status).toBe('built');
    expect(after.get('api').contentKey).not.toBe(first.get('api').contentKey);
  });

  it.each([
    ['a build arg', { 'build-args': ['MODE=debug'] }],
    ['the platforms', { platforms: ['linux/amd64'] }],
    ['provenance', { provenance: 'mode=max' as const }],
    ['the salt', { 'reuse-salt': 'week-49' }],
  ])('rebuilds when %s changes', async (_, extra) => {
    const { run } = rig(['api']);
    const first = await run([request('api')]);
    const after = await run([request('api', push('api', extra))]);
    expect(after.get('api').status).toBe('built');
    expect(after.get('api').contentKey).not.toBe(first.get('api').contentKey);
  });

  it('rebuilds when a manifest of the index is gone, when the key tag is gone, and when it holds another index', async () => {
    const { registry, run } = rig(['api']);
    const first = await run([request('api')]);
    const keyTag = `${REPO}/api:crossbake-${first.get('api').contentKey}`;
    // a platform's manifest deleted by a retention policy: the index under the key tag is incomplete
    const index = (await registry.reader.getManifest({
      registry: '127.0.0.1:5000',
      name: 'acme/api',
      reference: keyTag.split(':').pop()!,
    }))!;
    registry.remove(`${REPO}/api@${(JSON.parse(index.bytes.toString()) as { manifests: { digest: string }[] }).manifests[0].digest}`);
    expect((await run([request('api')])).get('api').status).toBe('built');
    registry.remove(keyTag);
    expect((await run([request('api')])).get('api').status).toBe('built');
    registry.put(keyTag, { mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] });
    expect((await run([request('api')])).get('api').status).toBe('built');
    expect((await run([request('api')])).get('api').status).toBe('reused');
  });

  it('keeps the reused tasks when the builder for the others cannot be set up: the problem is theirs', async () => {
    const { workspaceRoot, run } = rig(['api', 'web']);
    const first = await run([request('api'), request('web')]);
    writeFileSync(join(workspaceRoot, 'apps/web/Dockerfile'), 'FROM busybox\nRUN echo changed\n');
    const again = await run([request('api'), request('web')], undefined, { createFails: 'ERROR: no space left on device' });
    expect(again.get('api')).toMatchObject({ status: 'reused', digest: first.get('api').digest });
    expect(again.get('web').status).toBe('invalid');
    expect(again.get('web').error).toContain('no space left on device');
    expect(again.docker.bakes).toHaveLength(0);
  });

  it('builds a dependent FROM the reused image of its unchanged base, by digest, without rebuilding the base', async () => {
    const { workspaceRoot, run } = rig(['base', 'api'], { api: `FROM ${REPO}/base:1\n` });
    const first = await run([request('base'), request('api')]);
    writeFileSync(join(workspaceRoot, 'apps/api/main.js'), 'changed');
    const after = await run([request('base'), request('api')]);
    expect(after.get('base')).toMatchObject({ status: 'reused', digest: first.get('base').digest });
    expect(after.get('api').status).toBe('built');
    expect(Object.keys(after.docker.bakes[0].target)).toEqual(['api']);
    expect(after.docker.bakes[0].target.api.contexts).toEqual({
      [`${REPO}/base:1`]: `docker-image://${REPO}/base@${first.get('base').digest}`,
    });
  });

  it('rebuilds a dependent whose base is built afresh each run (pull), and says why', async () => {
    const { run } = rig(['base', 'api'], { api: `FROM ${REPO}/base:1\n` });
    const base = request('base', push('base', { pull: true }));
    await run([base, request('api')]);
    const again = await run([base, request('api')]);
    expect(again.get('api').status).toBe('built');
    expect(again.logs).toContain(`reuse off for api: it is built FROM ${REPO}/base:1, which is built afresh each run ('pull' is set)`);
  });

  it('rebuilds a dependent whose base changed, with the base', async () => {
    const { workspaceRoot, run } = rig(['base', 'api'], { api: `FROM ${REPO}/base:1\n` });
    await run([request('base'), request('api')]);
    writeFileSync(join(workspaceRoot, 'apps/base/main.js'), 'changed');
    const after = await run([request('base'), request('api')]);
    expect([after.get('base').status, after.get('api').status]).toEqual(['built', 'built']);
    expect(after.docker.bakes[0].target.api.contexts).toEqual({ [`${REPO}/base:1`]: 'target:base' });
  });

  it('says why reuse is off for an input the key cannot pin down, and builds as before', async () => {
    const { run } = rig(['api'], { api: 'FROM scratch\nADD https://example.com/tool.tgz /opt/\n' });
    const { docker, get, logs } = await run([request('api')]);
    expect(get('api')).toMatchObject({ status: 'built', reuseOff: expect.stringContaining('ADD https://example.com/tool.tgz (line 2)') });
    expect(docker.bakes[0].target.api.tags).toEqual([`${REPO}/api:1`]);
    expect(logs).toContain('reuse off for api: the key cannot pin down ADD https://example.com/tool.tgz (line 2)');
  });

  it('builds as before, with one warning naming the registry, when the registry refuses the lookup', async () => {
    const { run } = rig(['api', 'web']);
    const refusing = fakeRegistry({ refuse: () => '127.0.0.1:5000 refused the lookup: 403 Forbidden' });
    const { docker, get, logs } = await run([request('api'), request('web')], refusing);
    expect([get('api').status, get('web').status]).toEqual(['built', 'built']);
    expect(docker.bakes[0].target.api.tags).toEqual([`${REPO}/api:1`]);
    expect(logs.match(/could not look images up in 127\.0\.0\.1:5000/g)).toHaveLength(1);
  });

  it('says reuse is off when git knows no commit for the inputs: the created label would be the time of the run', async () => {
    const workspaceRoot = makeWorkspace(['apps/api']);
    const docker = fakeDocker({ registry: fakeRegistry() });
    const results = await buildServices({
      workspaceRoot,
      requests: [request('api')],
      cli: new DockerCli(docker.exec),
      exec: docker.exec,
      registry: fakeRegistry().reader,
      log: () => undefined,
      environment: { native: ['linux/amd64', 'linux/arm64'], readBinfmt: () => [] },
      setupOptionsFor: () => ({ driver: 'docker-container' }),
    });
    expect(results.get('api:docker-multiarch')).toMatchObject({ status: 'built', reuseOff: expect.stringMatching(/git knows no commit/) });
  });

  it('resolves no image for a task reuse does not apply to, beside one it does', async () => {
    const { registry, run } = rig(['api', 'dev'], { dev: `FROM ${REPO}/tools:1\n` });
    await run([request('api'), request('dev', { ...push('dev'), push: false, load: true })]);
    expect(registry.reads.length).toBeGreaterThan(0); // api was looked up
    expect(registry.reads.filter((ref) => ref.includes('/tools:'))).toEqual([]);
  });

  it('asks the registry nothing for tasks reuse does not apply to', async () => {
    const { registry, run } = rig(['api', 'web']);
    const { get } = await run([request('api', { ...push('api'), push: false, load: true }), request('web', push('web', { reuse: false }))]);
    expect([get('api').status, get('web').status]).toEqual(['built', 'built']);
    expect(registry.reads).toEqual([]);
    expect(get('api').reuseOff).toBeUndefined();
  });

  describe('results told before the run ends (Nx terminal UI)', () => {
    it('tells a task baked under its key tag once its target ends and its tags are read back, and a reused one once pointed', async () => {
      const { registry, run } = rig(['api', 'worker', 'web']);
      await run([request('web')]);
      const told: ServiceResult[] = [];
      const { results, get } = await run([request('api'), request('worker'), request('web')], registry, { onResult: (r) => told.push(r) });
      expect(told.map((r) => [r.task, r.status]).sort()).toEqual([
        ['api:docker-multiarch', 'built'],
        ['web:docker-multiarch', 'reused'],
        ['worker:docker-multiarch', 'built'],
      ]);
      const api = told.find((r) => r.task === 'api:docker-multiarch')!;
      expect(api.digest).toBe(registry.digestOf(`${REPO}/api:1`));
      expect(get('api')).toMatchObject({ status: 'built', digest: api.digest, tags: [`${REPO}/api:1`] });
      expect(results.size).toBe(3);
    });

    it("never tells a digest buildx's progress showed that the registry does not confirm, and reports what the metadata says", async () => {
      const { registry, run } = rig(['api', 'web']);
      const told: ServiceResult[] = [];
      const wrong = `sha256:${'f'.repeat(64)}`;
      const { get } = await run([request('api'), request('web')], registry, {
        progressDigests: { api: wrong },
        onResult: (r) => told.push(r),
      });
      expect(told.map((r) => r.task)).toEqual(['web:docker-multiarch']);
      expect(get('api')).toMatchObject({ status: 'built', digest: registry.digestOf(`${REPO}/api:1`) });
    });

    it('tells a task without a key tag once its tags are read back on the digest pushed; one that loads waits for the metadata', async () => {
      const { registry, run } = rig(['api', 'web']);
      const told: ServiceResult[] = [];
      const { get } = await run(
        [request('api', push('api', { reuse: false })), request('web', { ...push('web'), push: false, load: true })],
        registry,
        {
          onResult: (r) => told.push(r),
        },
      );
      expect(told.map((r) => [r.task, r.status, r.digest])).toEqual([
        ['api:docker-multiarch', 'built', registry.digestOf(`${REPO}/api:1`)],
      ]);
      expect(get('api')).toMatchObject({ status: 'built', digest: told[0].digest });
      expect(get('web').status).toBe('built');
    });

    it('keeps a task told done when another target then fails the bake, and does not bake it again', async () => {
      const { registry, run } = rig(['api', 'worker', 'web']);
      const told: ServiceResult[] = [];
      const { docker, get } = await run([request('api'), request('worker'), request('web')], registry, {
        failTargets: ['worker'],
        endsBeforeFailure: ['api'],
        onResult: (r) => told.push(r),
      });
      expect(told.map((r) => [r.task, r.status])).toEqual([['api:docker-multiarch', 'built']]);
      // bake reported api cancelled (it stopped at worker's failure); the registry had confirmed it, and that stands.
      expect(get('api')).toMatchObject({ status: 'built', digest: registry.digestOf(`${REPO}/api:1`) });
      expect(get('worker').status).toBe('failed');
      // keep-going bakes again only what was cancelled and not told done.
      expect(docker.bakes.map((b) => Object.keys(b.target))).toEqual([['api', 'worker', 'web'], ['web']]);
      expect(get('web').status).toBe('built');
    });
  });
});
