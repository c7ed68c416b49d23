import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exec } from '../process/exec';
import {
  getCheckoutAttributesCommand,
  getRepositoryConfigCommand,
  getTrackedFilesCommand,
  isChangedOnCheckout,
  parseCheckoutAttributes,
  parseRepositoryConfig,
  parseTrackedFiles,
  readTrackedBlobs,
} from './tracked-blobs';

// Recorded from git 2.39 (the argv builders' commands, cwd at the repository's top):
// - git-ls-files-tracked.txt: `getTrackedFilesCommand(['apps/a', 'apps/b'])` in a repository where, after the
//   commits, apps/a/modified.txt was edited, apps/a/deleted.txt removed, apps/a/skipped.txt marked skip-worktree,
//   apps/a/assumed.txt marked assume-unchanged and then edited, apps/a/conflict.txt left in a merge conflict,
//   apps/a/module added as a gitlink; apps/a/link is a symlink, apps/a/run.sh executable; unchanged: same.txt,
//   run.sh, big.bin, win.bat, .gitattributes, `src/naïve.txt`, `we ird/tab<TAB>and<LF>newline.txt`, apps/b/other.txt.
//   apps/a/.gitattributes: `*.bin filter=lfs -text`, `*.bat eol=crlf`.
// - git-config-repository.txt: `getRepositoryConfigCommand()` there, with core.autocrlf set to `input` then
//   (--add) `true`, and core.eol `lf`.
// - git-check-attr-checkout.txt: `getCheckoutAttributesCommand()` there, given on stdin the unchanged files and
//   apps/b/{logo.png,run.sh,id.c,utf16.txt,auto.txt}, which an apps/b/.gitattributes written after the listing
//   gives: `*.png binary`, `*.sh text eol=lf`, `id.c ident`, `utf16.txt working-tree-encoding=UTF-16`,
//   `auto.txt text=auto`.
// - git-ls-files-tracked.sha256.txt, git-config-repository.sha256.txt: the same two commands (folder `app`) in a
//   `git init --object-format=sha256` repository, app/changed.txt edited after the commit, app/same.txt not.
const fixture = (name: string) => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

const git = (cwd: string, ...args: string[]) => {
  const result = spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=test', ...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
};

/** The real git, as lib/process/exec runs it (its output's final newline stripped), counting processes. */
const realGit = () => {
  const calls: string[][] = [];
  const exec: Exec = async (file, args, options) => {
    calls.push([...args]);
    const r = spawnSync(file, args, { cwd: options?.cwd, input: options?.input, encoding: 'utf8', maxBuffer: 1 << 28 });
    return { exitCode: r.status ?? 1, stdout: r.stdout.replace(/\r?\n$/, ''), stderr: r.stderr };
  };
  return { exec, calls };
};

describe('parseTrackedFiles', () => {
  const recorded = parseTrackedFiles(fixture('git-ls-files-tracked.txt'));

  it.each([
    ['an unchanged file', 'apps/a/same.txt', '1275430f1765c63e539cb0452565563bd6aef6a6'],
    ['an unchanged executable', 'apps/a/run.sh', '1a2485251c33a70432394c93fb89330ef214bfc9'],
    ['a name with a space, a tab and a newline', 'apps/a/we ird/tab\tand\nnewline.txt', '8cc35a3d55c810ba1f998f398e475feb0e5f6b8a'],
    ['a non-ASCII name', 'apps/a/src/naïve.txt', '859f8bd0e532ed54ea95df442c15f0ac5e9452bf'],
    ['a file in a second folder', 'apps/b/other.txt', '61780798228d17af2d34fce4cfbdf35556832472'],
    ['a modified file', 'apps/a/modified.txt', undefined],
    ['a deleted file', 'apps/a/deleted.txt', undefined],
    ['a skip-worktree file (its working copy is not checked)', 'apps/a/skipped.txt', undefined],
    ['an assume-unchanged file (git would not see its edit)', 'apps/a/assumed.txt', undefined],
    ['a conflicted file', 'apps/a/conflict.txt', undefined],
    ['a symlink (its blob is the target)', 'apps/a/link', undefined],
    ['a submodule (its id is a commit)', 'apps/a/module', undefined],
  ])('%s: %s', (_case, path, id) => expect(recorded.get(path)).toBe(id));

  it('vouches for nothing else', () => expect(recorded.size).toBe(8));

  it('reads sha256 blob ids', () => {
    expect(Object.fromEntries(parseTrackedFiles(fixture('git-ls-files-tracked.sha256.txt')))).toEqual({
      'app/same.txt': '1ea4750826fa24c1aa371de2f40f9298043f2e6e4c5725e9845eb15a13f32117',
    });
  });

  it('reads nothing from nothing', () => expect(parseTrackedFiles('').size).toBe(0));
});

