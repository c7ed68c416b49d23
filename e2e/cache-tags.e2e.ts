import { BASE_IMAGE, imageRef, registryPlatforms, run, Workspace } from './support/workspace';

const PLATFORMS = ['linux/amd64', 'linux/arm64'];
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
// The seconds of the run's bakes, however many it needed.
const bakeSeconds = (output: string) => Number(output.match(/\d+ bake\(s\) in ([\d.]+)s/)![1]);

function git(ws: Workspace, ...args: string[]): string {
  const result = run('git', args, { cwd: ws.dir });
  if (result.code !== 0) throw new Error(`git ${args.join(' ')} failed:\n${result.output}`);
  return result.stdout.trim();
}

const repoOf = (name: string) => imageRef(name).replace(/:latest$/, '');
/** Drops every build cache of the engine, so only the registry cache can make a step CACHED. */
// A prune that failed would leave the local cache in place, and a CACHED step could then come from it.
const pruneBuilderCache = () => {
  const result = run('docker', ['buildx', 'prune', '--builder', 'nx-crossbake', '--all', '--force']);
  if (result.code !== 0) throw new Error(`the builder's cache was not pruned (exit ${result.code}):\n${result.output}`);
};

describe('registry cache by default, per service', () => {
  let ws: Workspace;
  const services = ['cache-a', 'cache-b'];

  beforeAll(() => {
    ws = new Workspace(
      'cache',
      services.map((name) => ({
        name,
        root: `apps/${name}`,
        // A slow step per platform: what a cache hit saves.
        dockerfile: `FROM ${BASE_IMAGE}\nRUN sleep 3 && uname -m > /built-on\nCOPY app.txt /app.txt\n`,
        files: { 'app.txt': `${name} v1\n` },
        options: { platforms: PLATFORMS, tags: [imageRef(name)], push: true },
      })),
    );
    // Its own repository, on a branch of its own: the cache ref is per branch.
    ws.write('.gitignore', 'node_modules\ndist\ntmp\n.nx\n.shim\n');
    git(ws, 'init', '-q', '-b', 'feature');
    git(ws, '-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'add', '-A');
    git(ws, '-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'commit', '-q', '-m', 'one');
  });

  it('exports each service to its own cache ref, then a rebuild of one changed service imports it', () => {
    // On a fresh rig the builder does not exist until a run makes it: make it, so there is a cache to prune.
    expect(ws.nx(['run', 'builder:docker-setup']).code).toBe(0);
    pruneBuilderCache();
    const cold = ws.nx(['run-many', '-t', 'docker-multiarch']);
    expect(cold.code).toBe(0);
    const bake = JSON.parse(ws.read(ws.bakeCalls()[0].match(/--file (\S+)/)![1]));
    expect(bake.target['cache-a']['cache-to']).toEqual([
      `type=registry,ref=${repoOf('cache-a')}:buildcache-feature,mode=max,oci-mediatypes=true,image-manifest=true`,
    ]);
    expect(bake.target['cache-b']['cache-from']).toEqual([
      `type=registry,ref=${repoOf('cache-b')}:buildcache-feature`,
      `type=registry,ref=${repoOf('cache-b')}:buildcache-main`,
    ]);
    expect(run('docker', ['buildx', 'imagetools', 'inspect', `${repoOf('cache-a')}:buildcache-feature`]).code).toBe(0);

    // Nothing local left: whatever is CACHED now came from the registry.
    pruneBuilderCache();
    ws.write('apps/cache-b/app.txt', 'cache-b v2\n');
    const warm = ws.nx(['run-many', '-t', 'docker-multiarch']);
    expect(warm.code).toBe(0);
    // cache-a did not change: its image is reused, not baked (reuse.e2e.ts). cache-b imports its own cache ref.
    expect(warm.output).toMatch(/^cache-a\s+reused\s/m);
    expect(warm.output).not.toContain(`importing cache manifest from ${repoOf('cache-a')}`);
    expect(warm.output).toContain(`importing cache manifest from ${repoOf('cache-b')}:buildcache-feature`);
    // The 3-second RUN step, on every platform, is not run again: every one that shows is CACHED or extracted
    // from the imported cache, none takes seconds (the COPY alone is new).
    // cache-b is the bake's one target: buildx names no target then.
    const slowSteps = [...warm.output.matchAll(/^#(\d+) \[(?:cache-b )?linux\/\S+ 2\/3\] RUN sleep 3/gm)].map((m) => m[1]);
    expect(slowSteps.length).toBeGreaterThan(0);
    for (const id of slowSteps) expect(warm.output).not.toMatch(new RegExp(`^#${id} DONE [1-9]\\d*\\.\\ds$`, 'm'));
    expect(warm.output).toMatch(/^#\d+ \[(?:cache-b )?linux\/arm64 3\/3\] COPY app.txt/m);
    process.stderr.write(
      `[e2e] cache: cold bake ${seconds(bakeSeconds(cold.output) * 1000)}, warm bake (registry cache, one service changed) ${seconds(bakeSeconds(warm.output) * 1000)}\n`,
    );
    expect(bakeSeconds(warm.output)).toBeLessThan(bakeSeconds(cold.output));
  });
});

describe('registry cache per platform on native runners', () => {
  // Two runners, each building one platform of the same image with its configuration (docs/ci.md "Native
  // runners"); a fresh runner is the builder with its cache pruned. Sharing one ref, the runner that finished
  // last would own it, and the other would miss its cache on the next pipeline.
  it("each runner writes and reads its own platform's ref, and has cache hits on a fresh builder", () => {
    const ws = new Workspace('cache-runners', [
      {
        name: 'cache-runner',
        root: 'apps/cache-runner',
        dockerfile: `FROM ${BASE_IMAGE}\nRUN sleep 3 && uname -m > /built-on\n`,
        options: { platforms: PLATFORMS, tags: [imageRef('cache-runner')], push: true },
      },
    ]);
    const project = JSON.parse(ws.read('apps/cache-runner/project.json'));
    project.targets['docker-multiarch'].configurations = {
      amd64: { platforms: ['linux/amd64'], 'push-by-digest': 'digests/amd64' },
      arm64: { platforms: ['linux/arm64'], 'push-by-digest': 'digests/arm64' },
    };
    ws.write('apps/cache-runner/project.json', JSON.stringify(project, null, 2));
    // Its own repository (else the folder's enclosing one would name the branch).
    ws.write('.gitignore', 'node_modules\ndist\ntmp\n.nx\n.shim\ndigests\n');
    git(ws, 'init', '-q', '-b', 'feature');
    git(ws, '-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'add', '-A');
    git(ws, '-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'commit', '-q', '-m', 'one');
    const runner = (platform: string) => {
      pruneBuilderCache();
      const result = ws.nx(['run', `cache-runner:docker-multiarch:${platform}`]);
      expect([platform, result.code]).toEqual([platform, 0]);
      return result.output;
    };
    expect(ws.nx(['run', 'builder:docker-setup']).code).toBe(0);
    for (const platform of ['amd64', 'arm64']) runner(platform);
    for (const platform of ['amd64', 'arm64']) {
      expect(
        run('docker', ['buildx', 'imagetools', 'inspect', `${repoOf('cache-runner')}:buildcache-feature-linux-${platform}`]).code,
      ).toBe(0);
    }
    // The next pipeline, both runners fresh: each imports its own ref, and its slow step is not run again.
    for (const platform of ['amd64', 'arm64']) {
      const output = runner(platform);
      expect(output).toContain(`importing cache manifest from ${repoOf('cache-runner')}:buildcache-feature-linux-${platform}`);
      const slow = [...output.matchAll(/^#(\d+) \[\S*\s?2\/2\] RUN sleep 3/gm)].map((m) => m[1]);
      expect([platform, slow.length]).not.toEqual([platform, 0]);
      for (const id of slow)
        expect([platform, output]).not.toEqual([platform, expect.stringMatching(new RegExp(`^#${id} DONE [1-9]\\d*\\.\\ds$`, 'm'))]);
    }
  });
});

describe('tags from git', () => {
  it('tags {branch}-{shortSha}, and latest only on the default branch', () => {
    const ws = new Workspace(
      'git-tags',
      [
        {
          name: 'tagged',
          root: 'apps/tagged',
          dockerfile: `FROM ${BASE_IMAGE}\nCOPY app.txt /app.txt\n`,
          files: { 'app.txt': 'v1\n' },
          options: { platforms: PLATFORMS, tags: [`${repoOf('tagged')}:{branch}-{shortSha}`], 'tag-latest': true, push: true },
        },
      ],
      { defaultBase: 'main' },
    );
    ws.write('.gitignore', 'node_modules\ndist\ntmp\n.nx\n.shim\n');
    git(ws, 'init', '-q', '-b', 'main');
    git(ws, '-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'add', '-A');
    git(ws, '-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'commit', '-q', '-m', 'one');
    git(ws, 'checkout', '-q', '-b', 'feature/Login');
    const featureSha = git(ws, 'rev-parse', '--short=7', 'HEAD');

    expect(ws.nx(['run-many', '-t', 'docker-multiarch']).code).toBe(0);
    expect(registryPlatforms(`${repoOf('tagged')}:feature-login-${featureSha}`)).toEqual(PLATFORMS);
    expect(run('docker', ['buildx', 'imagetools', 'inspect', `${repoOf('tagged')}:latest`]).code).not.toBe(0);

    git(ws, 'checkout', '-q', 'main');
    expect(ws.nx(['run-many', '-t', 'docker-multiarch']).code).toBe(0);
    expect(registryPlatforms(`${repoOf('tagged')}:main-${featureSha}`)).toEqual(PLATFORMS);
    expect(registryPlatforms(`${repoOf('tagged')}:latest`)).toEqual(PLATFORMS);
    const labels = JSON.parse(
      run('docker', ['buildx', 'imagetools', 'inspect', `${repoOf('tagged')}:latest`, '--format', '{{json .Image}}']).stdout,
    );
    const config = labels['linux/amd64']?.config ?? labels.config;
    expect(config.Labels['org.opencontainers.image.revision']).toBe(git(ws, 'rev-parse', 'HEAD'));
    expect(config.Labels['org.opencontainers.image.title']).toBe('tagged');
  });
});
