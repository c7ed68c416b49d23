import { logger } from '@nx/devkit';
import { createTree } from '@nx/devkit/testing';
import { compileDockerignore, keepsOut, parseDockerignore } from '../../lib/dockerfile/dockerignore-matcher';
import { ensureRootDockerignore, ROOT_CONTEXT_IGNORES, withDockerignores } from './dockerignore-files';

const keptOut = (text: string) => ROOT_CONTEXT_IGNORES.filter((p) => keepsOut(compileDockerignore(parseDockerignore(text)), p));

describe('withDockerignores', () => {
  it.each([
    ['', ROOT_CONTEXT_IGNORES],
    ['node_modules\n.git\n', ['.nx', 'tmp', 'dist/nx-crossbake']],
    ['/node_modules/\n.git/**\n**/.nx\ntmp/*\ndist\n', []],
    ['*\n!apps/**\n!package.json\n', []],
    // The user's exceptions by name are left as they are; a wildcard one is no reason to keep .nx in.
    ['node_modules\n!node_modules/.prisma\n', ['.git', '.nx', 'tmp', 'dist/nx-crossbake']],
    ['*\n!**/*.ts\n', ['.git', '.nx', 'tmp', 'dist/nx-crossbake', 'node_modules']],
    ['dist\n!dist/nx-crossbake\n', ['.git', '.nx', 'tmp', 'node_modules']],
  ])('on %j adds %j', (text, added) => {
    expect(withDockerignores(text, ROOT_CONTEXT_IGNORES).added).toEqual(added);
  });

  it('appends after the existing text, kept byte for byte, and then keeps every path out as BuildKit reads it', () => {
    const before = 'node_modules\n.git';
    const { text } = withDockerignores(before, ROOT_CONTEXT_IGNORES);
    expect(text.startsWith(`${before}\n\n# nx-crossbake:`)).toBe(true);
    expect(keptOut(text)).toEqual(ROOT_CONTEXT_IGNORES);
  });

  it('overrides a wildcard exception for what it adds (the last matching line wins)', () => {
    const { text } = withDockerignores('*\n!**/*.ts\n', ROOT_CONTEXT_IGNORES);
    expect(keptOut(text)).toEqual(ROOT_CONTEXT_IGNORES);
  });

  it('adds nothing the second time', () => {
    const once = withDockerignores('node_modules\n', ROOT_CONTEXT_IGNORES).text;
    expect(withDockerignores(once, ROOT_CONTEXT_IGNORES)).toEqual({ text: once, added: [] });
  });

  it('leaves a file BuildKit would refuse as it is, and says why', () => {
    expect(withDockerignores('node_modules\n[\n', ROOT_CONTEXT_IGNORES)).toEqual({
      text: 'node_modules\n[\n',
      added: [],
      malformed: "syntax error in .dockerignore pattern '[', which BuildKit refuses too",
    });
    // RE2 syntax BuildKit accepts but we do not read: not blamed on BuildKit.
    expect(withDockerignores('[[:alpha:]]\n', ROOT_CONTEXT_IGNORES).malformed).not.toMatch(/BuildKit refuses/);
  });
});

describe('ensureRootDockerignore', () => {
  let info: jest.SpyInstance;
  let warn: jest.SpyInstance;
  beforeEach(() => {
    info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('writes the file when there is none, and says what for', () => {
    const tree = createTree();
    expect(ensureRootDockerignore(tree)).toEqual(ROOT_CONTEXT_IGNORES);
    expect(keptOut(tree.read('.dockerignore', 'utf-8')!)).toEqual(ROOT_CONTEXT_IGNORES);
    expect(String(info.mock.calls[0][0])).toMatch(/wrote .dockerignore, for builds whose context is the workspace root/);
  });

  it('completes an existing file once, and then leaves it alone', () => {
    const tree = createTree();
    tree.write('.dockerignore', 'node_modules\n.git\n');
    expect(ensureRootDockerignore(tree)).toEqual(['.nx', 'tmp', 'dist/nx-crossbake']);
    const once = tree.read('.dockerignore', 'utf-8');
    expect(ensureRootDockerignore(tree)).toEqual([]);
    expect(tree.read('.dockerignore', 'utf-8')).toBe(once);
    expect(info.mock.calls.map((c) => String(c[0]))).toEqual(['nx-crossbake: .dockerignore now excludes .nx, tmp, dist/nx-crossbake']);
  });

  it('warns and writes nothing when the file has a pattern BuildKit refuses', () => {
    const tree = createTree();
    tree.write('.dockerignore', 'a[\n');
    expect(ensureRootDockerignore(tree)).toEqual([]);
    expect(tree.read('.dockerignore', 'utf-8')).toBe('a[\n');
    expect(String(warn.mock.calls[0][0])).toMatch(/left as it is: syntax error in .dockerignore pattern 'a\['/);
  });
});