describe('parseRepositoryConfig', () => {
  it.each([
    [
      'recorded: autocrlf input, then true; eol lf',
      fixture('git-config-repository.txt'),
      'linux',
      { objectFormat: 'sha1', crlfOnCheckout: true },
    ],
    [
      'recorded: a sha256 repository',
      fixture('git-config-repository.sha256.txt'),
      'linux',
      { objectFormat: 'sha256', crlfOnCheckout: false },
    ],
    ['nothing set', '', 'linux', { objectFormat: 'sha1', crlfOnCheckout: false }],
    ['autocrlf input', 'core.autocrlf\ninput\0', 'linux', { objectFormat: 'sha1', crlfOnCheckout: false }],
    ['autocrlf with no value (true)', 'core.autocrlf\0', 'linux', { objectFormat: 'sha1', crlfOnCheckout: true }],
    ['autocrlf false on Windows, eol native', 'core.autocrlf\nfalse\0', 'win32', { objectFormat: 'sha1', crlfOnCheckout: true }],
    ['eol lf on Windows', 'core.eol\nlf\0', 'win32', { objectFormat: 'sha1', crlfOnCheckout: false }],
    ['eol crlf', 'core.eol\nCRLF\0', 'linux', { objectFormat: 'sha1', crlfOnCheckout: true }],
  ] as const)('%s', (_case, stdout, platform, config) => expect(parseRepositoryConfig(stdout, platform)).toEqual(config));
});

describe('parseCheckoutAttributes and isChangedOnCheckout', () => {
  const recorded = parseCheckoutAttributes(fixture('git-check-attr-checkout.txt'));
  const changed = (path: string, crlfOnCheckout: boolean) => isChangedOnCheckout(recorded.get(path), crlfOnCheckout);

  it('reads only the paths that have attributes', () => {
    expect([...recorded.keys()]).toEqual([
      'apps/a/big.bin',
      'apps/a/win.bat',
      'apps/b/logo.png',
      'apps/b/run.sh',
      'apps/b/id.c',
      'apps/b/utf16.txt',
      'apps/b/auto.txt',
    ]);
    expect(Object.fromEntries(recorded.get('apps/b/logo.png')!)).toEqual({ binary: 'set', diff: 'unset', merge: 'unset', text: 'unset' });
  });

  it.each([
    ['a Git LFS filter', 'apps/a/big.bin', true, true],
    ['eol=crlf', 'apps/a/win.bat', true, true],
    ['ident', 'apps/b/id.c', true, true],
    ['a working-tree encoding', 'apps/b/utf16.txt', true, true],
    ['no attribute', 'apps/a/same.txt', false, true],
    ['binary', 'apps/b/logo.png', false, false],
    ['text eol=lf', 'apps/b/run.sh', false, false],
    ['text=auto', 'apps/b/auto.txt', false, true],
  ])('%s: changed %s, and %s with CRLF checkout configured', (_case, path, plain, crlf) => {
    expect([changed(path, false), changed(path, true)]).toEqual([plain, crlf]);
  });

  it.each([
    ['crlf unset (the old spelling of binary)', 'crlf', 'unset', false],
    ['crlf=input', 'crlf', 'input', false],
    ['filter unset', 'filter', 'unset', true],
  ])('with CRLF checkout configured, %s', (_case, attribute, value, expected) => {
    expect(isChangedOnCheckout(new Map([[attribute, value]]), true)).toBe(expected);
  });
});

