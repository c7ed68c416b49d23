import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BakeDefinition, BakeTarget } from '../docker/bake-file';
import { getBakeEntitlements } from './entitlements';

// The reference tables are buildx v0.29.1's bake/entitlements_test.go (TestValidateEntitlements,
// TestEvaluateToExistingPath, TestDedupePaths), go-csvvalue's csvvalue_test.go, and what buildx 0.29.1
// answered on the rig for the same definitions; the rows marked v0.36.1 come from buildx v0.36.1's
// bake/entitlements_test.go (NonExistingAllowedPathMatches, TestParseEntitlementsLocalOutputDelete) and
// its util/buildflags, bake/bake.go and util/urlutil rules.

/*
 * <root>/ws               the working directory: Dockerfile, secret.txt, sock/
 * <root>/ws/escape        -> ../outside          (relative link out of the workspace)
 * <root>/ws/escape_link   -> ../../aa            (buildx's own escape link: its target does not exist)
 * <root>/ws-link          -> ws                  (the working directory reached through a link)
 * <root>/ws2/file         a sibling whose name starts with the working directory's
 * <root>/outside/key, <root>/outside/with,comma, <root>/outside/${x}, <root>/outside/sub/
 * <root>/outside-link     -> outside             (absolute link)
 * <root>/key-link         -> outside/key
 * <root>/cache/, <root>/other/
 */
const root = realpathSync(mkdtempSync(join(tmpdir(), 'crossbake-ent-')));
const ws = join(root, 'ws');
const out = join(root, 'outside');
const at = (...parts: string[]) => join(root, ...parts);

