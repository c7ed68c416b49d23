import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadPatternError } from '../dockerfile/dockerignore-matcher';
import { ignoreFileFor, readContextIgnore } from './context-ignore';

const service = (context: string, file = 'apps/a/Dockerfile') => ({ context, file });

describe('ignoreFileFor', () => {
  it.each([
    [{ 'apps/a/Dockerfile.dockerignore': '' }, service('.'), 'apps/a/Dockerfile.dockerignore'],
    [{}, service('.'), '.dockerignore'],
    [{}, service('apps/a'), 'apps/a/.dockerignore'],
    [{ 'docker/api.Dockerfile.dockerignore': '' }, service('.', 'docker/api.Dockerfile'), 'docker/api.Dockerfile.dockerignore'],
  ])('%j with %j reads %s', (files, s, expected) => {
    expect(ignoreFileFor(s, (path) => path in files)).toBe(expected);
  });
});

describe('readContextIgnore', () => {
  const workspace = () => {
    const root = mkdtempSync(join(tmpdir(), 'context-ignore-'));
    mkdirSync(join(root, 'apps/a'), { recursive: true });
    return root;
  };

  it("reads the Dockerfile's own ignore file before the context's", () => {
    const root = workspace();
    writeFileSync(join(root, '.dockerignore'), 'dist\n');
    writeFileSync(join(root, 'apps/a/Dockerfile.dockerignore'), 'tmp\n!tmp/keep\n');
    const ignore = readContextIgnore(root, service('.'));
    expect(ignore).toMatchObject({ file: 'apps/a/Dockerfile.dockerignore', exists: true });
    expect(ignore.patterns.map((p) => [p.text, p.exclusion])).toEqual([
      ['tmp', false],
      ['tmp/keep', true],
    ]);
  });

  it('says so when there is no ignore file, and ignores nothing', () => {
    expect(readContextIgnore(workspace(), service('apps/a'))).toEqual({ file: 'apps/a/.dockerignore', exists: false, patterns: [] });
  });

  it('refuses a pattern BuildKit refuses', () => {
    const root = workspace();
    writeFileSync(join(root, '.dockerignore'), '[\n');
    expect(() => readContextIgnore(root, service('.'))).toThrow(BadPatternError);
  });
});
