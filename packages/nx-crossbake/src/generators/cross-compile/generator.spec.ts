import { addProjectConfiguration, logger, updateNxJson, readNxJson, type PluginConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import crossCompileGenerator from './generator';

const CLASSIC = 'FROM golang:latest\nWORKDIR /app\nCOPY main.go .\nRUN go build -o main .\nCMD ["./main"]\n';

function workspace(options: Record<string, unknown> = {}, files: Record<string, string> = { 'apps/api/Dockerfile': CLASSIC }): Tree {
  const tree = createTreeWithEmptyWorkspace();
  addProjectConfiguration(tree, 'api', {
    root: 'apps/api',
    targets: { 'docker-multiarch': { executor: 'nx-crossbake:multiarch', options } },
  });
  for (const [path, text] of Object.entries(files)) tree.write(path, text);
  return tree;
}

describe('cross-compile generator', () => {
  let info: jest.SpyInstance;
  let warn: jest.SpyInstance;
  beforeEach(() => {
    info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());
  const printed = (spy: jest.SpyInstance) => spy.mock.calls.map((c) => String(c[0])).join('\n');

  it('rewrites the Dockerfile and prints the diff', async () => {
    const tree = workspace();
    await crossCompileGenerator(tree, { project: 'api' });
    const after = tree.read('apps/api/Dockerfile', 'utf-8')!;
    expect(after).toContain('FROM --platform=$BUILDPLATFORM golang:latest AS build');
    expect(printed(info)).toContain('+++ b/apps/api/Dockerfile');
    expect(printed(info)).toContain("apps/api/Dockerfile:4 go build now runs in stage 'build' on the build platform");
  });

  it('changes nothing the second time, and says so', async () => {
    const tree = workspace();
    await crossCompileGenerator(tree, { project: 'api' });
    const once = tree.read('apps/api/Dockerfile', 'utf-8');
    info.mockClear();
    await crossCompileGenerator(tree, { project: 'api' });
    expect(tree.read('apps/api/Dockerfile', 'utf-8')).toBe(once);
    expect(printed(info)).toMatch(/nothing to rewrite/);
    expect(tree.listChanges().filter((c) => c.path === 'apps/api/Dockerfile')).toHaveLength(1);
  });

  it("reads the target's file and platforms", async () => {
    const tree = workspace({ file: 'docker/api.Dockerfile', platforms: 'linux/amd64' }, { 'docker/api.Dockerfile': CLASSIC });
    await crossCompileGenerator(tree, { project: 'api' });
    // linux/amd64 alone is still emulated on an arm64 build machine: the compile moves.
    expect(tree.read('docker/api.Dockerfile', 'utf-8')).toContain('AS build');
  });

  it('warns where the move changes what is built: a hard-coded GOARCH now follows the target', async () => {
    const tree = workspace({}, { 'apps/api/Dockerfile': CLASSIC.replace('RUN go build', 'RUN GOARCH=amd64 go build') });
    await crossCompileGenerator(tree, { project: 'api' });
    expect(printed(warn)).toBe(
      "nx-crossbake:cross-compile: apps/api/Dockerfile:4 go build: GOARCH=amd64 is dropped from the compile: it built amd64 binaries into every image; each image now gets its own platform's",
    );
  });

  it('refuses a project whose Go imports "C", and says why', async () => {
    const tree = workspace(
      {},
      { 'apps/api/Dockerfile': CLASSIC, 'apps/api/db/sqlite.go': 'package db\n\n// #include <sqlite3.h>\nimport "C"\n' },
    );
    await crossCompileGenerator(tree, { project: 'api' });
    expect(tree.read('apps/api/Dockerfile', 'utf-8')).toBe(CLASSIC);
    expect(printed(warn)).toContain('apps/api/Dockerfile:4 go build not rewritten: apps/api/db/sqlite.go imports "C"');
  });

  it('refuses a go.mod that requires a module known to need cgo, and names both', async () => {
    const goMod = 'module example.com/api\n\ngo 1.19\n\nrequire github.com/mattn/go-sqlite3 v1.14.22\n';
    const tree = workspace({}, { 'apps/api/Dockerfile': CLASSIC, 'apps/api/go.mod': goMod });
    await crossCompileGenerator(tree, { project: 'api' });
    expect(tree.read('apps/api/Dockerfile', 'utf-8')).toBe(CLASSIC);
    expect(printed(warn)).toContain(
      'apps/api/Dockerfile:4 go build not rewritten: apps/api/go.mod requires github.com/mattn/go-sqlite3, which wraps SQLite in C',
    );
  });

  it("looks for cgo in the target's build context, not only the project folder", async () => {
    const tree = workspace({ context: '.' }, { 'apps/api/Dockerfile': CLASSIC, 'libs/db/sqlite.go': 'package db\n\nimport "C"\n' });
    await crossCompileGenerator(tree, { project: 'api' });
    expect(tree.read('apps/api/Dockerfile', 'utf-8')).toBe(CLASSIC);
    expect(printed(warn)).toContain('not rewritten: libs/db/sqlite.go imports "C"');
  });

  describe('Node installs', () => {
    const NODE = 'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nCMD ["node", "index.js"]\n';
    const MANIFEST = '{"name":"web","dependencies":{"ms":"2.1.3"}}';
    const lock = (entry: Record<string, unknown>) =>
      JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'web' }, 'node_modules/ms': { version: '2.1.3', ...entry } } });

    it("reads the lockfile the Dockerfile copies from the target's context", async () => {
      const tree = workspace(
        { context: 'apps/api/docker' },
        { 'apps/api/Dockerfile': NODE, 'apps/api/docker/package.json': MANIFEST, 'apps/api/docker/package-lock.json': lock({}) },
      );
      await crossCompileGenerator(tree, { project: 'api' });
      expect(tree.read('apps/api/Dockerfile', 'utf-8')).toContain('COPY --from=build /app/node_modules /app/node_modules');
      expect(printed(info)).toContain("apps/api/Dockerfile:4 npm ci now runs in stage 'build' on the build platform");
    });

    it('refuses a lockfile with an install script, and says which package', async () => {
      const tree = workspace(
        {},
        { 'apps/api/Dockerfile': NODE, 'apps/api/package.json': MANIFEST, 'apps/api/package-lock.json': lock({ hasInstallScript: true }) },
      );
      await crossCompileGenerator(tree, { project: 'api' });
      expect(tree.read('apps/api/Dockerfile', 'utf-8')).toBe(NODE);
      expect(printed(warn)).toContain(
        'apps/api/Dockerfile:4 npm ci not rewritten: apps/api/package-lock.json v3: node_modules/ms runs an install script',
      );
    });

    describe('what the lockfile does not record, read from the registry', () => {
      const V1 = JSON.stringify({ lockfileVersion: 1, dependencies: { ms: { version: '2.1.3' } } });
      const files = { 'apps/api/Dockerfile': NODE, 'apps/api/package.json': MANIFEST, 'apps/api/package-lock.json': V1 };
      let fetched: string[];
      beforeEach(() => {
        fetched = [];
        jest.spyOn(global, 'fetch').mockImplementation(async (url) => {
          fetched.push(String(url));
          return new Response(JSON.stringify({ name: 'ms', version: '2.1.3' }), { status: 200 });
        });
      });

      it('reads the record of each pinned version once, then rewrites on what it says', async () => {
        const tree = workspace({}, files);
        await crossCompileGenerator(tree, { project: 'api' });
        expect(fetched).toEqual(['https://registry.npmjs.org/ms/2.1.3']);
        expect(printed(info)).toMatch(
          /asked registry.npmjs.org for 1 pinned versions in \d+\.\d s, for what the lockfile does not record: 1 records read$/m,
        );
        expect(tree.read('apps/api/Dockerfile', 'utf-8')).toContain('COPY --from=build /app/node_modules /app/node_modules');
      });

      it('reads the registry --npmRegistry names', async () => {
        await crossCompileGenerator(workspace({}, files), { project: 'api', npmRegistry: 'https://npm.example/api/npm/' });
        expect(fetched).toEqual(['https://npm.example/api/npm/ms/2.1.3']);
      });

      it('refuses an --npmRegistry that is not an http(s) URL, before reading anything', async () => {
        const tree = workspace({}, files);
        await expect(crossCompileGenerator(tree, { project: 'api', npmRegistry: 'registry.npmjs.org' })).rejects.toThrow(
          "nx-crossbake:cross-compile: --npmRegistry 'registry.npmjs.org' is not an http(s) URL, such as https://registry.npmjs.org/",
        );
        expect(fetched).toEqual([]);
      });

      it('reads nothing with --skipRegistry, and says why the install stays', async () => {
        const tree = workspace({}, files);
        await crossCompileGenerator(tree, { project: 'api', skipRegistry: true });
        expect(fetched).toEqual([]);
        expect(tree.read('apps/api/Dockerfile', 'utf-8')).toBe(NODE);
        expect(printed(warn)).toContain(
          "npm ci not rewritten: apps/api/package-lock.json v1 does not record install scripts or os/cpu limits, and the registry's record of 1 package was not read: the generator ran with --skipRegistry",
        );
      });

      it('reads nothing for a lockfile that records it all', async () => {
        await crossCompileGenerator(workspace({}, { ...files, 'apps/api/package-lock.json': lock({}) }), { project: 'api' });
        expect(fetched).toEqual([]);
      });
    });

    it('names the lockfile outside the build context', async () => {
      const tree = workspace({}, { 'apps/api/Dockerfile': NODE, 'apps/api/package.json': MANIFEST, 'package-lock.json': lock({}) });
      await crossCompileGenerator(tree, { project: 'api' });
      expect(tree.read('apps/api/Dockerfile', 'utf-8')).toBe(NODE);
      expect(printed(warn)).toContain('the lockfile package-lock.json is outside the build context (apps/api)');
    });
  });

  describe("the plugin's inferred target", () => {
    /** A project with no target in project.json, its Dockerfile at its root, and the plugin registered as given. */
    function inferred(
      plugin: PluginConfiguration | undefined,
      files: Record<string, string> = { 'apps/api/Dockerfile': CLASSIC },
      targets = {},
    ): Tree {
      const tree = createTreeWithEmptyWorkspace();
      if (plugin !== undefined) updateNxJson(tree, { ...readNxJson(tree), plugins: [plugin] });
      addProjectConfiguration(tree, 'api', { root: 'apps/api', targets });
      for (const [path, text] of Object.entries(files)) tree.write(path, text);
      return tree;
    }

    it('rewrites the Dockerfile of a project whose target only the plugin infers (the README setup)', async () => {
      const tree = inferred('nx-crossbake');
      await crossCompileGenerator(tree, { project: 'api' });
      expect(tree.read('apps/api/Dockerfile', 'utf-8')).toContain('FROM --platform=$BUILDPLATFORM golang:latest AS build');
    });

    it("defaults --target to the plugin's targetName and reads the plugin's platforms", async () => {
      const tree = inferred({ plugin: 'nx-crossbake', options: { targetName: 'image', platforms: ['linux/amd64', 'linux/s390x'] } });
      await crossCompileGenerator(tree, { project: 'api' });
      expect(tree.read('apps/api/Dockerfile', 'utf-8')).toContain('AS build');
      // The plugin's platforms reach normalizeOptions: a bad one is this target's problem.
      const bad = inferred({ plugin: 'nx-crossbake', options: { targetName: 'image', platforms: ['linux/nope'] } });
      await expect(crossCompileGenerator(bad, { project: 'api' })).rejects.toThrow(/api:image cannot be read:\n {2}- .*linux\/nope/);
    });

    it('merges a project.json target of the same name over the inferred one, as Nx does', async () => {
      const targets = { 'docker-multiarch': { options: { file: '{projectRoot}/docker/api.Dockerfile' } } };
      const tree = inferred(
        'nx-crossbake',
        { 'apps/api/Dockerfile': 'FROM busybox\n', 'apps/api/docker/api.Dockerfile': CLASSIC },
        targets,
      );
      await crossCompileGenerator(tree, { project: 'api' });
      expect(tree.read('apps/api/docker/api.Dockerfile', 'utf-8')).toContain('AS build');
    });

    it('says why there is no target: the plugin is not registered, or infers none without a root Dockerfile', async () => {
      await expect(crossCompileGenerator(inferred(undefined), { project: 'api' })).rejects.toThrow(
        "project 'api' has no target 'docker-multiarch' and the nx-crossbake plugin is not registered in nx.json to infer one",
      );
      await expect(
        crossCompileGenerator(inferred('nx-crossbake', { 'apps/api/docker/Dockerfile': CLASSIC }), { project: 'api' }),
      ).rejects.toThrow("and the plugin infers 'docker-multiarch' only for a project with a Dockerfile at its root");
    });
  });

  it('names the missing target and the ones there are', async () => {
    await expect(crossCompileGenerator(workspace(), { project: 'api', target: 'image' })).rejects.toThrow(
      "nx-crossbake:cross-compile: project 'api' has no target 'image' (it has docker-multiarch) and the nx-crossbake plugin is not registered in nx.json to infer one: pass --target=",
    );
  });

  it('says which Dockerfile is missing', async () => {
    await expect(crossCompileGenerator(workspace({}, {}), { project: 'api' })).rejects.toThrow(
      'api:docker-multiarch builds apps/api/Dockerfile, which does not exist',
    );
  });

  it('names an unknown project', async () => {
    await expect(crossCompileGenerator(workspace(), { project: 'nope' })).rejects.toThrow("no project 'nope'");
  });
});
