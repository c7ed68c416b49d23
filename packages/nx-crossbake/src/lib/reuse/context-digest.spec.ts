import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CrossbakeError } from '../core/errors';
import { BadPatternError } from '../dockerfile/dockerignore-matcher';
import type { Exec } from '../process/exec';
import { contextDigest, contextDigests } from './context-digest';

const git = (cwd: string, ...args: string[]) => {
  const r = spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=test', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

/** The real git, as lib/process/exec runs it, with the commands it was asked to run. */
const realGit = () => {
  const calls: string[][] = [];
  const exec: Exec = async (file, args, options) => {
    calls.push([...args]);
    const r = spawnSync(file, args, { cwd: options?.cwd, input: options?.input, encoding: 'utf8', maxBuffer: 1 << 28 });
    return { exitCode: r.status ?? 1, stdout: r.stdout.replace(/\r?\n$/, ''), stderr: r.stderr };
  };
  return { exec, calls };
};

const write = (root: string, files: Record<string, string | Buffer>) => {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
};

const app = { context: 'apps/a', file: 'apps/a/Dockerfile' };
const FILES = {
  'apps/a/Dockerfile': 'FROM scratch\nCOPY . /\n',
  'apps/a/.dockerignore': 'node_modules\n',
  'apps/a/src/main.js': 'console.log(1)\n',
  'apps/a/src/util.js': 'export {}\n',
  'apps/a/node_modules/dep/index.js': 'module.exports = 1\n',
  'apps/b/other.js': 'b\n',
};

/** A workspace whose files are committed (`commit: false`: a plain folder, no repository). */
function workspace(files: Record<string, string | Buffer> = FILES, { commit = true } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'context-digest-'));
  write(root, files);
  symlinkSync('src/main.js', join(root, 'apps/a/entry'));
  if (commit) {
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'files');
  }
  return root;
}

const digestOf = async (root: string, task = app) => (await contextDigest(realGit().exec, root, task)).digest;

