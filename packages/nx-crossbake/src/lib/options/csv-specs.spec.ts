import { checkBuildContext, checkCacheSpec, checkOutputSpec, checkSshSpec, localContextPath } from './csv-specs';
describe('checkOutputSpec', () => {
  it.each([
    'type=local,dest=dist/api',
    'type=tar,dest=dist/api.tar',
    'type=oci,dest=dist/api.oci.tar',
    'type=oci,tar=false,dest=dist/api-oci',
    'type=docker',
    'type=docker,dest=dist/api.docker.tar',
    'type=image,name=r/api:1,push=true',
    'type=registry',
    'type=cacheonly',
    'TYPE=local,DEST=dist/api',
    'type=image,"annotation.org.opencontainers.image.description=a, b"',
    'dist/api', // buildx: a lone value is type=local,dest=<value>
  ])('accepts %s', (spec) => expect(checkOutputSpec(spec)).toBeUndefined());

  it.each([
    ['-', "writes to stdout, which Nx captures into the task's log"],
    ['type=tar,dest=-', 'writes to stdout'],
    ['dest=dist/api', "has no 'type=': buildx would export into a folder named 'dest=dist/api'"],
    ['type=local', 'needs dest=<folder> for type=local'],
    ['type=tar', 'needs dest=<file> for type=tar'],
    ['type=oci', 'needs dest=<file> for type=oci'],
    ['type=s3,dest=x', "has an unknown type 's3' (known: image, registry, local, tar, oci, docker, cacheonly)"],
    ['name=r/api,push=true', 'names no type'],
    ['type=local,dest', "the field 'dest' is not key=value"],
    ['type=local,dest="a b"', 'is not CSV as buildx reads it'],
  ])('refuses %s', (spec, message) => {
    expect(checkOutputSpec(spec)?.startsWith(`output '${spec}' `)).toBe(true);
    expect(checkOutputSpec(spec)).toContain(message);
  });
});

describe('checkCacheSpec', () => {
  // docker/buildx util/buildflags cache_test.go: the ref-only form and the typed form.
  it.each<['cache-from' | 'cache-to', string]>([
    ['cache-from', 'user/app:cache'],
    ['cache-from', 'ref1,ref2'],
    ['cache-from', 'type=registry,ref=user/app:cache'],
    ['cache-from', 'type=local,src=path/to/cache'],
    ['cache-from', 'type=gha,scope=api'],
    ['cache-from', 'type=s3,region=eu-west-1,bucket=b'],
    ['cache-from', 'type=azblob,account_url=https://a.blob.core.windows.net,name=api'],
    ['cache-to', 'type=registry,ref=r/api:buildcache,mode=max,oci-mediatypes=true,image-manifest=true'],
    ['cache-to', 'type=local,dest=tmp/cache,mode=min'],
    ['cache-to', 'type=inline'],
    ['cache-to', 'type=gha,mode=max'],
    ['cache-to', 'user/app:cache'],
  ])('%s accepts %s', (option, spec) => expect(checkCacheSpec(option, spec)).toBeUndefined());

  it.each<['cache-from' | 'cache-to', string, string]>([
    ['cache-from', 'test=test', 'names no type'],
    ['cache-from', 'type=registry', 'needs ref=<image reference> for type=registry'],
    ['cache-from', 'type=local,dest=tmp/cache', 'needs src=<folder> for type=local'],
    ['cache-to', 'type=local,src=tmp/cache', 'needs dest=<folder> for type=local'],
    ['cache-from', 'type=inline', 'an inline cache is read from the image itself'],
    ['cache-from', 'type=redis,ref=x', "has an unknown type 'redis' (known: registry, local, gha, s3, azblob)"],
    ['cache-to', 'type=registry,ref=r/api:c,mode=all', "has mode 'all': expected min or max"],
    ['cache-from', 'type=registry,ref', "the field 'ref' is not key=value"],
    ['cache-from', 'ref1,,ref2', 'one is not valid: it is empty'],
    ['cache-from', 'User/App:cache', 'repository names must be lowercase'],
    ['cache-from', 'type=registry,ref="r/api:c', 'is not CSV as buildx reads it: a quote'],
  ])('%s refuses %s', (option, spec, message) => {
    expect(checkCacheSpec(option, spec)).toContain(`${option} '${spec}' `);
    expect(checkCacheSpec(option, spec)).toContain(message);
  });
});

