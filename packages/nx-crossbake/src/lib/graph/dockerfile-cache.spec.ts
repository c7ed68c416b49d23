import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWorkspaceImagesCached } from './dockerfile-cache';
import { readWorkspaceImages } from './workspace-images';

const multiarch = (options: Record<string, unknown> = {}) => ({ executor: 'nx-crossbake:multiarch', options });
type Projects = Record<string, { root: string; targets?: Record<string, { executor?: string; options?: unknown }> }>;

/** A workspace held in memory: its files, the hashes Nx would hand over, and the projects; a cache file on disk. */
function workspace() {
  const ws = {
    dir: mkdtempSync(join(tmpdir(), 'crossbake-dockerfile-cache-')),
    files: {
      'libs/base/Dockerfile': 'FROM busybox\n',
      'apps/api/Dockerfile': 'ARG TAG=1\nFROM r.example.com/acme/base:${TAG}\n',
      'apps/web/Dockerfile': 'FROM nginx\n',
    } as Record<string, string>,
    hashes: { 'libs/base/Dockerfile': 'b1', 'apps/api/Dockerfile': 'a1', 'apps/web/Dockerfile': 'w1' } as Record<string, string>,
    projects: {
      base: { root: 'libs/base', targets: { 'docker-multiarch': multiarch({ tags: ['r.example.com/acme/base:1'] }) } },
      api: {
        root: 'apps/api',
        targets: { build: { executor: 'nx:run-commands' }, 'docker-multiarch': multiarch({ 'build-args': ['TAG=2'] }) },
      },
      web: { root: 'apps/web', targets: { 'docker-multiarch': multiarch() } },
    } as Projects,
    version: '1.0.0',
    reads: [] as string[],
    get cacheFile() {
      return join(this.dir, 'workspace-data', 'nx-crossbake-dockerfiles.hash');
    },
    run() {
      ws.reads = [];
      return readWorkspaceImagesCached(ws.projects, {
        file: ws.cacheFile,
        version: ws.version,
        readFile: (file) => {
          ws.reads.push(file);
          if (!(file in ws.files)) throw new Error(`ENOENT: ${file}`);
          return ws.files[file];
        },
        hashOf: (_project, file) => ws.hashes[file],
      });
    },
    /** What the cache cannot change: readWorkspaceImages on the workspace as it is now. */
    uncached: () =>
      readWorkspaceImages(
        ws.projects,
        (file) =>
          ws.files[file] ??
          (() => {
            throw new Error('ENOENT');
          })(),
      ).images,
    cachedKeys: () => Object.keys(JSON.parse(readFileSync(ws.cacheFile, 'utf8')).entries).sort(),
  };
  return ws;
}
type Workspace = ReturnType<typeof workspace>;

