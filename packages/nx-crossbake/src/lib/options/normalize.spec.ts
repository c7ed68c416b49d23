import { InvalidOptionsError } from '../core/errors';
import type { MultiarchExecutorSchema } from './schemas/multiarch';
import { secretSourceFiles } from './build-inputs';
import { normalizeOptions, type RunFacts } from './normalize';

const project = { name: '@acme/api', root: 'apps/api' };
const NOW = new Date('2026-11-26T10:00:00Z');
const facts = (env: Record<string, string> = {}, git: RunFacts['git'] = {}): RunFacts => ({ env, git, defaultBranch: 'main', now: NOW });

describe('normalizeOptions', () => {
  it('applies every default from schema.json and the project root', () => {
    expect(normalizeOptions({ push: true, tags: ['r.example.com/acme/api:1'] }, project, facts())).toEqual({
      id: '@acme/api:docker-multiarch',
      project: '@acme/api',
      targetName: 'docker-multiarch',
      projectRoot: 'apps/api',
      context: 'apps/api',
      file: 'apps/api/Dockerfile',
      platforms: ['linux/amd64', 'linux/arm64'],
      tags: ['r.example.com/acme/api:1'],
      push: true,
      load: false,
      buildArgs: {},
      labels: { 'org.opencontainers.image.title': 'acme-api', 'org.opencontainers.image.created': '2026-11-26T10:00:00.000Z' },
      secrets: [],
      ssh: [],
      buildContexts: {},
      attest: [],
      target: undefined,
      builder: 'nx-crossbake',
      setup: true,
      // pushing: the registry cache of this image, this branch and the default branch (none known here)
      cacheFrom: ['type=registry,ref=r.example.com/acme/api:buildcache', 'type=registry,ref=r.example.com/acme/api:buildcache-main'],
      cacheTo: ['type=registry,ref=r.example.com/acme/api:buildcache,mode=max,oci-mediatypes=true,image-manifest=true'],
      pull: false,
      noCache: false,
      outputs: [],
      strictEmulation: false,
      keepGoing: true,
      check: 'warn',
      registries: [],
      ownLabels: ['org.opencontainers.image.title', 'org.opencontainers.image.created'],
      reproducible: true,
      sourceDateMode: 'zero',
      reuse: true,
      reuseSalt: ['', ''],
      pushByDigest: undefined,
    });
  });

  it('keys the options by the task: its id and target name', () => {
    expect(
      normalizeOptions(
        { load: true },
        { ...project, targetName: 'docker-multiarch-debug', taskId: '@acme/api:docker-multiarch-debug' },
        facts(),
      ),
    ).toMatchObject({
      id: '@acme/api:docker-multiarch-debug',
      targetName: 'docker-multiarch-debug',
    });
  });

  it('keeps explicit values, parses KEY=VALUE lists and normalises paths', () => {
    const options = normalizeOptions(
      {
        file: 'docker\\api.Dockerfile',
        context: './apps/api/',
        platforms: ['linux/arm/v7', 'linux/arm/v7', 'linux/amd64'],
        load: true,
        'build-args': ['A=1'],
        labels: ['team=core'],
        target: 'runtime',
        builder: 'crossbake',
        'cache-from': ['type=registry,ref=r/api:cache'],
        'cache-to': ['type=inline'],
        pull: true,
        'no-cache': true,
      },
      project,
    );
    expect(options).toMatchObject({
      file: 'docker/api.Dockerfile',
      context: 'apps/api',
      platforms: ['linux/arm/v7', 'linux/amd64'],
      load: true,
      buildArgs: { A: '1' },
      labels: { team: 'core' },
      target: 'runtime',
      builder: 'crossbake',
      cacheFrom: ['type=registry,ref=r/api:cache'],
      cacheTo: ['type=inline'],
      pull: true,
      noCache: true,
    });
  });

  // The forms users bring from build-push-action, bake, @nx/docker and the command line.
  it.each<[string, object, object]>([
    ['platforms as one comma string', { platforms: 'linux/amd64,linux/arm64' }, { platforms: ['linux/amd64', 'linux/arm64'] }],
    ['platforms one per line', { platforms: 'linux/amd64\nlinux/arm64\n' }, { platforms: ['linux/amd64', 'linux/arm64'] }],
    [
      'platforms normalized as containerd does',
      { platforms: ['linux/arm64', 'linux/arm', 'linux/amd64'] },
      { platforms: ['linux/arm64', 'linux/arm/v7', 'linux/amd64'] },
    ],
    [
      'aliases of one platform built once',
      { platforms: ['linux/aarch64', 'linux/arm64/v8', 'linux/arm64', 'linux/x86_64', 'linux/amd64/v1'] },
      { platforms: ['linux/arm64', 'linux/amd64'] },
    ],
    [
      'other OSes as BuildKit builds them',
      { platforms: ['darwin/arm64', 'windows/amd64', 'macos/amd64'] },
      { platforms: ['darwin/arm64', 'windows/amd64', 'darwin/amd64'] },
    ],
    ['tags as one comma string', { tags: 'r/api:1, r/api:latest' }, { tags: ['r/api:1', 'r/api:latest'] }],
    [
      'build-args as a map',
      { 'build-args': { NODE_ENV: 'production', RETRIES: 3, DEBUG: false } },
      { buildArgs: { NODE_ENV: 'production', RETRIES: '3', DEBUG: 'false' } },
    ],
    ['build-args one per line, commas kept', { 'build-args': 'A=1,2\nB=x' }, { buildArgs: { A: '1,2', B: 'x' } }],
    ['labels as a map', { labels: { team: 'core' }, 'oci-labels': false }, { labels: { team: 'core' } }],
    ['provenance false as a boolean', { provenance: false }, { attest: ['type=provenance,disabled=true'] }],
    ['provenance true as a boolean', { provenance: true }, { attest: ['type=provenance'] }],
    [
      'booleans as a command line gives them',
      { push: 'true', tags: 'r/api:1', pull: 'true', 'no-cache': 'false' },
      { push: true, pull: true, noCache: false },
    ],
    ['a number as the target stage', { target: 2 }, { target: '2' }],
    [
      'cache-from one per line',
      { 'cache-from': 'type=registry,ref=r/api:c1\ntype=registry,ref=r/api:c2' },
      { cacheFrom: ['type=registry,ref=r/api:c1', 'type=registry,ref=r/api:c2'] },
    ],
    ['outputs as one string', { outputs: 'type=local,dest=dist/api' }, { outputs: ['type=local,dest=dist/api'] }],
    ['ssh as one string', { ssh: 'default' }, { ssh: ['default'] }],
    [
      'build-contexts one per line',
      { 'build-contexts': 'alpine=docker-image://alpine:3.20\nbase=target:base' },
      { buildContexts: { alpine: 'docker-image://alpine:3.20', base: 'target:base' } },
    ],
    ['null as unset', { platforms: null, tags: null }, { platforms: ['linux/amd64', 'linux/arm64'], tags: [] }],
  ])('accepts %s', (_form, raw, expected) => {
    expect(normalizeOptions({ load: true, ...raw } as never, project, facts())).toMatchObject(expected);
  });

  it('reads $VAR and ${VAR} in build-args from the environment, $$ being a literal $', () => {
    const env = { VERSION: '1.2.3', USER: 'ci' };
    expect(
      normalizeOptions({ load: true, 'build-args': ['V=$VERSION', 'W=v${VERSION}-x', 'L=$${USER} costs $$5'] }, project, facts(env))
        .buildArgs,
    ).toEqual({
      V: '1.2.3',
      W: 'v1.2.3-x',
      L: '${USER} costs $5',
    });
  });

  it('keeps secrets as references and maps secret-files', () => {
    const options = normalizeOptions(
      { load: true, secrets: ['id=npm,env=NPM_TOKEN', 'id=key,src=k.pem'], 'secret-files': ['GH=.gh-token'] },
      project,
      facts({ NPM_TOKEN: 'xyz' }),
    );
    expect(options.secrets).toEqual(['id=npm,env=NPM_TOKEN', 'id=key,src=k.pem', 'id=GH,src=.gh-token']);
    expect(JSON.stringify(options)).not.toContain('xyz');
  });

  it('reads secrets as buildx does: type=env with src, absolute files, and secret-files paths quoted when they hold a comma', () => {
    const options = normalizeOptions(
      { load: true, secrets: ['type=env,id=gh,src=GH_TOKEN', 'id=key,src=/etc/ci/key.pem'], 'secret-files': ['CERT=certs/a,b.pem'] },
      project,
      facts({ GH_TOKEN: 'xyz' }),
    );
    expect(options.secrets).toEqual(['type=env,id=gh,src=GH_TOKEN', 'id=key,src=/etc/ci/key.pem', 'id=CERT,"src=certs/a,b.pem"']);
    expect(secretSourceFiles(options.secrets)).toEqual(['/etc/ci/key.pem', 'certs/a,b.pem']);
  });

  it.each(['TOKEN=abc123', 'TOKEN="abc123,x"', 'id=t,value=abc123', 'abc123'])(
    'never repeats a value written in a secret by mistake (%s)',
    (spec) => {
      expect(() => normalizeOptions({ load: true, secrets: [spec] }, project, facts())).toThrow(InvalidOptionsError);
      expect(() => normalizeOptions({ load: true, secrets: [spec] }, project, facts())).not.toThrow(/abc123/);
    },
  );

  it.each<[MultiarchExecutorSchema, string[]]>([
    [{ provenance: 'mode=max', sbom: true }, ['type=provenance,mode=max', 'type=sbom']],
    [{ provenance: 'false' }, ['type=provenance,disabled=true']],
    [{}, []],
  ])('maps attestations %j', (raw, attest) => {
    expect(normalizeOptions({ load: true, ...raw }, project).attest).toEqual(attest);
  });

  it('renders tag and label templates from the project and git', () => {
    const options = normalizeOptions(
      {
        push: true,
        tags: [
          'r.example.com/{projectName}:{version}',
          'r.example.com/{projectName}:{branch}-{shortSha}',
          'r.example.com/{projectName}:{date}-{sha}',
        ],
        labels: ['built-from={branch}@{sha}'],
      },
      { ...project, version: '1.4.0' },
      facts({}, { sha: 'a1b2c3d4e5f6', branch: 'feature/Login_v2', remoteUrl: 'https://git.example.com/acme/repo' }),
    );
    expect(options.tags).toEqual([
      'r.example.com/acme-api:1.4.0',
      'r.example.com/acme-api:feature-login_v2-a1b2c3d',
      'r.example.com/acme-api:20261126-a1b2c3d4e5f6',
    ]);
    expect(options.labels).toEqual({
      'org.opencontainers.image.title': 'acme-api',
      'org.opencontainers.image.created': '2026-11-26T10:00:00.000Z',
      'org.opencontainers.image.revision': 'a1b2c3d4e5f6',
      'org.opencontainers.image.source': 'https://git.example.com/acme/repo',
      'org.opencontainers.image.version': '1.4.0',
      'built-from': 'feature-login_v2@a1b2c3d4e5f6',
    });
  });

  it.each([
    ['main', ['r.example.com/api:1', 'r.example.com/api:latest']],
    ['feature', ['r.example.com/api:1']],
  ])('tags latest only on the default branch (on %s)', (branch, tags) => {
    expect(
      normalizeOptions({ push: true, tags: ['r.example.com/api:1'], 'tag-latest': true }, project, facts({}, { branch })).tags,
    ).toEqual(tags);
  });

  it('leaves the OCI labels out when asked, and lets user labels win', () => {
    expect(normalizeOptions({ load: true, 'oci-labels': false, labels: ['a=1'] }, project, facts()).labels).toEqual({ a: '1' });
    expect(
      normalizeOptions({ load: true, labels: ['org.opencontainers.image.title=API'] }, project, facts()).labels[
        'org.opencontainers.image.title'
      ],
    ).toBe('API');
  });

  it.each([
    [
      { push: true, tags: ['r/api:1'], 'cache-from': ['type=gha'] },
      ['type=gha'],
      ['type=registry,ref=r/api:buildcache-x,mode=max,oci-mediatypes=true,image-manifest=true'],
    ],
    [{ push: true, tags: ['r/api:1'], cache: 'none' }, [], []],
    [{ load: true }, [], []],
    [
      { load: true, cache: 'local' },
      ['type=local,src=tmp/nx-crossbake/cache/acme-api'],
      ['type=local,dest=tmp/nx-crossbake/cache/acme-api,mode=max'],
    ],
    [{ load: true, cache: 'gha' }, ['type=gha,scope=acme-api'], ['type=gha,scope=acme-api,mode=max']],
    [
      { load: true, cache: 'gha', platforms: ['linux/arm64'] },
      ['type=gha,scope=acme-api-linux-arm64'],
      ['type=gha,scope=acme-api-linux-arm64,mode=max'],
    ],
    // One platform, as each native runner builds: refs of that platform, read and written by that runner alone.
    [
      { push: true, tags: ['r/api:1'], platforms: ['linux/arm/v7'] },
      ['type=registry,ref=r/api:buildcache-x-linux-arm-v7', 'type=registry,ref=r/api:buildcache-main-linux-arm-v7'],
      ['type=registry,ref=r/api:buildcache-x-linux-arm-v7,mode=max,oci-mediatypes=true,image-manifest=true'],
    ],
    [
      { push: true, tags: ['r/api:1'], platforms: ['linux/amd64', 'linux/arm64'] },
      ['type=registry,ref=r/api:buildcache-x', 'type=registry,ref=r/api:buildcache-main'],
      ['type=registry,ref=r/api:buildcache-x,mode=max,oci-mediatypes=true,image-manifest=true'],
    ],
  ])('cache %j', (raw, cacheFrom, cacheTo) => {
    const options = normalizeOptions(raw as never, project, facts({}, { branch: 'x' }));
    expect([options.cacheFrom, options.cacheTo]).toEqual([cacheFrom, cacheTo]);
  });

  it('maps a root project to the workspace root', () => {
    expect(normalizeOptions({ load: true }, { name: 'app', root: '' })).toMatchObject({ context: '.', file: 'Dockerfile' });
  });

  it.each([
    [{ push: false, load: false }, "nothing would be produced: set 'push: true', 'load: true' or list 'outputs'"],
    [{ push: true }, "'push' is true but 'tags' is empty"],
    [{ load: true, platforms: [] }, "'platforms' is empty"],
    [
      { load: true, platforms: ['linux/armv7'] },
      "platform 'linux/armv7' has an unknown architecture 'armv7': did you mean 'linux/arm/v7'?",
    ],
    [{ load: true, platforms: 'arm64' }, "platform 'arm64' names no OS"],
    [{ load: true, platforms: ',' }, "'platforms' is empty"],
    [{ load: true, tags: ['Acme/API'] }, 'repository names must be lowercase'],
    [{ load: true, 'build-args': ['JUSTAKEY'] }, "build-args entry 'JUSTAKEY' is not of the form KEY=VALUE"],
    [{ load: true, context: '../elsewhere' }, "'context' (../elsewhere) must be a path inside the workspace"],
    [{ load: true, file: '/etc/Dockerfile' }, "'file' (/etc/Dockerfile) must be a path inside the workspace"],
    [{ load: true, dockerfile: 'x' }, "unknown option 'dockerfile': did you mean 'file'? (valid options: file, context"],
    [{ load: true, 'build-args': ['V=$NOT_SET_ANYWHERE'] }, 'build-arg V uses $NOT_SET_ANYWHERE, which is not set in the environment'],
    [{ load: true, secrets: ['GIT_AUTH_TOKEN=abc123'] }, "secret 'GIT_AUTH_TOKEN' is not of the form id=<id>,env=<VARIABLE>"],
    [
      { load: true, secrets: ['id=npm,env=NOT_SET_ANYWHERE'] },
      "secret 'npm' reads the environment variable NOT_SET_ANYWHERE, which is not set",
    ],
    [{ load: true, secrets: ['id=npm'] }, "secret 'npm' names no source"],
    [{ load: true, 'secret-files': ['nopath'] }, "secret-files entry 'nopath' is not of the form ID=path"],
    [{ load: true, provenance: 'yes' }, "provenance 'yes' is not one of false, true, mode=min, mode=max"],
    [{ load: true, 'build-contexts': ['noequals'] }, "build-contexts entry 'noequals' is not of the form KEY=VALUE"],
    [{ push: true, tags: ['r/api:{ver}'] }, "tag 'r/api:{ver}' has an unknown placeholder {ver}"],
    [{ push: true, tags: ['r/api:{version}'] }, "tag 'r/api:{version}' uses {version}, but the project has no version"],
    [{ push: true, tags: ['r/api:{sha}'] }, 'uses {sha}, but the workspace is not a git repository'],
    [{ push: true, tags: ['r/{projectName}:{date}!'] }, "the tag part '20261126!'"],
    [{ load: true, cache: 'registry' }, "'cache: registry' names its cache after the image: set 'tags'"],
    [
      { load: true, 'push-by-digest': 'dist/digests' },
      "'push-by-digest' pushes by digest to the repository of the first tag: set 'push: true' and 'tags'",
    ],
    [{ load: true, buildArgs: ['A=1'] }, "unknown option 'buildArgs': did you mean 'build-args'?"],
    [{ load: true, noCache: true }, "unknown option 'noCache': did you mean 'no-cache'?"],
    [{ load: true, colour: 'red' }, "unknown option 'colour' (valid options: file, context"],
    [{ load: true, _: ['extra'] }, 'unexpected argument extra: options are written --name=value'],
    // Values of the wrong type: each named with what was expected, never guessed at.
    [{ push: 'yes', tags: ['r/api:1'] }, "'push' is 'yes': expected true or false"],
    [{ load: 1 }, "'load' is 1: expected true or false"],
    [{ load: true, platforms: { linux: 'amd64' } }, `'platforms' is {"linux":"amd64"}: expected a list of strings`],
    [{ load: true, tags: [1] }, "'tags' is [1]: expected a list of strings"],
    [{ load: true, 'build-args': { A: { B: 1 } } }, `'build-args' entry 'A' is {"B":1}: expected a string, number or boolean value`],
    [{ load: true, labels: 5 }, "'labels' is 5: expected a list of strings"],
    [{ load: true, file: ['Dockerfile'] }, `'file' is ["Dockerfile"]: expected a string`],
    [{ load: true, cache: 'off' }, "cache 'off' is not one of auto, registry, local, gha, none"],
    [{ load: true, cache: false }, "'cache' is false: on a command line --no-cache is read as cache=false; write --no-cache=true"],
    [{ load: true, provenance: ['mode=max'] }, `'provenance' is ["mode=max"]: expected a string`],
    [{ load: true, provenance: 1 }, "provenance '1' is not one of false, true, mode=min, mode=max"],
    [{ load: true, registries: { url: 'r' } }, `'registries' is {"url":"r"}: expected a list of objects`],
    [{ load: true, registries: [{ url: 'r', username: 'u' }] }, "registries[0] (r) needs 'passwordEnv' as a non-empty string"],
    // Entries buildx would refuse for the whole bake, refused for this project alone.
    [{ load: true, outputs: ['type=local'] }, "output 'type=local' needs dest=<folder> for type=local"],
    [{ load: true, outputs: ['type=tarball,dest=x'] }, "output 'type=tarball,dest=x' has an unknown type 'tarball'"],
    [{ load: true, 'cache-from': ['type=registry'] }, "cache-from 'type=registry' needs ref=<image reference> for type=registry"],
    [{ load: true, 'cache-to': ['type=local,src=x'] }, "cache-to 'type=local,src=x' needs dest=<folder> for type=local"],
    [{ load: true, 'cache-to': ['ref="x'] }, "cache-to 'ref=\"x' is not CSV as buildx reads it"],
    [{ load: true, ssh: ['a b'] }, "ssh 'a b' is not of the form default"],
    [{ load: true, 'build-contexts': ['base=docker-image:alpine'] }, "did you mean 'docker-image://alpine'?"],
    [{ load: true, 'build-contexts': ['Base=apps/base'] }, "build-contexts entry 'Base=apps/base' has a name that a FROM cannot write"],
    [
      { load: true, secrets: ['id=npm,env=NPM_TOKEN,mode=0400'] },
      "secret 'npm' is not of the form id=<id>,env=<VARIABLE> or id=<id>,src=<file>",
    ],
    [{ load: true, secrets: ['id=npm,type=ssh,src=x'] }, "secret 'npm' has type 'ssh': expected file or env"],
    [{ load: true, secrets: ['id=npm,src="x'] }, "secret 'npm' is not CSV as buildx reads it: check its quotes"],
    [{ load: true, secrets: ['TOKEN="abc,def"'] }, "secret 'TOKEN' is not CSV as buildx reads it"],
  ])('rejects %j', (raw, message) => {
    expect(() => normalizeOptions(raw as never, project, facts())).toThrow(InvalidOptionsError);
    expect(() => normalizeOptions(raw as never, project, facts())).toThrow(message);
  });

  it('reports every problem of a project at once, naming the project', () => {
    let error: InvalidOptionsError | undefined;
    try {
      normalizeOptions({ push: true, platforms: ['linux/sparkle'], foo: 1 } as never, project);
    } catch (e) {
      error = e as InvalidOptionsError;
    }
    expect(error?.project).toBe('@acme/api');
    expect(error?.task).toBe('@acme/api:docker-multiarch');
    expect(error?.problems).toHaveLength(3);
    expect(error?.message).toMatch(/^project '@acme\/api' has invalid docker-multiarch options:/);
  });
});
