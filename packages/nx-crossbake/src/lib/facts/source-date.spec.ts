import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Exec } from '../process/exec';
import type { ServiceOptions } from '../options/service-options';
import { memoryStateStore } from '../core/state-file';
import { compileDockerignore, parseDockerignore } from '../dockerfile/dockerignore-matcher';
import { getLastChangesCommand } from '../git/last-changes';
import { ignoreFileFor } from './context-ignore';
import { imageInputs, resolveSourceDates, type ImageInput } from './source-date';

const service = (id: string, context: string, overrides: Partial<ServiceOptions> = {}) =>
  ({ id, context, file: `${context}/Dockerfile`, reproducible: true, ...overrides }) as ServiceOptions;
const base = service('base:docker-multiarch', 'apps/base');
const api = service('api:docker-multiarch', 'apps/api', { file: 'docker/api.Dockerfile' });
const web = service('web:docker-multiarch', 'apps/web');
const byId = new Map([base, api, web].map((s) => [s.id, s]));
const links = new Map<string, Record<string, string>>([
  ['api:docker-multiarch', { '127.0.0.1:5000/acme/base': 'base:docker-multiarch' }],
  ['web:docker-multiarch', { '127.0.0.1:5000/acme/api': 'api:docker-multiarch' }],
]);

/** A workspace folder holding `files` (path → text). */
const workspace = (files: Record<string, string> = {}) => {
  const root = mkdtempSync(join(tmpdir(), 'crossbake-source-date-'));
  write(root, files);
  return root;
};
/** Writes `files` (path → text) into the folder; a null text deletes the file. */
const write = (root: string, files: Record<string, string | null>) => {
  for (const [path, text] of Object.entries(files)) {
    if (text === null) rmSync(join(root, path));
    else {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
  }
};

describe('imageInputs', () => {
  const patterns = (text: string) => compileDockerignore(parseDockerignore(text));
  // Each context's ignore file, as the run would read it from a workspace holding `files`.
  const ignoring =
    (files: Record<string, string> = {}) =>
    (s: ServiceOptions) => {
      const file = ignoreFileFor(s, (path) => path in files);
      return { file, patterns: patterns(files[file] ?? '') };
    };
  const shown = (inputs: ImageInput[]) =>
    inputs.map((i) => (i.ignore ? `${i.path} less ${i.ignore.map((p) => (p.exclusion ? `!${p.text}` : p.text)).join(' ')}` : i.path));

  it('is the context less what its ignore file keeps out, the Dockerfile and the ignore files, of the task and of every sibling it is built FROM', () => {
    const inputs = imageInputs(web.id, byId, links, ignoring({ 'apps/api/.dockerignore': '*.md\n' }));
    expect(shown(inputs)).toEqual([
      // no ignore file: every file of the context counts, Dockerfile and ignore files with it
      'apps/web',
      'apps/api less *.md',
      'docker/api.Dockerfile',
      'apps/api/.dockerignore',
      'docker/api.Dockerfile.dockerignore',
      'apps/base',
    ]);
    expect(shown(imageInputs(base.id, byId, links, ignoring()))).toEqual(['apps/base']);
  });

  it('judges each sibling by its own ignore file, even on a shared context', () => {
    const docs = service('docs:docker-multiarch', 'apps/api', { file: 'docker/docs.Dockerfile' });
    const all = new Map([
      [api.id, service(api.id, 'apps/api')],
      [docs.id, docs],
    ]);
    const files = { 'apps/api/.dockerignore': '*.md\n', 'docker/docs.Dockerfile.dockerignore': 'src\n' };
    expect(shown(imageInputs(docs.id, all, new Map([[docs.id, { api: api.id }]]), ignoring(files)))).toEqual([
      'apps/api less src',
      'docker/docs.Dockerfile',
      'docker/docs.Dockerfile.dockerignore',
      'apps/api less *.md',
      'apps/api/Dockerfile',
      'apps/api/.dockerignore',
      'apps/api/Dockerfile.dockerignore',
    ]);
  });

  it('is the whole tree for a root context, less what its ignore file keeps out', () => {
    const root = service('r:docker-multiarch', '.', { file: 'apps/r/Dockerfile' });
    expect(shown(imageInputs(root.id, new Map([[root.id, root]]), new Map(), ignoring()))).toEqual(['.']);
    expect(shown(imageInputs(root.id, new Map([[root.id, root]]), new Map(), ignoring({ '.dockerignore': 'tmp\n' })))).toEqual([
      '. less tmp',
      'apps/r/Dockerfile',
      '.dockerignore',
      'apps/r/Dockerfile.dockerignore',
    ]);
  });

  it('names folders as git lists files under them', () => {
    const s = service('s:docker-multiarch', './apps/s/', { file: 'apps/s//Dockerfile' });
    expect(shown(imageInputs(s.id, new Map([[s.id, s]]), new Map(), ignoring()))).toEqual(['apps/s']);
    expect(shown(imageInputs(s.id, new Map([[s.id, s]]), new Map(), ignoring({ 'apps/s/.dockerignore': 'x\n' })))).toEqual([
      'apps/s less x',
      'apps/s/Dockerfile',
      'apps/s/.dockerignore',
      'apps/s/Dockerfile.dockerignore',
    ]);
  });
});

describe('resolveSourceDates', () => {
  const header = (epoch: number, sha: string) => `\x1e${epoch} ${sha.padEnd(40, '0')}\0\n`;
  // Newest first: web's folder, then base's, then api's Dockerfile.
  const walk = `${header(1700000500, 'aaa')}apps/web/index.html\0${header(1700000300, 'bbb')}apps/base/Dockerfile\0${header(1700000100, 'ccc')}docker/api.Dockerfile\0`;
  const git = (stdout = walk) => {
    const calls: string[][] = [];
    const stops: number[] = [];
    const exec: Exec = async (_file, args, options) => {
      calls.push([...args]);
      // Delivered in pieces, as a pipe would: the walk is stopped once every task has its answer.
      const pieces = stdout.match(/[^]{1,7}/g) ?? [];
      let sent = '';
      for (const piece of pieces) {
        sent += piece;
        if (options?.stopWhen?.(piece)) {
          stops.push(sent.length);
          return { exitCode: 143, stdout: sent, stderr: '', stopped: true };
        }
      }
      return { exitCode: 0, stdout, stderr: '' };
    };
    return { exec, calls, stops };
  };
  const sha = 'f'.repeat(40);
  const date = (epoch: number, revision: string) => ({ epoch, revision: revision.padEnd(40, '0') });
  // Without ignore files: every file of a context counts.
  const basePaths = ['apps/base'];
  const apiPaths = ['apps/api', 'docker/api.Dockerfile', 'docker/api.Dockerfile.dockerignore'];

  it('asks one git process for the last change of every task’s inputs, and stops it once each has one', async () => {
    const { exec, calls, stops } = git(`${walk}${header(1600000000, 'ddd')}apps/web/old\0`);
    const dates = await resolveSourceDates(
      exec,
      '/ws',
      [base, api, service('off:docker-multiarch', 'apps/off', { reproducible: false })],
      links,
      {},
    );
    expect(Object.fromEntries(dates)).toEqual({
      'base:docker-multiarch': date(1700000300, 'bbb'),
      // api is built FROM base: base's change is its change too
      'api:docker-multiarch': date(1700000300, 'bbb'),
    });
    expect(calls).toEqual([getLastChangesCommand([...basePaths, ...apiPaths])]);
    // stopped within the base record: nothing older was read
    expect(stops).toHaveLength(1);
    expect(stops[0]).toBeLessThan(walk.indexOf('docker/api.Dockerfile'));
  });

  it('passes over a commit that only touched ignored files, and still stops once each task has a commit that counts', async () => {
    const ws = workspace({ 'apps/base/.dockerignore': '*.md\n' });
    const stdout = `${header(1700000600, 'eee')}apps/base/README.md\0${walk}`;
    const { exec, stops } = git(stdout);
    const dates = await resolveSourceDates(exec, ws, [base, api], links, {});
    expect([...dates.values()]).toEqual([date(1700000300, 'bbb'), date(1700000300, 'bbb')]);
    expect(stops).toHaveLength(1);
    expect(stops[0]).toBeGreaterThan(stdout.indexOf('apps/base/Dockerfile'));
    expect(stops[0]).toBeLessThan(stdout.indexOf('docker/api.Dockerfile'));
  });

  it('counts every file of a context whose ignore file BuildKit would refuse', async () => {
    const ws = workspace({ 'apps/base/.dockerignore': '*.md\n[\n' });
    const { exec, calls } = git(`${header(1700000600, 'eee')}apps/base/README.md\0${walk}`);
    expect(Object.fromEntries(await resolveSourceDates(exec, ws, [base], links, {}))).toEqual({ [base.id]: date(1700000600, 'eee') });
    expect(calls).toEqual([getLastChangesCommand(['apps/base'])]);
  });

  it('takes SOURCE_DATE_EPOCH from the environment without asking git', async () => {
    const { exec, calls } = git();
    const dates = await resolveSourceDates(exec, '/ws', [base, api], links, { SOURCE_DATE_EPOCH: '1234' });
    expect([...dates.values()]).toEqual([{ epoch: 1234 }, { epoch: 1234 }]);
    expect(calls).toEqual([]);
  });

  it('gives no date where git fails or knows no commit', async () => {
    const none: Exec = async () => ({ exitCode: 128, stdout: '', stderr: 'fatal: not a git repository' });
    expect((await resolveSourceDates(none, '/ws', [base], links, {})).size).toBe(0);
    const { exec } = git();
    expect((await resolveSourceDates(exec, '/ws', [service('new:docker-multiarch', 'apps/new')], links, {})).size).toBe(0);
  });

  it('asks nothing for a commit it already walked, and asks again for a new commit or new inputs', async () => {
    const state = memoryStateStore();
    const first = git();
    const dates = await resolveSourceDates(
      first.exec,
      '/ws',
      [base, web, service('new:docker-multiarch', 'apps/new')],
      links,
      {},
      { state, sha },
    );
    const again = git('');
    expect(
      await resolveSourceDates(again.exec, '/ws', [base, web, service('new:docker-multiarch', 'apps/new')], links, {}, { state, sha }),
    ).toEqual(dates);
    expect(again.calls).toEqual([]);

    const moreInputs = git();
    await resolveSourceDates(moreInputs.exec, '/ws', [base, api], links, {}, { state, sha });
    expect(moreInputs.calls).toEqual([getLastChangesCommand([...apiPaths, ...basePaths])]);

    const newCommit = git();
    await resolveSourceDates(newCommit.exec, '/ws', [base], links, {}, { state, sha: 'e'.repeat(40) });
    expect(newCommit.calls).toHaveLength(1);
    // Another workspace at the same commit has its own paths.
    const otherWorkspace = git();
    await resolveSourceDates(otherWorkspace.exec, '/other', [base], links, {}, { state, sha });
    expect(otherWorkspace.calls).toHaveLength(1);
  });

  it('keeps nothing learnt from a walk that failed', async () => {
    const state = memoryStateStore();
    const none: Exec = async () => ({ exitCode: 128, stdout: '', stderr: 'fatal: bad object' });
    await resolveSourceDates(none, '/ws', [base], links, {}, { state, sha });
    const { exec, calls } = git();
    expect((await resolveSourceDates(exec, '/ws', [base], links, {}, { state, sha })).size).toBe(1);
    expect(calls).toHaveLength(1);
  });
});

describe('resolveSourceDates on a real repository', () => {
  const run = (root: string, args: string[], env: Record<string, string> = {}) =>
    execFileSync('git', ['-c', 'user.email=crossbake@example.com', '-c', 'user.name=crossbake', ...args], {
      cwd: root,
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', ...env },
      encoding: 'utf8',
    }).trim();
  /** A repository whose commits are made at the given times; each returns its hash. */
  const repository = () => {
    const root = workspace();
    run(root, ['init', '-q', '-b', 'main']);
    const commit = (epoch: number, files: Record<string, string | null>) => {
      write(root, files);
      run(root, ['add', '-A']);
      run(root, ['commit', '-q', '-m', `at ${epoch}`], { GIT_AUTHOR_DATE: `@${epoch} +0000`, GIT_COMMITTER_DATE: `@${epoch} +0000` });
      return run(root, ['rev-parse', 'HEAD']);
    };
    return { root, commit };
  };
  /** Runs git for real, then hands its output to stopWhen in pieces as a pipe would, keeping where the walk stopped. */
  const replayedGit = () => {
    const walks: { stdout: string; stoppedAt?: number }[] = [];
    const exec: Exec = async (file, args, options) => {
      const { status, stdout, stderr } = spawnSync(file, args, { cwd: options?.cwd, encoding: 'utf8' });
      const walk: (typeof walks)[number] = { stdout };
      walks.push(walk);
      let sent = '';
      for (const piece of stdout.match(/[^]{1,7}/g) ?? []) {
        sent += piece;
        if (options?.stopWhen?.(piece)) {
          walk.stoppedAt = sent.length;
          return { exitCode: 143, stdout: sent, stderr: '', stopped: true };
        }
      }
      return { exitCode: status ?? 1, stdout, stderr };
    };
    return { exec, walks };
  };

  // Two images of one context: api reads apps/api/.dockerignore, docs its Dockerfile's own ignore file; web is built FROM api.
  const apiImage = service('api:docker-multiarch', 'apps/api');
  const docs = service('docs:docker-multiarch', 'apps/api', { file: 'docker/docs.Dockerfile' });
  const webImage = service('web:docker-multiarch', 'apps/web');
  const services = [apiImage, docs, webImage];
  const fromApi = new Map([[webImage.id, { 'acme/api': apiImage.id }]]);
  const start = {
    'apps/api/Dockerfile': 'FROM scratch\n',
    'apps/api/.dockerignore': '*.md\nDockerfile\n.dockerignore\ntest/**\n!test/keep.txt\n',
    'apps/api/README.md': '1',
    'apps/api/src/main.ts': '1',
    'apps/api/test/unit.ts': '1',
    'apps/api/test/keep.txt': '1',
    'docker/docs.Dockerfile': 'FROM scratch\n',
    'docker/docs.Dockerfile.dockerignore': 'src\nDockerfile\n.dockerignore\n',
    'apps/web/Dockerfile': 'FROM acme/api\n',
  };
  // What each commit changes, and then the date (commit time) of api, docs and web.
  const history: [string, Record<string, string | null>, number, number, number][] = [
    ['the first commit', start, 1000, 1000, 1000],
    ['README.md: api ignores *.md; docs reads its own ignore file, which does not', { 'apps/api/README.md': '2' }, 1000, 2000, 1000],
    ['test/unit.ts: api ignores test/**', { 'apps/api/test/unit.ts': '2' }, 1000, 3000, 1000],
    ['test/keep.txt: api lets it back in with !test/keep.txt', { 'apps/api/test/keep.txt': '2' }, 4000, 4000, 4000],
    ['src/main.ts: docs ignores src', { 'apps/api/src/main.ts': '2' }, 5000, 4000, 5000],
    ['docs.Dockerfile, outside the context', { 'docker/docs.Dockerfile': 'FROM scratch\n# 2\n' }, 5000, 6000, 5000],
    ["apps/api/Dockerfile, which api's context ignores", { 'apps/api/Dockerfile': 'FROM scratch\n# 2\n' }, 7000, 6000, 7000],
    [
      'apps/api/.dockerignore, the ignore file api reads (and keeps out of its context)',
      { 'apps/api/.dockerignore': `${start['apps/api/.dockerignore']}tmp\n` },
      8000,
      6000,
      8000,
    ],
    [
      'docs.Dockerfile.dockerignore, the ignore file docs reads',
      { 'docker/docs.Dockerfile.dockerignore': `${start['docker/docs.Dockerfile.dockerignore']}tmp\n` },
      8000,
      9000,
      8000,
    ],
    // docs now reads apps/api/.dockerignore, which keeps out *.md where its own file kept out src
    ['docs.Dockerfile.dockerignore deleted', { 'docker/docs.Dockerfile.dockerignore': null }, 8000, 10000, 8000],
  ];

  it('moves a date only for a commit that changed what BuildKit is sent for the image', async () => {
    const { root, commit } = repository();
    const revisions = new Map<number, string>();
    const seen: [string, ...(number | undefined)[]][] = [];
    for (const [i, [what, files]] of history.entries()) {
      const epoch = 1000 * (i + 1);
      revisions.set(epoch, commit(epoch, files));
      const dates = await resolveSourceDates(replayedGit().exec, root, services, fromApi, {});
      seen.push([what, ...services.map((s) => dates.get(s.id)?.epoch)]);
      // the revision is the commit the date is taken from
      for (const d of dates.values()) expect(d.revision).toBe(revisions.get(d.epoch));
    }
    expect(seen).toEqual(history.map(([what, , ...epochs]) => [what, ...epochs]));
  });

  it('stops a real walk once every image has a commit that counts', async () => {
    const { root, commit } = repository();
    for (const [i, [, files]] of history.entries()) commit(1000 * (i + 1), files);
    const { exec, walks } = replayedGit();
    const dates = await resolveSourceDates(exec, root, services, fromApi, {});
    expect(services.map((s) => dates.get(s.id)?.epoch)).toEqual(history[history.length - 1].slice(2));
    expect(walks).toHaveLength(1);
    // the last answer was api's, in the 8000 commit: no file of an older commit was read
    const read = walks[0].stdout.slice(0, walks[0].stoppedAt);
    expect(read).toContain('\x1e8000 ');
    expect(read).not.toContain('apps/api/Dockerfile');
  });

  it('asks git again at the same commit once an ignore file is edited, and not for an edit undone', async () => {
    const { root, commit } = repository();
    commit(1000, { 'apps/api/Dockerfile': 'FROM scratch\n', 'apps/api/.dockerignore': '*.md\n', 'apps/api/README.md': '1' });
    const sha = commit(2000, { 'apps/api/README.md': '2' });
    const state = memoryStateStore();
    const { exec, walks } = replayedGit();
    const epoch = async () => (await resolveSourceDates(exec, root, [apiImage], new Map(), {}, { state, sha })).get(apiImage.id)?.epoch;

    expect(await epoch()).toBe(1000);
    expect(await epoch()).toBe(1000);
    expect(walks).toHaveLength(1);
    write(root, { 'apps/api/.dockerignore': 'test\n' }); // not committed: HEAD is the same
    expect(await epoch()).toBe(2000);
    expect(walks).toHaveLength(2);
    write(root, { 'apps/api/.dockerignore': '*.md\n' });
    expect(await epoch()).toBe(1000);
    expect(walks).toHaveLength(2);
  });
});