describe('readWorkspaceImagesCached', () => {
  it('reads every Dockerfile the first time, as readWorkspaceImages does, and keeps one entry per target', () => {
    const ws = workspace();
    expect(ws.run()).toEqual(ws.uncached());
    expect(ws.reads.sort()).toEqual(['apps/api/Dockerfile', 'apps/web/Dockerfile', 'libs/base/Dockerfile']);
    expect(ws.cachedKeys()).toEqual(['["api","docker-multiarch"]', '["base","docker-multiarch"]', '["web","docker-multiarch"]']);
  });

  // Each case: a change between two graph computations, what the second one must read again, and the
  // entries the cache file holds afterwards (undefined: as before).
  it.each<[string, (ws: Workspace) => void, string[], string[]?]>([
    ['nothing changed: a hit for every target', () => undefined, []],
    [
      "a Dockerfile's content changed (a new hash)",
      (ws) => {
        ws.files['apps/api/Dockerfile'] = 'FROM r.example.com/acme/other\n';
        ws.hashes['apps/api/Dockerfile'] = 'a2';
      },
      ['apps/api/Dockerfile'],
    ],
    [
      "a target's build-args changed (they feed the parse)",
      (ws) => void (ws.projects.api.targets!['docker-multiarch'] = multiarch({ 'build-args': ['TAG=3'] })),
      ['apps/api/Dockerfile'],
    ],
    [
      "a target's tags changed",
      (ws) => void (ws.projects.base.targets!['docker-multiarch'] = multiarch({ tags: ['r.example.com/acme/base:2'] })),
      ['libs/base/Dockerfile'],
    ],
    [
      'a target reads another Dockerfile',
      (ws) => {
        ws.files['apps/web/debug.Dockerfile'] = 'FROM r.example.com/acme/base:1\n';
        ws.hashes['apps/web/debug.Dockerfile'] = 'd1';
        ws.projects.web.targets!['docker-multiarch'] = multiarch({ file: 'apps/web/debug.Dockerfile' });
      },
      ['apps/web/debug.Dockerfile'],
    ],
    [
      'another version of the plugin wrote the cache',
      (ws) => void (ws.version = '1.1.0'),
      ['apps/api/Dockerfile', 'apps/web/Dockerfile', 'libs/base/Dockerfile'],
    ],
    [
      'a Dockerfile Nx has no hash for (ignored): read every time, never kept',
      (ws) => void delete ws.hashes['apps/web/Dockerfile'],
      ['apps/web/Dockerfile'],
      ['["api","docker-multiarch"]', '["base","docker-multiarch"]'],
    ],
    [
      'a project removed: its entry is dropped',
      (ws) => void delete ws.projects.web,
      [],
      ['["api","docker-multiarch"]', '["base","docker-multiarch"]'],
    ],
    [
      'a target removed: its entry is dropped',
      (ws) => void (ws.projects.web.targets = { build: { executor: 'nx:run-commands' } }),
      [],
      ['["api","docker-multiarch"]', '["base","docker-multiarch"]'],
    ],
    [
      'a Dockerfile deleted: the target is unread and its entry dropped',
      (ws) => {
        delete ws.files['apps/web/Dockerfile'];
        delete ws.hashes['apps/web/Dockerfile'];
      },
      ['apps/web/Dockerfile'],
      ['["api","docker-multiarch"]', '["base","docker-multiarch"]'],
    ],
  ])('%s', (...[, change, reread, keys]) => {
    const ws = workspace();
    ws.run();
    const before = ws.cachedKeys();
    change(ws);
    expect(ws.run()).toEqual(ws.uncached());
    expect(ws.reads.sort()).toEqual(reread);
    expect(ws.cachedKeys()).toEqual(keys ?? before);
    // A third computation, nothing changed since: it reads only what has no hash.
    ws.run();
    expect(ws.reads.filter((f) => f in ws.hashes)).toEqual([]);
  });

  it.each<[string, string]>([
    ['not JSON', '{"format":1,"version":"1.0.0","entr'],
    ['null', 'null'],
    ['a list', '[]'],
    ['entries that are not a map', '{"format":1,"version":"1.0.0","entries":"x"}'],
    ['an unknown format', '{"format":99,"version":"1.0.0","entries":{}}'],
    [
      'entries of the wrong shape',
      JSON.stringify({
        format: 1,
        version: '1.0.0',
        entries: {
          '["api","docker-multiarch"]': {
            options: '["apps/api",{"build-args":["TAG=2"]}]',
            dockerfile: 'apps/api/Dockerfile',
            hash: 'a1',
            images: [],
            dockerfileRefs: 'x',
          },
          '["base","docker-multiarch"]': null,
          '["web","docker-multiarch"]': { options: 1 },
        },
      }),
    ],
    ['binary garbage', '\u0000\uFFFD{{'],
  ])('a corrupt cache file (%s) reads as empty and is replaced', (_, content) => {
    const ws = workspace();
    mkdirSync(join(ws.dir, 'workspace-data'));
    writeFileSync(ws.cacheFile, content);
    expect(ws.run()).toEqual(ws.uncached());
    expect(ws.reads).toHaveLength(3);
    expect(ws.cachedKeys()).toHaveLength(3);
  });

  it('a cache file that cannot be read or written (a folder) costs only the reads', () => {
    const ws = workspace();
    mkdirSync(ws.cacheFile, { recursive: true });
    for (let i = 0; i < 2; i++) {
      expect(ws.run()).toEqual(ws.uncached());
      expect(ws.reads).toHaveLength(3);
    }
    expect(readdirSync(join(ws.dir, 'workspace-data'))).toEqual(['nx-crossbake-dockerfiles.hash']);
  });

  it('writes the file once, renamed into place, and not at all when nothing changed', () => {
    const ws = workspace();
    ws.run();
    const written = statSync(ws.cacheFile).ino;
    ws.run();
    expect(statSync(ws.cacheFile).ino).toBe(written);
    ws.hashes['apps/api/Dockerfile'] = 'a2';
    ws.run();
    expect(statSync(ws.cacheFile).ino).not.toBe(written);
    expect(readdirSync(join(ws.dir, 'workspace-data'))).toEqual(['nx-crossbake-dockerfiles.hash']);
  });

  it('keeps the order of readWorkspaceImages when hits and reads mix', () => {
    const ws = workspace();
    ws.projects.api.targets!['docker-multiarch-debug'] = multiarch({ file: 'apps/web/Dockerfile' });
    ws.run();
    ws.hashes['libs/base/Dockerfile'] = 'b2';
    ws.projects.web.targets!['docker-multiarch'] = multiarch({ tags: ['r.example.com/acme/web:1'] });
    expect(ws.run().map((i) => `${i.name}:${i.target}`)).toEqual([
      'base:docker-multiarch',
      'api:docker-multiarch',
      'api:docker-multiarch-debug',
      'web:docker-multiarch',
    ]);
    expect(ws.reads.sort()).toEqual(['apps/web/Dockerfile', 'libs/base/Dockerfile']);
  });

  it('does not use the cache when NX_CACHE_PROJECT_GRAPH=false', () => {
    const ws = workspace();
    ws.run();
    process.env.NX_CACHE_PROJECT_GRAPH = 'false';
    try {
      ws.run();
    } finally {
      delete process.env.NX_CACHE_PROJECT_GRAPH;
    }
    expect(ws.reads).toHaveLength(3);
  });
});