beforeAll(() => {
  for (const dir of ['ws/sock', 'ws2', 'outside/sub', 'cache', 'other']) mkdirSync(at(dir), { recursive: true });
  for (const file of ['ws/Dockerfile', 'ws/secret.txt', 'ws2/file', 'outside/key', 'outside/with,comma', 'outside/${x}'])
    writeFileSync(at(file), 'x');
  symlinkSync('../outside', at('ws/escape'));
  symlinkSync('../../aa', at('ws/escape_link'));
  symlinkSync('ws', at('ws-link'));
  symlinkSync(out, at('outside-link'));
  symlinkSync(at('outside/key'), at('key-link'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const target = (extra: Partial<BakeTarget> = {}): BakeTarget => ({
  context: '.',
  dockerfile: 'Dockerfile',
  platforms: ['linux/amd64'],
  output: ['type=image,push=true'],
  ...extra,
});
const bake = (...targets: Partial<BakeTarget>[]): BakeDefinition => ({
  group: { default: { targets: targets.map((_, i) => `t${i}`) } },
  target: Object.fromEntries(targets.map((t, i) => [`t${i}`, target(t)])),
});

describe('getBakeEntitlements', () => {
  it.each<[string, BakeDefinition, string[]]>([
    [
      'asks nothing for a build inside the working directory',
      bake({ secret: ['id=a,src=secret.txt'], ssh: ['key=sock'], 'cache-to': ['type=local,dest=.cache'] }),
      [],
    ],
    // ssh: an agent without paths forwards SSH_AUTH_SOCK (buildx "SSHMissing": id "test")
    ['ssh for the default agent', bake({ ssh: ['default'] }), ['ssh']],
    ['ssh for an agent id without paths', bake({ ssh: ['test'] }), ['ssh']],
    ['fs.read, not ssh, for a key path outside', bake({ ssh: [`id=${out}/key`] }), [`fs.read=${out}/key`]],
    [
      'fs.read for every path of an agent',
      bake({ ssh: [`id=${out}/key,${at('other')}`] }),
      [`fs.read=${at('other')}`, `fs.read=${out}/key`],
    ],
    ['ssh for a git-over-ssh context without ssh', bake({ context: 'git@github.com:acme/app.git' }), ['ssh']],
    ['ssh for an ssh:// context', bake({ context: 'ssh://git@github.com/acme/app.git' }), ['ssh']],
    ['nothing for an https git context', bake({ context: 'https://github.com/acme/app.git' }), []],
    ['v0.36.1: nothing for a git:// context', bake({ context: 'git://github.com/a/b.git' }), []],
    ['v0.36.1: nothing for a github.com/ shorthand context', bake({ context: 'github.com/a/b' }), []],
    ['v0.36.1: nothing for an http(s) archive context', bake({ context: 'https://example.com/ctx.tar.gz' }), []],
    // secrets
    ['fs.read for an absolute secret src outside', bake({ secret: [`id=a,src=${out}/key`] }), [`fs.read=${out}/key`]],
    ['fs.read for a relative secret src outside', bake({ secret: ['id=a,source=../outside/key'] }), [`fs.read=${out}/key`]],
    ['nothing for an env secret', bake({ secret: ['id=a,env=TOKEN', 'id=b,type=env,src=TOKEN'] }), []],
    ['only the last secret of an id', bake({ secret: [`id=a,src=${out}/key`, 'id=a,src=secret.txt'] }), []],
    ['the file a secret link points to', bake({ secret: [`id=a,src=${root}/key-link`] }), [`fs.read=${out}/key`]],
    ['the target of a link escaping the workspace', bake({ secret: ['id=a,src=escape/key'] }), [`fs.read=${out}/key`]],
    // buildx "SecretFromEscapeLink": the link's target does not exist, so its deepest existing ancestor
    ['the existing ancestor of a missing link target', bake({ secret: ['id=a,src=escape_link'] }), [`fs.read=${dirname(root)}`]],
    ['a quoted src with a comma', bake({ secret: [`id=a,"src=${out}/with,comma"`] }), [`fs.read=${out}/with,comma`]],
    ['one quoted field is one key (id), so no src', bake({ secret: [`"id=a,src=${out}/key"`] }), []],
    ['the src bake reads from an escaped ${', bake({ secret: [`id=a,src=${out}/$\${x}`] }), [`fs.read=${out}/\${x}`]],
    ['nothing for a secret buildx refuses to parse', bake({ secret: [`id=a,src="${out}/key"`] }), []],
    // contexts
    ['fs.read for a context outside, its Dockerfile within it', bake({ context: out, dockerfile: 'Dockerfile' }), [`fs.read=${out}`]],
    ['fs.read for a Dockerfile outside the context', bake({ dockerfile: `${out}/sub/Dockerfile` }), [`fs.read=${out}/sub`]],
    ['fs.read for a local named context', bake({ contexts: { base: `${root}/outside-link/sub` } }), [`fs.read=${out}/sub`]],
    [
      'nothing for target:, docker-image:// and git contexts',
      bake({ contexts: { a: 'target:base', b: 'docker-image://alpine:3', c: 'https://github.com/a/b.git' } }),
      [],
    ],
    [
      'nothing for oci-layout:// (bake reads it as a path under the working directory)',
      bake({ contexts: { a: `oci-layout://${out}` } }),
      [],
    ],
    // caches
    ['fs.read for a local cache src', bake({ 'cache-from': [`type=local,src=${root}/cache`] }), [`fs.read=${root}/cache`]],
    ['fs.write for a local cache dest', bake({ 'cache-to': [`type=local,dest=${root}/other,mode=max`] }), [`fs.write=${root}/other`]],
    [
      'fs for a cache read and written',
      bake({ 'cache-from': [`type=local,src=${root}/cache`], 'cache-to': [`type=local,dest=${root}/cache`] }),
      [`fs=${root}/cache`],
    ],
    [
      'nothing for registry caches',
      bake({ 'cache-from': ['acme/app:cache', 'type=registry,ref=acme/app:cache'], 'cache-to': ['type=inline'] }),
      [],
    ],
    // outputs (buildx "ExportLocal", "NonExistingBuildPath")
    [
      'fs.write for local outputs, a nested one collapsed',
      bake({ output: [`type=local,dest=${out}`, `type=local,dest=${out}/sub`, `type=local,dest=${root}/other`] }),
      [`fs.write=${root}/other`, `fs.write=${out}`],
    ],
    ['fs.write for the existing ancestor of a missing dest', bake({ output: [`type=local,dest=${out}/not/exists`] }), [`fs.write=${out}`]],
    ['fs.write for a bare path output', bake({ output: [`${root}/other/dist`] }), [`fs.write=${root}/other`]],
    // 0.29.1 creates the tar file first and asks for it; ≥0.30 asks for its folder while it is not there:
    // the folder covers both (checked on the rig: 0.29.1 accepts --allow=fs.write=<folder>).
    [
      'fs.write for the folder of a tar file not there yet',
      bake({ output: [`type=tar,dest=${out}/image.tar`, `type=oci,dest=${root}/other/oci.tar`] }),
      [`fs.write=${root}/other`, `fs.write=${out}`],
    ],
    ['fs.write for a tar file already there', bake({ output: [`type=tar,dest=${out}/key`] }), [`fs.write=${out}/key`]],
    ['v0.36.1: oci (tar by default) dest not yet there', bake({ output: [`type=oci,dest=${out}/oci.tar`] }), [`fs.write=${out}`]],
    ['v0.36.1: docker dest (tar by default) not yet there', bake({ output: [`type=docker,dest=${out}/d.tar`] }), [`fs.write=${out}`]],
    ['v0.36.1: local output mode=copy', bake({ output: ['type=local,dest=dist,mode=copy'] }), []],
    ['v0.36.1: output keys are trimmed', bake({ output: [`type=local, dest=${out}`] }), [`fs.write=${out}`]],
    ['v0.36.1: cache keys are lower-cased', bake({ 'cache-to': [`type=local,DEST=${out}`] }), [`fs.write=${out}`]],
    ['fs.write for an OCI layout folder (tar=false)', bake({ output: [`type=oci,tar=false,dest=${out}/layout`] }), [`fs.write=${out}`]],
    [
      'nothing for image, registry, docker without dest and stdout',
      bake({ output: ['type=image,push=true', 'type=registry', 'type=docker', '-', 'type=tar,dest=-'] }),
      [],
    ],
    // grants as buildx checks them
    [
      'nothing for a sibling whose name extends the working directory (buildx compares prefixes)',
      bake({ secret: [`id=a,src=${root}/ws2/file`] }),
      [],
    ],
    [
      'one grant per path across targets, the union of all targets',
      bake({ secret: [`id=a,src=${out}/key`] }, { output: [`type=local,dest=${out}`] }, { secret: [`id=a,src=${out}/key`] }),
      [`fs.read=${out}/key`, `fs.write=${out}`],
    ],
    [
      'a parent requested by one target covers a child of another',
      bake({ contexts: { a: `${out}/sub` } }, { contexts: { a: out } }),
      [`fs.read=${out}`],
    ],
    // entitlements a target lists are passed on, in buildx's order, and never added otherwise
    [
      'what a target lists, in buildx order',
      bake({ entitlements: ['security.insecure', 'network.host'], ssh: ['default'], secret: [`id=a,src=${out}/key`] }),
      ['network.host', 'security.insecure', 'ssh', `fs.read=${out}/key`],
    ],
    [
      'devices by name (the first CSV field)',
      bake({ entitlements: ['device=vendor.com/gpu=all,alias=gpu', 'device=acme/fpga'] }),
      ['device=acme/fpga', 'device=vendor.com/gpu=all'],
    ],
    ['every device once one target asks for all', bake({ entitlements: ['device=acme/fpga'] }, { entitlements: ['device'] }), ['device']],
    ['nothing for what bake does not check', bake({ entitlements: ['fs.read=/etc', 'image.push'] }), []],
  ])('%s', (_name, definition, expected) => {
    expect(getBakeEntitlements(definition, ws)).toEqual(expected);
  });

  // Where buildx versions disagree we grant what every version accepts (see entitlements.ts); these rows
  // assert OUR answer, which departs from buildx v0.36.1's.
  it.each<[string, BakeDefinition, string[], string]>([
    [
      'local output mode=delete',
      bake({ output: ['type=local,dest=dist,mode=delete'] }),
      [],
      'v0.36.1 asks buildx.local.delete; 0.29.1 refuses that key',
    ],
    ['local mode trimmed and lower-cased', bake({ output: ['type=local,dest=dist,mode= Delete '] }), [], 'as above'],
    [
      'ssh "id=" with one empty path',
      bake({ ssh: ['default='] }),
      ['ssh'],
      '0.29.1 reads no paths and asks ssh; v0.36.1 asks nothing; ssh is accepted by both',
    ],
    [
      'an invalid local mode',
      bake({ output: [`type=local,dest=${out},mode=backup`] }),
      [`fs.write=${out}`],
      'v0.36.1 fails the bake itself (invalid local exporter mode)',
    ],
  ])('departure: %s', (_name, definition, expected) => {
    expect(getBakeEntitlements(definition, ws)).toEqual(expected);
  });

  it('resolves the working directory through its links', () => {
    expect(getBakeEntitlements(bake({ secret: [`id=a,src=${ws}/secret.txt`] }), at('ws-link'))).toEqual([]);
    expect(getBakeEntitlements(bake({ secret: ['id=a,src=../outside/key'] }), at('ws-link'))).toEqual([`fs.read=${out}/key`]);
  });

  it('never grants network.host or security.insecure that no target lists', () => {
    const everything = bake({
      context: out,
      ssh: ['default'],
      secret: [`id=a,src=${out}/key`],
      output: [`type=local,dest=${root}/other`],
      'cache-to': [`type=local,dest=${root}/cache`],
    });
    expect(getBakeEntitlements(everything, ws).filter((e) => !/^(ssh|fs(\.read|\.write)?=)/.test(e))).toEqual([]);
  });
});
