import {
  conflictingLogins,
  credentialKeysOfLogin,
  loginAddress,
  loginFailureFor,
  registriesUsedBy,
  registryOfImage,
  registryOfLogin,
  type RegistryUse,
} from './registries';

describe('registryOfImage', () => {
  // distribution/reference normalize_test.go (TestNormalizedSplitHostname, TestParseRepositoryInfo):
  // the domain it gives, in lower case.
  it.each([
    ['test.com/foo', 'test.com'],
    ['test_com/foo', 'docker.io'],
    ['docker/migrator', 'docker.io'],
    ['test.com:8080/foo', 'test.com:8080'],
    ['test-com:8080/foo', 'test-com:8080'],
    ['foo', 'docker.io'],
    ['xn--n3h.com/foo', 'xn--n3h.com'],
    ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080'],
    ['docker.io/foo', 'docker.io'],
    ['docker.io/library/foo', 'docker.io'],
    ['docker.io/library/foo/bar', 'docker.io'],
    ['localhost/fooo', 'localhost'],
    ['localhost/fooo/bar', 'localhost'],
    ['LOCALDOMAIN/fooo', 'localdomain'],
    ['index.docker.io/fooo/bar', 'docker.io'],
    ['ubuntu', 'docker.io'],
    ['library/ubuntu', 'docker.io'],
    ['127.0.0.1:8000/private/moonbase', '127.0.0.1:8000'],
    ['example.com:8000/privatebase', 'example.com:8000'],
    ['Foo/bar', 'foo'],
    // tags and digests do not change the registry
    ['localhost:5001/acme/api:1.0', 'localhost:5001'],
    ['busybox@sha256:' + 'a'.repeat(64), 'docker.io'],
    ['[::1]:5000/acme/api:1', '[::1]:5000'],
    // the API host of Hub, which BuildKit reads Hub's credentials for
    ['registry-1.docker.io/library/busybox', 'docker.io'],
  ])('%s is on %s', (ref, registry) => {
    expect(registryOfImage(ref)).toBe(registry);
  });
});

describe('registry logins', () => {
  it.each([
    // url, registry, docker login address, credential keys
    ['localhost:5001', 'localhost:5001', 'localhost:5001', ['localhost:5001']],
    ['http://localhost:5001/v2/', 'localhost:5001', 'http://localhost:5001/v2/', ['localhost:5001']],
    ['https://ci@r.example.com', 'r.example.com', 'https://ci@r.example.com', ['r.example.com']],
    ['ghcr.io', 'ghcr.io', 'ghcr.io', ['ghcr.io']],
    ['R.Example.com:5000', 'r.example.com:5000', 'R.Example.com:5000', ['R.Example.com:5000', 'r.example.com:5000']],
    ['docker.io', 'docker.io', 'https://index.docker.io/v1/', ['https://index.docker.io/v1/']],
    ['', 'docker.io', 'https://index.docker.io/v1/', ['https://index.docker.io/v1/']],
    ['https://index.docker.io/v1/', 'docker.io', 'https://index.docker.io/v1/', ['https://index.docker.io/v1/']],
    ['index.docker.io', 'docker.io', 'https://index.docker.io/v1/', ['https://index.docker.io/v1/']],
    ['registry-1.docker.io', 'docker.io', 'https://index.docker.io/v1/', ['https://index.docker.io/v1/']],
  ])('%s logs in to %s as `docker login %s`, stored under %j', (url, registry, address, keys) => {
    expect(registryOfLogin(url)).toBe(registry);
    expect(loginAddress(url)).toBe(address);
    expect(credentialKeysOfLogin(url)).toEqual(keys);
  });

  it('names the registry of a login the way registryOfImage names it for an image there', () => {
    for (const [url, image] of [
      ['https://index.docker.io/v1/', 'acme/api'],
      ['localhost:5001', 'localhost:5001/acme/api:1'],
      ['https://GHCR.io/', 'ghcr.io/acme/api'],
    ]) {
      expect(registryOfLogin(url)).toBe(registryOfImage(image));
    }
  });
});