describe('readTrackedBlobs', () => {
  const repository = () => {
    const root = mkdtempSync(join(tmpdir(), 'tracked-blobs-'));
    git(root, 'init', '-q');
    mkdirSync(join(root, 'apps/a'), { recursive: true });
    writeFileSync(join(root, 'apps/a/same.txt'), 'same\n');
    writeFileSync(join(root, 'apps/a/edited.txt'), 'before\n');
    writeFileSync(join(root, 'apps/a/run.sh'), '#!/bin/sh\n');
    writeFileSync(join(root, 'apps/a/pointer.bin'), 'version https://git-lfs.github.com/spec/v1\n');
    writeFileSync(join(root, 'apps/a/.gitattributes'), '*.bin filter=lfs -text\n');
    writeFileSync(join(root, 'outside.txt'), 'outside\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'files');
    return root;
  };

  it('lists what git vouches for under the folder, with the ids git hash-object gives, without writing the index', async () => {
    const root = repository();
    writeFileSync(join(root, 'apps/a/edited.txt'), 'after!\n'); // same size, likely the same second: git compares content
    chmodSync(join(root, 'apps/a/run.sh'), 0o755); // a mode change: git doubts it, content is hashed again
    const index = readFileSync(join(root, '.git/index'));
    const { exec, calls } = realGit();
    const tracked = await readTrackedBlobs(exec, root, ['apps/a']);
    expect(tracked.objectFormat).toBe('sha1');
    expect(Object.fromEntries(tracked.blobs)).toEqual({
      'apps/a/.gitattributes': git(root, 'hash-object', 'apps/a/.gitattributes').trim(),
      'apps/a/same.txt': git(root, 'hash-object', 'apps/a/same.txt').trim(),
    });
    expect(calls).toEqual([getTrackedFilesCommand(['apps/a']), getRepositoryConfigCommand(), getCheckoutAttributesCommand()]);
    expect(readFileSync(join(root, '.git/index')).equals(index)).toBe(true);
  });

  it('prints paths relative to the folder it runs in', async () => {
    const root = repository();
    const tracked = await readTrackedBlobs(realGit().exec, join(root, 'apps'), ['a', '../outside.txt']);
    expect([...tracked.blobs.keys()].sort()).toEqual(['../outside.txt', 'a/.gitattributes', 'a/edited.txt', 'a/run.sh', 'a/same.txt']);
  });

  it('takes a folder name literally', async () => {
    const root = repository();
    mkdirSync(join(root, 'apps/[ab]'));
    writeFileSync(join(root, 'apps/[ab]/x'), 'x\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'glob-like');
    expect([...(await readTrackedBlobs(realGit().exec, root, ['apps/[ab]'])).blobs.keys()]).toEqual(['apps/[ab]/x']);
  });

  it('knows a sha256 repository', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tracked-blobs-sha256-'));
    git(root, 'init', '-q', '--object-format=sha256');
    writeFileSync(join(root, 'f'), 'f\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'f');
    const tracked = await readTrackedBlobs(realGit().exec, root, ['.']);
    expect(tracked).toEqual({ objectFormat: 'sha256', blobs: new Map([['f', git(root, 'hash-object', 'f').trim()]]) });
  });

  it('vouches for nothing outside a repository, and asks nothing more', async () => {
    const { exec, calls } = realGit();
    const tracked = await readTrackedBlobs(exec, mkdtempSync(join(tmpdir(), 'not-a-repo-')), ['.']);
    expect(tracked).toEqual({ objectFormat: 'sha1', blobs: new Map() });
    expect(calls).toHaveLength(2);
  });

  it('vouches for nothing when the attributes cannot be read', async () => {
    const listing = `H 100644 ${'a'.repeat(40)} 0\tf\0`;
    const exec: Exec = async (_file, args) =>
      args[0] === 'check-attr'
        ? { exitCode: 128, stdout: '', stderr: 'fatal' }
        : { exitCode: args[0] === 'config' ? 1 : 0, stdout: listing, stderr: '' };
    expect((await readTrackedBlobs(exec, '/ws', ['.'])).blobs.size).toBe(0);
  });
});
