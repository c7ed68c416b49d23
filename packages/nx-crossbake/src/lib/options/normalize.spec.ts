import { InvalidOptionsError } from '../errors';
import { normalizeOptions, type RunFacts } from './normalize';

const project = { name: '@acme/api', root: 'apps/api' };
const NOW = new Date('2026-11-26T10:00:00Z');
const facts = (env: Record<string, string> = {}, git: RunFacts['git'] = {}): RunFacts => ({ env, git, defaultBranch: 'main', now: NOW });

describe('normalizeOptions', () => {
  it('applies every default from schema.json and the project root', () => {
    expect(normalizeOptions({ push: true, tags: ['r.example.com/acme/api:1'] }, project, facts())).toEqual({
      project: '@acme/api',
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
      registries: [],
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

  it('reads $VAR and ${VAR} in build-args from the environment, $$ being a literal $', () => {
    const env = { VERSION: '1.2.3', USER: 'ci' };
    expect(normalizeOptions({ load: true, 'build-args': ['V=$VERSION', 'W=v${VERSION}-x', 'L=$${USER} costs $$5'] }, project, facts(env)).buildArgs).toEqual({
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

  it.each([
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
        tags: ['r.example.com/{projectName}:{version}', 'r.example.com/{projectName}:{branch}-{shortSha}', 'r.example.com/{projectName}:{date}-{sha}'],
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
    expect(normalizeOptions({ push: true, tags: ['r.example.com/api:1'], 'tag-latest': true }, project, facts({}, { branch })).tags).toEqual(tags);
  });

  it('leaves the OCI labels out when asked, and lets user labels win', () => {
    expect(normalizeOptions({ load: true, 'oci-labels': false, labels: ['a=1'] }, project, facts()).labels).toEqual({ a: '1' });
    expect(normalizeOptions({ load: true, labels: ['org.opencontainers.image.title=API'] }, project, facts()).labels['org.opencontainers.image.title']).toBe('API');
  });

  it.each([
    [{ push: true, tags: ['r/api:1'], 'cache-from': ['type=gha'] }, ['type=gha'], ['type=registry,ref=r/api:buildcache-x,mode=max,oci-mediatypes=true,image-manifest=true']],
    [{ push: true, tags: ['r/api:1'], cache: 'none' }, [], []],
    [{ load: true }, [], []],
    [{ load: true, cache: 'local' }, ['type=local,src=tmp/nx-crossbake/cache/acme-api'], ['type=local,dest=tmp/nx-crossbake/cache/acme-api,mode=max']],
    [{ load: true, cache: 'gha' }, ['type=gha,scope=acme-api'], ['type=gha,scope=acme-api,mode=max']],
    [{ load: true, cache: 'gha', platforms: ['linux/arm64'] }, ['type=gha,scope=acme-api-linux-arm64'], ['type=gha,scope=acme-api-linux-arm64,mode=max']],
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
    [{ load: true, platforms: ['linux/aarch64'] }, "did you mean 'linux/arm64'?"],
    [{ load: true, tags: ['Acme/API'] }, 'repository names must be lowercase'],
    [{ load: true, 'build-args': ['JUSTAKEY'] }, "build-args entry 'JUSTAKEY' is not of the form KEY=VALUE"],
    [{ load: true, context: '../elsewhere' }, "'context' (../elsewhere) must be a path inside the workspace"],
    [{ load: true, file: '/etc/Dockerfile' }, "'file' (/etc/Dockerfile) must be a path inside the workspace"],
    [{ load: true, dockerfile: 'x' }, "unknown option 'dockerfile': did you mean 'file'? (valid options: file, context"],
    [{ load: true, 'build-args': ['V=$NOT_SET_ANYWHERE'] }, 'build-arg V uses $NOT_SET_ANYWHERE, which is not set in the environment'],
    [{ load: true, secrets: ['GIT_AUTH_TOKEN=abc123'] }, "secret 'GIT_AUTH_TOKEN' is not of the form id=<id>,env=<VARIABLE>"],
    [{ load: true, secrets: ['id=npm,env=NOT_SET_ANYWHERE'] }, "secret 'npm' reads the environment variable NOT_SET_ANYWHERE, which is not set"],
    [{ load: true, secrets: ['id=npm'] }, "secret 'npm' names no source"],
    [{ load: true, 'secret-files': ['nopath'] }, "secret-files entry 'nopath' is not of the form ID=path"],
    [{ load: true, provenance: 'yes' }, "provenance 'yes' is not one of false, true, mode=min, mode=max"],
    [{ load: true, 'build-contexts': ['noequals'] }, "build-contexts entry 'noequals' is not of the form KEY=VALUE"],
    [{ push: true, tags: ['r/api:{ver}'] }, "tag 'r/api:{ver}' has an unknown placeholder {ver}"],
    [{ push: true, tags: ['r/api:{version}'] }, "tag 'r/api:{version}' uses {version}, but the project has no version"],
    [{ push: true, tags: ['r/api:{sha}'] }, 'uses {sha}, but the workspace is not a git repository'],
    [{ push: true, tags: ['r/{projectName}:{date}!'] }, "the tag part '20261126!'"],
    [{ load: true, cache: 'registry' }, "'cache: registry' names its cache after the image: set 'tags'"],
    [{ load: true, 'push-by-digest': 'dist/digests' }, "'push-by-digest' pushes by digest to the repository of the first tag: set 'push: true' and 'tags'"],
    [{ load: true, buildArgs: ['A=1'] }, "unknown option 'buildArgs': did you mean 'build-args'?"],
    [{ load: true, noCache: true }, "unknown option 'noCache': did you mean 'no-cache'?"],
    [{ load: true, colour: 'red' }, "unknown option 'colour' (valid options: file, context"],
  ])('rejects %j', (raw, message) => {
    expect(() => normalizeOptions(raw as never, project, facts())).toThrow(InvalidOptionsError);
    expect(() => normalizeOptions(raw as never, project, facts())).toThrow(message);
  });

  it('reports every problem of a project at once, naming the project', () => {
    let error: InvalidOptionsError | undefined;
    try {
      normalizeOptions({ push: true, platforms: ['linux/sparc'], foo: 1 } as never, project);
    } catch (e) {
      error = e as InvalidOptionsError;
    }
    expect(error?.project).toBe('@acme/api');
    expect(error?.problems).toHaveLength(3);
    expect(error?.message).toMatch(/^project '@acme\/api' has invalid docker-multiarch options:/);
  });
});
