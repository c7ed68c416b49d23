import { buildSteps } from './support/build-steps';
import { BASE_IMAGE, imageRef, run, Workspace } from './support/workspace';

/**
 * Same commit, same image: on the default docker-container builder, two runs of one commit, each rebuilding
 * every step from nothing (no registry cache, the builder's own cache pruned), push identical images; a
 * committed change to one project changes its images and those built FROM it, and no other.
 */
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
const BUILDER = 'nx-crossbake';
/** Drops every cache record of the builder; a prune that fails leaves the cache, and the test has no ground. */
function pruneBuilder(): void {
  const result = run('docker', ['buildx', 'prune', '--builder', BUILDER, '--all', '--force']);
  if (result.code !== 0)
    throw new Error(
      `docker buildx prune --builder ${BUILDER} exited ${result.code}, so the build after it could come from the cache:\n${result.output}`,
    );
}

function git(ws: Workspace, ...args: string[]): string {
  const result = run('git', ['-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', ...args], { cwd: ws.dir });
  if (result.code !== 0) throw new Error(`git ${args.join(' ')} failed:\n${result.output}`);
  return result.stdout.trim();
}

/** The index digest and the digest of each platform's image manifest, as the registry has them. */
function digests(ref: string): { index: string; platforms: Record<string, string> } {
  const raw = run('docker', ['buildx', 'imagetools', 'inspect', '--raw', ref]);
  const index = JSON.parse(raw.stdout) as {
    manifests: { digest: string; platform: { os: string; architecture: string; variant?: string } }[];
  };
  const inspected = JSON.parse(run('docker', ['buildx', 'imagetools', 'inspect', ref, '--format', '{{json .Manifest}}']).stdout) as {
    digest: string;
  };
  const platforms = Object.fromEntries(
    index.manifests
      .filter((m) => m.platform.os !== 'unknown')
      .map((m) => [[m.platform.os, m.platform.architecture, m.platform.variant].filter(Boolean).join('/'), m.digest]),
  );
  return { index: inspected.digest, platforms };
}

describe('reproducible images', () => {
  let ws: Workspace;
  const images = { base: imageRef('repro-base'), api: imageRef('repro-api'), web: imageRef('repro-web') };
  /** Every step of the three Dockerfiles, on every platform, as buildSteps shows it when it was run. */
  const everyStepRan = () =>
    PLATFORMS.flatMap((p) =>
      ['COPY motd /etc/motd', 'RUN cat /etc/motd > /built', 'RUN echo api > /api', 'RUN echo web > /web'].map(
        (step) => `${p} ${step}: ran`,
      ),
    ).sort();
  /**
   * Prunes the builder, runs every image, and checks the run was built from nothing: its bake file imports no
   * cache, and every step of every image ran (none CACHED). Then the digests the registry has.
   */
  const build = () => {
    pruneBuilder();
    const before = ws.bakeCalls().length;
    const result = ws.nx(['run-many', '-t', 'docker-multiarch']);
    if (result.code !== 0) throw new Error(`run failed:\n${result.output}`);
    const bakeFiles = ws
      .bakeCalls()
      .slice(before)
      .map((call) => ws.bakeFile(call));
    expect(bakeFiles).toHaveLength(1);
    const targets = JSON.parse(ws.read(bakeFiles[0])).target as Record<string, { 'cache-from'?: string[] }>;
    expect(Object.keys(targets).sort()).toEqual(['api', 'base', 'web']);
    for (const [name, target] of Object.entries(targets)) expect([name, target['cache-from'] ?? []]).toEqual([name, []]);
    expect(buildSteps(result.output, PLATFORMS)).toEqual(everyStepRan());
    return Object.fromEntries(Object.entries(images).map(([name, ref]) => [name, digests(ref)]));
  };
  // Attestations record build times: the index is only reproducible without them. Each run builds from nothing:
  // no reuse of what the registry has (reuse.e2e.ts), no cache.
  const options = (name: keyof typeof images, extra: Record<string, unknown> = {}) => ({
    platforms: PLATFORMS,
    tags: [images[name]],
    push: true,
    cache: 'none',
    reuse: false,
    provenance: false,
    ...extra,
  });

  beforeAll(() => {
    ws = new Workspace('reproducible', [
      {
        name: 'base',
        root: 'apps/base',
        dockerfile: `FROM ${BASE_IMAGE}\nCOPY motd /etc/motd\nRUN cat /etc/motd > /built\n`,
        files: { motd: 'one\n' },
        options: options('base'),
      },
      { name: 'api', root: 'apps/api', dockerfile: `FROM ${images.base}\nRUN echo api > /api\n`, options: options('api') },
      // The default provenance attestation: its per-platform images are still reproducible.
      {
        name: 'web',
        root: 'apps/web',
        dockerfile: `FROM ${BASE_IMAGE}\nRUN echo web > /web\n`,
        options: options('web', { provenance: undefined }),
      },
    ]);
    ws.write('.gitignore', 'node_modules\ndist\ntmp\n.nx\n.shim\n');
    git(ws, 'init', '-q', '-b', 'main');
    git(ws, 'add', '-A');
    git(ws, 'commit', '-q', '-m', 'one', '--date', '2026-01-02T03:04:05Z');
    // The builder the runs use, there to be pruned: on a fresh rig it does not exist until a run creates it.
    const setup = ws.nx(['run', 'builder:docker-setup']);
    if (setup.code !== 0) throw new Error(`nx run builder:docker-setup failed:\n${setup.output}`);
  });

  it('pushes identical images from two runs of the same commit, each built from nothing', () => {
    const first = build();
    const second = build();
    for (const name of ['base', 'api'] as const) {
      expect(Object.keys(first[name].platforms).sort()).toEqual([...PLATFORMS].sort());
      expect([name, second[name]]).toEqual([name, first[name]]);
    }
    expect(second.web.platforms).toEqual(first.web.platforms);
    // SOURCE_DATE_EPOCH is 0 (README "Reproducible images"); the commit's time, not the clock's, is in the created label.
    const config = JSON.parse(run('docker', ['buildx', 'imagetools', 'inspect', images.base, '--format', '{{json .Image}}']).stdout);
    const image = (config['linux/arm64'] ?? config) as { created: string; config: { Labels: Record<string, string> } };
    expect(new Date(image.created).toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(image.config.Labels['org.opencontainers.image.created']).toBe(
      new Date(Number(git(ws, 'log', '-1', '--format=%ct')) * 1000).toISOString(),
    );
  });

  it('changes the images of a changed project and of those built FROM it, and no other', () => {
    const before = build();
    ws.write('apps/base/motd', 'two\n');
    git(ws, 'commit', '-q', '-am', 'two', '--date', '2026-01-03T03:04:05Z');
    const after = build();
    expect(after.base.index).not.toBe(before.base.index);
    expect(after.api.index).not.toBe(before.api.index);
    expect(after.web.platforms).toEqual(before.web.platforms);
  });
});
