import { convertOptions, MULTIARCH_OPTIONS } from './convert-options';

const { 'oci-labels': _ociLabels, ...withoutOciLabels } = MULTIARCH_OPTIONS;
const withOciLabels = { ...MULTIARCH_OPTIONS, 'oci-labels': { type: 'boolean' } };

describe('convertOptions', () => {
  it('copies the options both executors share, unchanged', () => {
    const raw = {
      file: 'apps/api/Dockerfile',
      context: 'apps/api',
      platforms: ['linux/amd64', 'linux/arm64'],
      tags: ['ghcr.io/acme/api:1'],
      push: true,
      load: false,
      'build-args': ['NODE_ENV=production', 'VERSION=${APP_VERSION}'],
      target: 'runtime',
      labels: ['team=core'],
      pull: true,
      'no-cache': false,
      outputs: ['type=local,dest=dist/img'],
      'cache-from': ['type=gha'],
      'cache-to': ['type=gha,mode=max'],
    };
    expect(convertOptions(raw)).toEqual({ options: raw, unsupported: [], notes: [] });
  });

  it('reports every unsupported option by name, and never writes it', () => {
    const { options: converted, unsupported } = convertOptions({
      push: true,
      tags: ['a/b:1'],
      network: 'host',
      ulimit: ['nofile=1024:1024'],
      quiet: true,
      'x-custom': 1,
    });
    expect(converted).toEqual({ push: true, tags: ['a/b:1'] });
    expect(unsupported.map((u) => u.option)).toEqual(['network', 'ulimit', 'quiet', 'x-custom']);
  });

  it('writes an option only when the multiarch executor has it, and reports it otherwise', () => {
    const withSsh = { ssh: { type: 'array', items: { type: 'string' } } };
    expect(convertOptions({ ssh: ['default'] }, { multiarchOptions: withSsh }).options).toEqual({ ssh: ['default'] });
    expect(convertOptions({ ssh: ['default'] }, { multiarchOptions: {} })).toEqual({
      options: {},
      unsupported: [{ option: 'ssh', reason: "nx-crossbake:multiarch has no 'ssh' option yet" }],
      notes: [],
    });
  });

  // A sample value of the type nx-container's schema gives each option.
  const samples: Record<string, unknown> = {
    engine: 'podman',
    quiet: true,
    'add-hosts': ['docker:10.180.0.1'],
    allow: ['network.host'],
    'build-args': ['A=1'],
    'build-contexts': ['alpine=docker-image://alpine:3'],
    builder: 'ci',
    'cache-from': 'a/b:cache',
    'cache-to': ['type=inline'],
    'cgroup-parent': 'x',
    context: '.',
    file: 'Dockerfile',
    labels: ['a=1'],
    load: true,
    network: 'host',
    'no-cache': true,
    outputs: ['type=local,dest=out'],
    platforms: ['linux/amd64'],
    provenance: 'mode=max',
    pull: true,
    push: true,
    registries: ['ghcr.io'],
    secrets: ['T=$T'],
    'secret-files': ['k=key.pem'],
    'shm-size': '2g',
    ssh: ['default'],
    tags: ['a/b:1'],
    target: 'prod',
    ulimit: ['nofile=1024:1024'],
    'github-token': 'x',
    sbom: true,
    'no-cache-filters': ['a'],
  };
  it.each(Object.keys(samples))('never drops %s silently: it is written, reported or noted', (name) => {
    const result = convertOptions({ [name]: samples[name] });
    const accounted =
      Object.keys(result.options).length > 0 || result.unsupported.some((u) => u.option === name) || result.notes.length > 0;
    expect(accounted).toBe(true);
  });

  it('reports a value of the wrong type instead of writing it', () => {
    const result = convertOptions({ platforms: 'linux/amd64,linux/arm64', push: 'yes' });
    expect(result.options).toEqual({});
    expect(result.unsupported.map((u) => u.option)).toEqual(['platforms', 'push']);
  });

  it('notes values that relied on nx-container expanding environment variables (not build-args)', () => {
    const { notes } = convertOptions({ tags: ['ghcr.io/acme/api:${GIT_SHA}'], 'build-args': ['V=$VERSION'] });
    expect(notes).toEqual([expect.stringMatching(/^tags mentions an environment variable/)]);
  });

  const withMetadata = {
    tags: ['ignored/by:nx-container'],
    labels: ['ignored=too'],
    metadata: { images: ['ghcr.io/acme/api'], tags: ['type=raw,value=edge', 'type=sha', 'type=ref,event=pr'], labels: ['team=core'] },
  };

  it('replaces tags and labels with those of metadata when it has images, as nx-container did', () => {
    const result = convertOptions(withMetadata, { multiarchOptions: withOciLabels });
    expect(result.options).toEqual({ tags: ['ghcr.io/acme/api:edge', 'ghcr.io/acme/api:sha-{shortSha}'], labels: ['team=core'] });
    expect(result.notes.join('\n')).toMatch(/tags not carried over.*\n.*labels not carried over/);
    expect(result.unsupported.map((u) => u.option)).toEqual(['metadata.tags']);
    expect(result.notes.join('\n')).toMatch(/labels now come from the oci-labels option/);
  });

  it("reports metadata-action's computed OCI labels when the executor makes none", () => {
    const result = convertOptions(withMetadata, { multiarchOptions: withoutOciLabels });
    expect(result.unsupported.map((u) => u.option)).toEqual(['metadata.tags', 'metadata']);
    expect(result.unsupported[1].reason).toMatch(/org\.opencontainers\.image\.\*/);
  });

  it('drops metadata without images (nx-container ignored it) and keeps tags', () => {
    const result = convertOptions({ tags: ['a/b:1'], metadata: { tags: ['type=sha'] } });
    expect(result.options).toEqual({ tags: ['a/b:1'] });
    expect(result.notes).toEqual(['metadata dropped: it has no images, so nx-container did not use it']);
  });

  it("ignores a configuration's tags when the target's options set metadata.images", () => {
    const result = convertOptions({ tags: ['a/b:prod'], push: true }, { metadataInherited: true });
    expect(result.options).toEqual({ push: true });
    expect(result.notes).toEqual([expect.stringMatching(/tags not carried over/)]);
  });

  it('skips null and undefined values', () => {
    expect(convertOptions({ file: undefined, target: null })).toEqual({ options: {}, unsupported: [], notes: [] });
  });
});
