import { convertMetadata } from './metadata-tags';

const reasons = (m: ReturnType<typeof convertMetadata>) => m!.unsupported.map((u) => `${u.option}: ${u.reason}`);

describe('convertMetadata', () => {
  it.each([[undefined], [null], ['x'], [[]], [{}], [{ images: [] }], [{ tags: ['type=raw,value=1'] }]])(
    'is undefined without images, as nx-container then ignores metadata: %j',
    (metadata) => expect(convertMetadata(metadata)).toBeUndefined(),
  );

  it('combines every image with every fixed raw tag, in order', () => {
    const m = convertMetadata({ images: ['ghcr.io/acme/api', 'acme/api'], tags: ['type=raw,value=latest', 'v1', 'type=raw,value=1.0,prefix=r-,suffix=-x'] });
    expect(m!.tags).toEqual([
      'ghcr.io/acme/api:latest',
      'ghcr.io/acme/api:v1',
      'ghcr.io/acme/api:r-1.0-x',
      'acme/api:latest',
      'acme/api:v1',
      'acme/api:r-1.0-x',
    ]);
  });

  it('reports every tag computed from the CI context, and still converts the fixed ones', () => {
    const m = convertMetadata({
      images: ['ghcr.io/acme/api'],
      tags: ['type=semver,pattern={{version}}', 'type=sha', 'type=ref,event=branch', 'type=raw,value={{date \'YYYYMMDD\'}}', 'type=raw,value=edge'],
    });
    expect(m!.tags).toEqual(['ghcr.io/acme/api:edge']);
    const lines = reasons(m);
    expect(lines.filter((l) => l.startsWith('metadata.tags'))).toHaveLength(4);
    expect(lines.join('\n')).toMatch(/type=semver.*build time/);
  });

  it("reports metadata-action's default tags when none are given", () => {
    const m = convertMetadata({ images: ['ghcr.io/acme/api'] });
    expect(m!.tags).toEqual([]);
    expect(reasons(m).join('\n')).toMatch(/metadata\.tags: not set.*type=ref,event=branch/);
  });

  it('skips what is switched off and reports enable expressions', () => {
    const m = convertMetadata({
      images: ['ghcr.io/acme/api', 'name=docker.io/acme/api,enable=false', 'name=quay.io/acme/api,enable=${{ github.event_name == \'push\' }}'],
      tags: ['type=raw,value=old,enable=false', 'type=raw,value=main,enable={{is_default_branch}}', 'type=raw,value=1'],
    });
    expect(m!.tags).toEqual(['ghcr.io/acme/api:1']);
    expect(reasons(m).join('\n')).toMatch(/metadata\.images: 'name=quay\.io/);
    expect(reasons(m).join('\n')).toMatch(/metadata\.tags: 'type=raw,value=main/);
  });

  it('adds latest for flavor latest=true, and reports prefixes and suffixes', () => {
    const m = convertMetadata({ images: ['ghcr.io/acme/api'], tags: ['1.0'], flavor: ['latest=true', 'prefix=v,onlatest=true'] });
    expect(m!.tags).toEqual(['ghcr.io/acme/api:1.0', 'ghcr.io/acme/api:latest']);
    expect(reasons(m).filter((r) => r.startsWith('metadata.flavor'))).toEqual([
      "metadata.flavor: 'prefix=v' is not converted: write the tags it would give in 'tags'",
      "metadata.flavor: 'onlatest=true' is not converted: write the tags it would give in 'tags'",
    ]);
  });

  it('converts labels and notes output-only settings', () => {
    const m = convertMetadata({ images: ['ghcr.io/acme/api'], tags: ['1'], labels: ['team=core'], 'sep-tags': ',', 'bake-target': 'meta' });
    expect(m!.labels).toEqual(['team=core']);
    expect(m!.notes.join('\n')).toMatch(/sep-tags, bake-target dropped/);
  });

  it('reports a tag docker would reject instead of writing it', () => {
    const m = convertMetadata({ images: ['ghcr.io/Acme/api'], tags: ['1'] });
    expect(m!.tags).toEqual([]);
    expect(reasons(m).join('\n')).toMatch(/lowercase/);
  });

  it('reports metadata keys it does not know', () => {
    expect(reasons(convertMetadata({ images: ['a/b'], tags: ['1'], 'github-token': 'x' })).join('\n')).toMatch(/metadata\.github-token/);
  });
});
