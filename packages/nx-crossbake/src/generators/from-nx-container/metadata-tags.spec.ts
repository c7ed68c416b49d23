import { renderTemplate, sanitizeForTag } from '../../lib/options/templates';
import { convertMetadata } from './metadata-tags';

const reasons = (m: ReturnType<typeof convertMetadata>) => m!.unsupported.map((u) => `${u.option}: ${u.reason}`);

/** The converted tags as the multiarch executor renders them for one commit on one branch (normalize.ts: sanitised branch, 7-character short sha). */
const rendered = (tags: string[], git: { branch: string; sha: string }, date = '20200110') =>
  tags.map((t) =>
    renderTemplate(
      t,
      { projectName: 'p', branch: sanitizeForTag(git.branch), sha: git.sha, shortSha: git.sha.slice(0, 7), date },
      'tag',
      [],
    ),
  );

// Branch and commit of metadata-action's fixtures (__tests__/fixtures/event_push_*.env).
const DEV = { branch: 'dev', sha: '860c1904a1ce19322e91ac35af1ab07466440c37' };
const MASTER = { branch: 'master', sha: '266574110acf203503badf966df2ea24b5d732d7' };

describe('convertMetadata', () => {
  it.each([[undefined], [null], ['x'], [[]], [{}], [{ images: [] }], [{ tags: ['type=raw,value=1'] }]])(
    'is undefined without images, as nx-container then ignores metadata: %j',
    (metadata) => expect(convertMetadata(metadata)).toBeUndefined(),
  );

  // Cases of docker/metadata-action's __tests__/meta.test.ts on branch pushes: the tags it expects are the tags
  // the converted templates render to for the same branch and commit.
  it.each([
    [
      'push07',
      DEV,
      { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=ref,event=branch', 'type=sha'] },
      ['org/app:dev', 'org/app:sha-860c190', 'ghcr.io/user/app:dev', 'ghcr.io/user/app:sha-860c190'],
    ],
    [
      'push18',
      DEV,
      { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=ref,event=branch', 'type=sha,format=long'] },
      ['org/app:dev', `org/app:sha-${DEV.sha}`, 'ghcr.io/user/app:dev', `ghcr.io/user/app:sha-${DEV.sha}`],
    ],
    [
      'push20',
      DEV,
      { images: ['org/app', 'ghcr.io/user/app,enable=false'], tags: ['type=ref,event=branch,enable=false', 'type=sha,format=long'] },
      [`org/app:sha-${DEV.sha}`],
    ],
    ['push13', MASTER, { images: ['user/app'], tags: ['type=ref,priority=2000,event=branch'] }, ['user/app:master']],
    [
      'raw01',
      DEV,
      { images: ['user/app'], tags: ['type=ref,event=branch', 'type=raw,my', 'type=raw,custom', 'type=raw,tags'] },
      ['user/app:dev', 'user/app:my', 'user/app:custom', 'user/app:tags'],
    ],
    [
      'raw07',
      DEV,
      {
        images: ['user/app'],
        tags: ['type=ref,priority=90,event=branch', 'type=raw,my', 'type=raw,custom', 'type=raw,tags'],
        flavor: ['latest=true'],
      },
      ['user/app:my', 'user/app:custom', 'user/app:tags', 'user/app:dev', 'user/app:latest'],
    ],
    [
      'raw09 (type=match left out)',
      DEV,
      {
        images: ['user/app'],
        tags: ['type=raw,my,prefix=foo-,suffix=-bar', 'type=raw,custom', 'type=raw,tags'],
        flavor: ['latest=false', 'prefix=glo-', 'suffix=-bal'],
      },
      ['user/app:foo-my-bar', 'user/app:glo-custom-bal', 'user/app:glo-tags-bal'],
    ],
    [
      'raw10',
      DEV,
      { images: ['user/app'], tags: ['type=raw,foo', 'type=raw,bar,enable=false', 'type=raw,baz,enable=true'], flavor: ['latest=false'] },
      ['user/app:foo', 'user/app:baz'],
    ],
    [
      "push17 ({{branch}}, {{date 'YYYYMMDD'}})",
      MASTER,
      { images: ['user/app'], tags: ['type=raw,value=mytag-{{branch}}', "type=raw,value=mytag-{{date 'YYYYMMDD'}}"] },
      ['user/app:mytag-master', 'user/app:mytag-20200110'],
    ],
  ])("renders metadata-action's case %s to the tags it expects", (_name, git, metadata, expected) => {
    const m = convertMetadata(metadata);
    expect(m!.unsupported).toEqual([]);
    expect(rendered(m!.tags, git)).toEqual(expected);
  });

  it('writes type=sha and type=ref,event=branch as templates, with prefix, suffix and format', () => {
    const m = convertMetadata({
      images: ['ghcr.io/acme/api'],
      tags: [
        'type=sha',
        'type=sha,prefix=,format=long',
        'type=sha,prefix={{branch}}-,suffix=-x',
        'type=ref,event=branch,prefix=br-',
        'type=raw,value={{sha}}',
      ],
    });
    // Priorities: ref (600) before raw (200) before sha (100), each group in written order.
    expect(m!.tags).toEqual([
      'ghcr.io/acme/api:br-{branch}',
      'ghcr.io/acme/api:{shortSha}',
      'ghcr.io/acme/api:sha-{shortSha}',
      'ghcr.io/acme/api:{sha}',
      'ghcr.io/acme/api:{branch}-{shortSha}-x',
    ]);
    expect(m!.notes.join('\n')).toMatch(/\{branch\} is not quite metadata-action's branch: it is lower-cased/);
  });

  it('sanitises fixed text as metadata-action does, and lower-cases image names', () => {
    const m = convertMetadata({ images: ['ghcr.io/Acme/API'], tags: ['type=raw,value=my/feature#1245', 'type=sha,prefix=v+'] });
    expect(m!.tags).toEqual(['ghcr.io/acme/api:my-feature-1245', 'ghcr.io/acme/api:v-{shortSha}']);
    expect(m!.notes.join('\n')).toMatch(/'ghcr\.io\/Acme\/API' lower-cased/);
  });

  it('reads the old images format: one entry of names separated by commas', () => {
    expect(convertMetadata({ images: ['org/app,ghcr.io/user/app'], tags: ['1'] })!.tags).toEqual(['org/app:1', 'ghcr.io/user/app:1']);
  });

  it.each([
    ['type=semver,pattern={{version}}', /type=semver tags only git tag builds/],
    ['type=pep440,pattern={{version}}', /type=pep440 tags only git tag builds/],
    ['type=ref,event=tag', /type=ref,event=tag tags only git tag builds/],
    ['type=ref,event=pr', /type=ref,event=pr tags only pull-request builds/],
    ['type=schedule', /type=schedule tags only scheduled builds/],
    ['type=schedule,pattern=nightly', /type=schedule tags only scheduled builds/],
    ['type=edge', /type=edge tags only builds of the default branch/],
    ['type=edge,branch=main', /type=edge tags only builds of the default branch/],
    ['type=match,pattern=v(.*),group=1', /type=match tags only builds whose git tag/],
    ['type=raw,value=main,enable={{is_default_branch}}', /enable=\{\{is_default_branch\}\} is decided per build/],
    ['type=raw,value={{tag}}', /\{\{tag\}\} has no nx-crossbake template/],
    [
      "type=raw,value={{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}",
      /\{\{date 'YYYYMMDD-HHmmss' tz='Asia\/Tokyo'\}\} has no nx-crossbake template/,
    ],
    ["type=raw,value={{commit_date 'YYYYMMDD'}}", /has no nx-crossbake template/],
    ['type=sha,format=medium', /not a rule metadata-action accepts \(type=sha, format=medium\)/],
  ])('never converts %s, and says why', (entry, why) => {
    const m = convertMetadata({ images: ['ghcr.io/acme/api'], tags: [entry, 'type=raw,value=fixed'] });
    expect(m!.tags).toEqual(['ghcr.io/acme/api:fixed']);
    expect(reasons(m).filter((r) => r.startsWith('metadata.tags'))).toEqual([expect.stringMatching(why)]);
  });

  it("converts only the branch rule of metadata-action's default tags", () => {
    const m = convertMetadata({ images: ['ghcr.io/acme/api'] });
    expect(m!.tags).toEqual(['ghcr.io/acme/api:{branch}']);
    expect(reasons(m)).toEqual([
      expect.stringMatching(/^metadata\.tags: 'type=schedule': type=schedule tags only/),
      expect.stringMatching(/^metadata\.tags: 'type=ref,event=tag': /),
      expect.stringMatching(/^metadata\.tags: 'type=ref,event=pr': /),
      expect.stringMatching(
        /^metadata\.flavor: latest=auto \(the default\) also tagged 'latest' on the builds 'type=ref,event=tag' applied to/,
      ),
    ]);
    expect(m!.notes.join('\n')).toMatch(/metadata\.tags not set/);
  });

  it('reports latest=auto beside a semver rule, and adds nothing for it', () => {
    const m = convertMetadata({ images: ['a/b'], tags: ['type=semver,pattern={{version}}', 'type=sha'] });
    expect(m!.tags).toEqual(['a/b:sha-{shortSha}']);
    expect(reasons(m).join('\n')).toMatch(
      /latest=auto \(the default\) also tagged 'latest' on the builds 'type=semver,pattern=\{\{version\}\}'/,
    );
  });

  it('skips what is switched off and reports enable expressions on images', () => {
    const m = convertMetadata({
      images: [
        'ghcr.io/acme/api',
        'name=docker.io/acme/api,enable=false',
        "name=quay.io/acme/api,enable=${{ github.event_name == 'push' }}",
      ],
      tags: ['type=raw,value=old,enable=false', 'type=raw,value=1'],
    });
    expect(m!.tags).toEqual(['ghcr.io/acme/api:1']);
    expect(reasons(m).join('\n')).toMatch(/metadata\.images: 'name=quay\.io/);
  });

  it('adds latest for flavor latest=true, with the flavor prefix only where onlatest=true', () => {
    expect(convertMetadata({ images: ['a/b'], tags: ['1.0'], flavor: ['latest=true', 'prefix=v,onlatest=true'] })!.tags).toEqual([
      'a/b:v1.0',
      'a/b:vlatest',
    ]);
    expect(convertMetadata({ images: ['a/b'], tags: ['1.0'], flavor: ['latest=true', 'suffix=-alpine'] })!.tags).toEqual([
      'a/b:1.0-alpine',
      'a/b:latest',
    ]);
  });

  it('reports a flavor entry metadata-action would refuse', () => {
    expect(reasons(convertMetadata({ images: ['a/b'], tags: ['1'], flavor: ['colour=blue'] }))).toEqual([
      "metadata.flavor: 'colour=blue' is not a flavor metadata-action accepts",
    ]);
  });

  it('converts labels and notes output-only settings', () => {
    const m = convertMetadata({ images: ['ghcr.io/acme/api'], tags: ['1'], labels: ['team=core'], 'sep-tags': ',', 'bake-target': 'meta' });
    expect(m!.labels).toEqual(['team=core']);
    expect(m!.notes.join('\n')).toMatch(/sep-tags, bake-target dropped/);
  });

  it('reports a tag docker would reject instead of writing it', () => {
    const m = convertMetadata({ images: ['ghcr.io/acme/api'], tags: [`type=raw,value=${'x'.repeat(129)}`] });
    expect(m!.tags).toEqual([]);
    expect(reasons(m).join('\n')).toMatch(/^metadata: 'ghcr\.io\/acme\/api:x{129}': tag .* is not a valid image reference/);
  });

  it('reports metadata keys it does not know', () => {
    expect(reasons(convertMetadata({ images: ['a/b'], tags: ['1'], 'github-token': 'x' })).join('\n')).toMatch(/metadata\.github-token/);
  });
});
