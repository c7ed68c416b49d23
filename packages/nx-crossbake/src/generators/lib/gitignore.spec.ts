import { CROSSBAKE_IGNORES, withIgnoredPaths } from './gitignore';

describe('withIgnoredPaths', () => {
  it('writes both folders into an empty file', () => {
    expect(withIgnoredPaths('', CROSSBAKE_IGNORES)).toEqual({
      text: '# nx-crossbake: generated bake files and image reports\ntmp/nx-crossbake\ndist/nx-crossbake\n',
      added: ['tmp/nx-crossbake', 'dist/nx-crossbake'],
    });
  });

  it('appends after the existing lines, adding the missing final newline first', () => {
    const { text } = withIgnoredPaths('node_modules', ['tmp/nx-crossbake']);
    expect(text).toBe('node_modules\n\n# nx-crossbake: generated bake files and image reports\ntmp/nx-crossbake\n');
  });

  it.each([['tmp/nx-crossbake\n'], ['/tmp/nx-crossbake/\n'], ['tmp\n'], ['/tmp/\n']])(
    'treats %j as already ignoring tmp/nx-crossbake',
    (existing) => {
      expect(withIgnoredPaths(existing, ['tmp/nx-crossbake'])).toEqual({ text: existing, added: [] });
    },
  );

  it('is not fooled by comments or look-alike names', () => {
    const existing = '# tmp/nx-crossbake\ntmpfiles\ndist-old\n';
    expect(withIgnoredPaths(existing, CROSSBAKE_IGNORES).added).toEqual(['tmp/nx-crossbake', 'dist/nx-crossbake']);
  });

  it('respects a path the user re-included with !', () => {
    expect(withIgnoredPaths('dist\n!dist/nx-crossbake\n', ['dist/nx-crossbake']).added).toEqual([]);
  });

  it('adds nothing the second time', () => {
    const once = withIgnoredPaths('node_modules\n', CROSSBAKE_IGNORES).text;
    expect(withIgnoredPaths(once, CROSSBAKE_IGNORES)).toEqual({ text: once, added: [] });
  });

  it('keeps CRLF files readable', () => {
    expect(withIgnoredPaths('dist\r\ntmp\r\n', CROSSBAKE_IGNORES).added).toEqual([]);
  });
});