describe('registriesUsedBy', () => {
  const service = (over: Partial<RegistryUse>): RegistryUse => ({ tags: [], cacheFrom: [], cacheTo: [], dockerfileRefs: [], ...over });

  it.each<[string, Partial<RegistryUse>, string[]]>([
    ['pushed tags', { tags: ['localhost:5001/acme/api:1', 'ghcr.io/acme/api:1'], push: true }, ['ghcr.io', 'localhost:5001']],
    ['tags when push is not known', { tags: ['ghcr.io/acme/api:1'] }, ['ghcr.io']],
    ['nothing for tags that are only loaded', { tags: ['ghcr.io/acme/api:1'], push: false }, []],
    [
      'tags pushed by an output without a name',
      { tags: ['ghcr.io/acme/api:1'], push: false, outputs: ['type=image,push=true'] },
      ['ghcr.io'],
    ],
    ['tags pushed by a registry output', { tags: ['ghcr.io/acme/api:1'], push: false, outputs: ['type=registry'] }, ['ghcr.io']],
    [
      'the names a pushing output gives',
      { push: false, outputs: ['type=image,"name=r1.example.com/a,r2.example.com/b",push=1'] },
      ['r1.example.com', 'r2.example.com'],
    ],
    [
      'no name of an output that does not push',
      { push: false, outputs: ['type=image,name=r1.example.com/a', 'type=oci,dest=out.tar,name=r2.example.com/b', 'out-dir'] },
      [],
    ],
    [
      'base images, Hub ones included',
      { push: false, dockerfileRefs: ['127.0.0.1:5001/base:1', 'node:20'] },
      ['127.0.0.1:5001', 'docker.io'],
    ],
    [
      'registry caches',
      {
        push: false,
        cacheFrom: ['type=registry,ref=r.example.com/c:main', 'type=local,src=/tmp/c'],
        cacheTo: ['type=registry,ref=w.example.com/c,mode=max'],
      },
      ['r.example.com', 'w.example.com'],
    ],
    [
      'bare cache refs, each CSV field its own',
      { push: false, cacheFrom: ['r1.example.com/c:1,r2.example.com/c:1'] },
      ['r1.example.com', 'r2.example.com'],
    ],
    ['no gha or inline cache', { push: false, cacheFrom: ['type=gha'], cacheTo: ['type=inline'] }, []],
    [
      'image build contexts only',
      { push: false, buildContexts: { base: 'docker-image://r.example.com/base:1', src: '../shared', t: 'target:base' } },
      ['r.example.com'],
    ],
    [
      'its own logins',
      { push: false, registries: [{ url: 'https://index.docker.io/v1/', username: 'u', passwordEnv: 'P' }] },
      ['docker.io'],
    ],
    ['each registry once', { tags: ['ghcr.io/a:1', 'ghcr.io/b:1'], push: true, dockerfileRefs: ['ghcr.io/base:1'] }, ['ghcr.io']],
    ['nothing from a malformed CSV spec', { push: false, cacheFrom: ['type=registry,ref="r.example.com/c'] }, []],
  ])('%s', (_, over, registries) => {
    expect(registriesUsedBy(service(over))).toEqual(registries);
  });

  it('rejects a task only for a failed registry it uses, and says which and why', () => {
    const failed = new Map([['localhost:5001', 'docker login to localhost:5001 as ci failed: 401 Unauthorized']]);
    expect(loginFailureFor(service({ tags: ['localhost:5001/a:1'], push: true }), failed)).toBe(
      'it pushes to or pulls from localhost:5001, whose login failed: docker login to localhost:5001 as ci failed: 401 Unauthorized',
    );
    expect(loginFailureFor(service({ tags: ['127.0.0.1:5001/a:1'], push: true, dockerfileRefs: ['busybox'] }), failed)).toBeUndefined();
    expect(loginFailureFor(service({ dockerfileRefs: ['LOCALHOST:5001/base'], push: false }), failed)).toContain('localhost:5001');
  });
});

describe('conflictingLogins', () => {
  const login = (url: string, username: string, passwordEnv = 'P') => ({ url, username, passwordEnv });

  it('allows the same login repeated by several tasks, and logins to different registries', () => {
    expect(
      conflictingLogins([
        { id: 'a:docker-multiarch', registries: [login('ghcr.io', 'ci'), login('localhost:5001', 'x')] },
        { id: 'b:docker-multiarch', registries: [login('https://ghcr.io/', 'ci')] },
        { id: 'c:docker-multiarch', registries: [] },
      ]),
    ).toEqual(new Map());
  });

  it('names every task of a registry logged in to as two users, and leaves the others alone', () => {
    const problems = conflictingLogins([
      { id: 'a:docker-multiarch', registries: [login('docker.io', 'alice')] },
      { id: 'b:docker-multiarch', registries: [login('https://index.docker.io/v1/', 'bob')] },
      { id: 'b:docker-multiarch-debug', registries: [login('index.docker.io', 'bob')] },
      { id: 'c:docker-multiarch', registries: [login('ghcr.io', 'ci')] },
    ]);
    expect([...problems.keys()].sort()).toEqual(['a:docker-multiarch', 'b:docker-multiarch', 'b:docker-multiarch-debug']);
    expect(problems.get('a:docker-multiarch')).toBe(
      'the run has 2 different logins for docker.io: alice (password in P) by a:docker-multiarch; ' +
        'bob (password in P) by b:docker-multiarch, b:docker-multiarch-debug. ' +
        'One run logs in once per registry: give every task the same username and passwordEnv for it',
    );
  });

  it('counts one user with two password variables as two logins', () => {
    const problems = conflictingLogins([
      { id: 'a:t', registries: [login('ghcr.io', 'ci', 'TOKEN_A')] },
      { id: 'b:t', registries: [login('ghcr.io', 'ci', 'TOKEN_B')] },
    ]);
    expect([...problems.keys()]).toEqual(['a:t', 'b:t']);
  });
});