describe('contextDigest', () => {
  it('gives one tree one digest, in another clone too, vouched for by git without reading', async () => {
    const root = workspace();
    const first = await contextDigest(realGit().exec, root, app);
    expect(first).toEqual({ digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), files: 4, hashedFromContent: 0 });
    expect(await contextDigest(realGit().exec, root, app)).toEqual(first);
    const clone = mkdtempSync(join(tmpdir(), 'context-digest-clone-'));
    git(clone, 'clone', '-q', root, '.');
    expect((await contextDigest(realGit().exec, clone, app)).digest).toBe(first.digest);
  });

  it('gives a file the same id tracked and unchanged as untracked, with or without a repository', async () => {
    const tracked = workspace();
    const plain = workspace(FILES, { commit: false });
    const untracked = workspace();
    git(untracked, 'rm', '-q', '--cached', 'apps/a/src/main.js');
    const plainDigest = await contextDigest(realGit().exec, plain, app);
    const untrackedDigest = await contextDigest(realGit().exec, untracked, app);
    expect(plainDigest).toMatchObject({ digest: await digestOf(tracked), hashedFromContent: 4 });
    expect(untrackedDigest).toMatchObject({ digest: plainDigest.digest, hashedFromContent: 1 });
  });

  it('hashes a file larger than a whole read as git does', async () => {
    const big = { ...FILES, 'apps/a/big.bin': Buffer.alloc(3 << 20, 7) };
    expect(await digestOf(workspace(big))).toBe(await digestOf(workspace(big, { commit: false })));
  });

  it('hashes a modified tracked file from its content', async () => {
    const root = workspace();
    const before = await digestOf(root);
    writeFileSync(join(root, 'apps/a/src/util.js'), 'export {};\n');
    expect(await contextDigest(realGit().exec, root, app)).toMatchObject({ hashedFromContent: 1 });
    expect(await digestOf(root)).not.toBe(before);
  });

  it.each<[string, (root: string) => void]>([
    ['one byte changed', (root) => writeFileSync(join(root, 'apps/a/src/util.js'), 'export {]\n')],
    ['a file made executable', (root) => chmodSync(join(root, 'apps/a/src/util.js'), 0o755)],
    [
      'a symlink pointed elsewhere',
      (root) => {
        rmSync(join(root, 'apps/a/entry'));
        symlinkSync('src/util.js', join(root, 'apps/a/entry'));
      },
    ],
    ['an empty folder added', (root) => mkdirSync(join(root, 'apps/a/empty'))],
    ['an untracked file added (dist/, gitignored)', (root) => write(root, { '.gitignore': 'dist\n', 'apps/a/dist/main.js': 'built\n' })],
    ['a file deleted', (root) => rmSync(join(root, 'apps/a/src/util.js'))],
  ])('changes with %s', async (_case, change) => {
    const root = workspace();
    const before = await digestOf(root);
    change(root);
    expect(await digestOf(root)).not.toBe(before);
  });

  it.each<[string, (root: string) => void]>([
    ['a change inside an ignored folder', (root) => write(root, { 'apps/a/node_modules/dep/index.js': 'changed\n' })],
    ['a new file in an ignored folder', (root) => write(root, { 'apps/a/node_modules/new/x.js': 'new\n' })],
    ['a change outside the context', (root) => write(root, { 'apps/b/other.js': 'changed\n' })],
    [
      'the mtime of every file',
      (root) =>
        git(root, 'ls-files', '-z')
          .split('\0')
          .filter(Boolean)
          .forEach((f) => touch(root, f)),
    ],
  ])('stays the same for %s', async (_case, change) => {
    const root = workspace();
    const before = await digestOf(root);
    change(root);
    expect(await digestOf(root)).toBe(before);
  });

  // The Dockerfile and its own ignore file outside the context: editing them changes only what is let in.
  const outside = { context: 'apps/a', file: 'docker/a.Dockerfile' };
  const withOwnIgnore = {
    ...FILES,
    'docker/a.Dockerfile': 'FROM scratch\n',
    'docker/a.Dockerfile.dockerignore': 'node_modules\nsrc/util.js\n',
  };

  it("reads the Dockerfile's own ignore file before the context's", async () => {
    const root = workspace(withOwnIgnore);
    const before = await contextDigest(realGit().exec, root, outside);
    write(root, { 'apps/a/src/util.js': 'ignored by a.Dockerfile.dockerignore, not by .dockerignore\n' });
    expect(await contextDigest(realGit().exec, root, outside)).toEqual(before);
  });

  it('changes with a file let in by an edited ignore file', async () => {
    const root = workspace(withOwnIgnore);
    const before = await contextDigest(realGit().exec, root, outside);
    write(root, { 'docker/a.Dockerfile.dockerignore': 'node_modules\n' });
    const after = await contextDigest(realGit().exec, root, outside);
    expect(after.digest).not.toBe(before.digest);
    expect(after.files).toBe(before.files + 1);
  });

  it('sends an ignored folder only when an exception lets something in it back, as BuildKit does', async () => {
    const ignore = 'node_modules\ntmp\n!tmp/keep\n';
    const without = workspace({ ...FILES, 'apps/a/.dockerignore': ignore });
    const withTmp = workspace({ ...FILES, 'apps/a/.dockerignore': ignore, 'apps/a/tmp/other': 'x\n' });
    expect(await digestOf(withTmp)).toBe(await digestOf(without));
    write(withTmp, { 'apps/a/tmp/keep': 'kept\n' });
    expect(await contextDigest(realGit().exec, withTmp, app)).toMatchObject({ files: 5 }); // tmp/keep, not tmp/other
  });

  it('sends the ignored parents of what an exception lets back, before it, and nothing else of them', async () => {
    const ignoring = workspace({
      ...withOwnIgnore,
      'docker/a.Dockerfile.dockerignore': 'node_modules\ntmp\n!tmp/a/b/keep\n',
      'apps/a/tmp/x': 'x\n',
      'apps/a/tmp/a/y': 'y\n',
      'apps/a/tmp/a/b/keep': 'kept\n',
      'apps/a/tmp/a/b/z': 'z\n',
    });
    const plain = workspace({ ...withOwnIgnore, 'docker/a.Dockerfile.dockerignore': 'node_modules\n', 'apps/a/tmp/a/b/keep': 'kept\n' });
    expect(await contextDigest(realGit().exec, ignoring, outside)).toEqual(await contextDigest(realGit().exec, plain, outside));
  });

  it('digests a root context, .git and all, unless ignored', async () => {
    const root = workspace({ ...FILES, '.dockerignore': '.git\napps\n' });
    const task = { context: '.', file: 'apps/a/Dockerfile' };
    expect(await contextDigest(realGit().exec, root, task)).toMatchObject({ files: 1 });
    writeFileSync(join(root, '.dockerignore'), 'apps\n');
    expect((await contextDigest(realGit().exec, root, task)).files).toBeGreaterThan(5);
  });

  it('uses sha256 blob ids in a sha256 repository, tracked or not', async () => {
    const root = mkdtempSync(join(tmpdir(), 'context-digest-sha256-'));
    write(root, FILES);
    git(root, 'init', '-q', '--object-format=sha256');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'files');
    const tracked = await contextDigest(realGit().exec, root, app);
    git(root, 'rm', '-q', '-r', '--cached', 'apps/a/src');
    expect(tracked.hashedFromContent).toBe(0);
    expect(await contextDigest(realGit().exec, root, app)).toEqual({ ...tracked, hashedFromContent: 2 });
  });

  it('says so when the context is not there', async () => {
    await expect(contextDigest(realGit().exec, workspace(), { context: 'apps/nope', file: 'apps/nope/Dockerfile' })).rejects.toThrow(
      CrossbakeError,
    );
  });

  it('refuses an ignore file BuildKit refuses', async () => {
    const root = workspace({ ...FILES, 'apps/a/.dockerignore': '[\n' });
    await expect(digestOf(root)).rejects.toThrow(BadPatternError);
  });
});

describe('contextDigests', () => {
  it('lists tracked files once for every context, and digests each as alone', async () => {
    const root = workspace({ ...FILES, 'apps/b/Dockerfile': 'FROM scratch\n' });
    const b = { context: 'apps/b', file: 'apps/b/Dockerfile' };
    const { exec, calls } = realGit();
    const both = await contextDigests(exec, root, [app, b, app]);
    expect(calls.filter((c) => c.includes('ls-files'))).toHaveLength(1);
    expect(both.map((d) => d.digest)).toEqual([await digestOf(root), await digestOf(root, b), await digestOf(root)]);
  });
});

/** Sets a file's times to now plus a minute, its content untouched. */
function touch(root: string, file: string) {
  const later = new Date(Date.now() + 60_000);
  utimesSync(join(root, file), later, later);
}