describe('checkSshSpec', () => {
  // buildx util/buildflags ssh.go: `id[=path[,path…]]`; BuildKit reads an empty path as the agent.
  it.each(['default', 'github', 'default=', 'github=/home/ci/.ssh/id_ed25519', 'multi=/k/one,/k/two', 'agent=/run/ssh-agent.sock'])(
    'accepts %s',
    (spec) => {
      expect(checkSshSpec(spec)).toBeUndefined();
    },
  );

  it.each([
    ['', 'is not of the form default'],
    ['=/k', 'is not of the form default'],
    ['a b', 'is not of the form default'],
    ['default,github', 'is not of the form default'],
    ['multi=/k/one,,/k/two', 'has an empty path in its list'],
  ])('refuses %j', (spec, message) => expect(checkSshSpec(spec)).toContain(message));
});

describe('checkBuildContext', () => {
  const digest = `sha256:${'0'.repeat(64)}`;
  it.each([
    ['base', 'apps/base'],
    ['base', '/abs/base'],
    ['alpine', 'docker-image://alpine:3.20'],
    ['alpine:3.20', `docker-image://alpine@${digest}`],
    ['docker.io/library/alpine', 'docker-image://127.0.0.1:5000/mirror/alpine:3.20'],
    ['base', 'target:base'],
    ['base', 'oci-layout://dist/base-oci'],
    ['base', `oci-layout://dist/base-oci:v1@${digest}`],
    ['src', 'https://github.com/acme/repo.git#main'],
    ['src', 'git@github.com:acme/repo.git'],
    ['src', 'cwd://apps/base'],
  ])('accepts %s=%s', (name, value) => expect(checkBuildContext(name, value)).toBeUndefined());

  it.each([
    ['Base', 'apps/base', "has a name that a FROM cannot write (repository names must be lowercase ('Base'))"],
    ['my context', 'apps/base', 'it contains white space'],
    ['base', '', 'has no value'],
    ['base', 'docker-image://', 'does not name an image: it is empty'],
    ['base', 'docker-image://Alpine', 'does not name an image: repository names must be lowercase'],
    ['base', 'docker-image:alpine', "is read as a folder: did you mean 'docker-image://alpine'?"],
    ['base', 'target:', 'names no bake target after target:'],
    ['base', 'oci-layout://', 'names no folder after oci-layout://'],
    ['base', 's3://bucket/base', "has the scheme 's3://', which buildx does not read"],
  ])('refuses %s=%s', (name, value, message) => {
    expect(checkBuildContext(name, value)).toContain(`build-contexts entry '${name}=${value}' `);
    expect(checkBuildContext(name, value)).toContain(message);
  });
});

describe('localContextPath', () => {
  const digest = `sha256:${'0'.repeat(64)}`;
  it.each([
    ['apps/base', 'apps/base'],
    ['/abs/base', '/abs/base'],
    ['cwd://apps/base', 'apps/base'],
    ['oci-layout://dist/base-oci', 'dist/base-oci'],
    [`oci-layout://dist/base-oci:v1@${digest}`, 'dist/base-oci'],
    ['oci-layout://C:/layouts/base', 'C:/layouts/base'],
    ['docker-image://alpine', undefined],
    ['target:base', undefined],
    ['https://github.com/acme/repo.git', undefined],
    ['git@github.com:acme/repo.git', undefined],
  ])('%s reads %j from the machine', (value, path) => expect(localContextPath(value)).toBe(path));
});
