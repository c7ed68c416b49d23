import {
  BadPatternError,
  cleanPath,
  compileDockerignore,
  isIgnored,
  keepsOut,
  mayReinclude,
  parseDockerignore,
} from './dockerignore-matcher';

const ignored = (patterns: string[], path: string) => isIgnored(compileDockerignore(patterns), path);

// moby/patternmatcher patternmatcher_test.go, TestMatches (run through MatchesOrParentMatches).
const MATCHES: [string, string, boolean][] = [
  ['**', 'file', true],
  ['**', 'file/', true],
  ['**/', 'file', true],
  ['**/', 'file/', true],
  ['**', '/', true],
  ['**/', '/', true],
  ['**', 'dir/file', true],
  ['**/', 'dir/file', true],
  ['**', 'dir/file/', true],
  ['**/', 'dir/file/', true],
  ['**/**', 'dir/file', true],
  ['**/**', 'dir/file/', true],
  ['dir/**', 'dir/file', true],
  ['dir/**', 'dir/file/', true],
  ['dir/**', 'dir/dir2/file', true],
  ['dir/**', 'dir/dir2/file/', true],
  ['**/dir', 'dir', true],
  ['**/dir', 'dir/file', true],
  ['**/dir2/*', 'dir/dir2/file', true],
  ['**/dir2/*', 'dir/dir2/file/', true],
  ['**/dir2/**', 'dir/dir2/dir3/file', true],
  ['**/dir2/**', 'dir/dir2/dir3/file/', true],
  ['**file', 'file', true],
  ['**file', 'dir/file', true],
  ['**/file', 'dir/file', true],
  ['**file', 'dir/dir/file', true],
  ['**/file', 'dir/dir/file', true],
  ['**/file*', 'dir/dir/file', true],
  ['**/file*', 'dir/dir/file.txt', true],
  ['**/file*txt', 'dir/dir/file.txt', true],
  ['**/file*.txt', 'dir/dir/file.txt', true],
  ['**/file*.txt*', 'dir/dir/file.txt', true],
  ['**/**/*.txt', 'dir/dir/file.txt', true],
  ['**/**/*.txt2', 'dir/dir/file.txt', false],
  ['**/*.txt', 'file.txt', true],
  ['**/**/*.txt', 'file.txt', true],
  ['a**/*.txt', 'a/file.txt', true],
  ['a**/*.txt', 'a/dir/file.txt', true],
  ['a**/*.txt', 'a/dir/dir/file.txt', true],
  ['a/*.txt', 'a/dir/file.txt', false],
  ['a/*.txt', 'a/file.txt', true],
  ['a/*.txt**', 'a/file.txt', true],
  ['a[b-d]e', 'ae', false],
  ['a[b-d]e', 'ace', true],
  ['a[b-d]e', 'aae', false],
  ['a[^b-d]e', 'aze', true],
  ['.*', '.foo', true],
  ['.*', 'foo', false],
  ['abc.def', 'abcdef', false],
  ['abc.def', 'abc.def', true],
  ['abc.def', 'abcZdef', false],
  ['abc?def', 'abcZdef', true],
  ['abc?def', 'abcdef', false],
  ['a\\\\', 'a\\', true],
  ['**/foo/bar', 'foo/bar', true],
  ['**/foo/bar', 'dir/foo/bar', true],
  ['**/foo/bar', 'dir/dir2/foo/bar', true],
  ['abc/**', 'abc', false],
  ['abc/**', 'abc/def', true],
  ['abc/**', 'abc/def/ghi', true],
  ['**/.foo', '.foo', true],
  ['**/.foo', 'bar.foo', false],
  ['a(b)c/def', 'a(b)c/def', true],
  ['a(b)c/def', 'a(b)c/xyz', false],
  ['a.|)$(}+{bc', 'a.|)$(}+{bc', true],
  ['dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', true],
  ['dist/*.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', true],
  ['a\\*b', 'a*b', true],
  // Not in patternmatcher's table: its suffix shortcut for a leading `**` takes any ending, not only a whole name.
  ['**file', 'dir/myfile', true],
];

// TestMatches' multiPatternTests, and the single-test functions above it (exceptions, folders).
const MULTI: [string[], string, boolean][] = [
  [['**', '!util/docker/web'], 'util/docker/web/foo', false],
  [['**', '!util/docker/web', 'util/docker/web/foo'], 'util/docker/web/foo', true],
  [['**', '!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl'], 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', false],
  [['**', '!dist/*.whl'], 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', false],
  [['*'], 'fileutils.go', true],
  [['*.go'], 'fileutils.go', true],
  [['!fileutils.go', '*.go'], 'fileutils.go', true],
  [['docs', '!docs/README.md'], 'docs/README.md', false],
  [['docs/', '!docs/README.md'], 'docs/README.md', false],
  [['docs/*', '!docs/README.md'], 'docs/README.md', false],
  [['*.go', '!fileutils.go'], 'fileutils.go', false],
  [[], '/any/path/there', false],
];

// matchTests (Go's filepath.Match tests, as patternmatcher runs them): no error expected.
const GO_MATCH: [string, string, boolean][] = [
  ['abc', 'abc', true],
  ['*', 'abc', true],
  ['*c', 'abc', true],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*', 'ab/c', true],
  ['a*/b', 'abc/b', true],
  ['a*/b', 'a/c/b', false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false],
  ['ab[c]', 'abc', true],
  ['ab[b-d]', 'abc', true],
  ['ab[e-g]', 'abc', false],
  ['ab[^c]', 'abc', false],
  ['ab[^b-d]', 'abc', false],
  ['ab[^e-g]', 'abc', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'ab', false],
  ['a?b', 'a☺b', true],
  ['a[^a]b', 'a☺b', true],
  ['a???b', 'a☺b', false],
  ['a[^a][^a][^a]b', 'a☺b', false],
  ['[a-ζ]*', 'α', true],
  ['*[a-ζ]', 'A', false],
  ['a?b', 'a/b', false],
  ['a*b', 'a/b', false],
  ['[\\]a]', ']', true],
  ['[\\-]', '-', true],
  ['[x\\-]', 'x', true],
  ['[x\\-]', '-', true],
  ['[x\\-]', 'z', false],
  ['[\\-x]', 'x', true],
  ['[\\-x]', '-', true],
  ['[\\-x]', 'a', false],
  ['*x', 'xxx', true],
];

// matchTests whose pattern filepath.Match (so patternmatcher.New) refuses; and New's own refusal of "!".
const BAD = ['[]a]', '[-]', '[x-]', '[-x]', '\\', '[a-b-c]', '[', '[^', '[^bc', 'a[', '!'];

/** What patternmatcher answers for a path: matched or not, or 'error' from New or from the match. */
const outcome = (patterns: string[], path: string): boolean | 'error' => {
  try {
    return ignored(patterns, path);
  } catch (e) {
    if (e instanceof BadPatternError) return 'error';
    throw e;
  }
};

// patternmatcher v0.6.1 (5a6d842) run in Go on these (issue #19 port review): its own regression test
// (TestMatchesOrParentMatchesMalformedPatternDoesNotPanicOnRepeatedCall) and the RE2 dialect reached through
// a pattern. Where upstream errors only at the match, we may error at compile: the same outcome.
const UPSTREAM_V061: [string[], string, boolean | 'error'][] = [
  [['[Local-Only]/'], 'x', 'error'],
  [['\\s*'], '\u000b', false], // RE2's \s has no \v
  [['\\s*'], ' \t', true],
  [['[\\s]*'], '\u000b', false],
  [['[^\\s]'], '\u000b', true],
  [['\\S*'], '\u000b', true],
  [['!a[z-a]*'], 'x', false], // an exception before any pattern is never evaluated, so never compiled
  [['*', '!a[z-a]*'], 'x', 'error'],
  [['\\d*'], '1a', true],
  [['\\x41*'], 'A', true],
  [['[\\d]'], '5', true],
  [['a\\b*'], 'a', true],
  [['a^b*'], 'a^bc', false],
  [['[!a]'], '!', true],
  [['a\\'], 'a', 'error'],
  [['a/b/../c'], 'a/c', true],
  [['*', '!./foo'], 'foo', true],
  [['**/dir2/**'], 'dir2', false],
  [['x/**/y'], 'x/y', true],
  [['**', '!**/keep', 'x/**'], 'x/keep', true],
];

// Documented departures (see dockerignore-matcher.ts): upstream's answer, then ours, which the row asserts.
const DEPARTURES: [string[], string, boolean, string][] = [
  // RE2-only constructs are refused with an error naming them rather than emulated.
  [['[[:alpha:]]'], 'a', true, 'a POSIX class'],
  [['[[:digit:]]*'], '1x', true, 'a POSIX class'],
  [['[[:alpha:]]'], 'a]', false, 'a POSIX class'],
  [['\\Aabc*'], 'abcd', true, '\\A'],
  [['\\pL*'], 'x', true, '\\p'],
  [['\\Qa*'], 'a*', false, '\\Q'],
];

describe('dockerignore matching (moby/patternmatcher)', () => {
  it.each(MATCHES)('%j matches %j: %s', (pattern, path, expected) => {
    expect(isIgnored(compileDockerignore([pattern]), path)).toBe(expected);
  });

  it.each(MULTI)('%j on %j: %s', (patterns, path, expected) => {
    expect(ignored(patterns, path)).toBe(expected);
  });

  it.each(GO_MATCH)("filepath.Match's %j on %j: %s", (pattern, path, expected) => {
    expect(ignored([pattern], cleanPath(path))).toBe(expected);
  });

  it.each(BAD)('refuses %j as BuildKit does', (pattern) => {
    expect(() => compileDockerignore([pattern])).toThrow(BadPatternError);
  });

  it.each(UPSTREAM_V061)('v0.6.1: %j on %j: %s', (patterns, path, expected) => {
    expect(outcome(patterns, path)).toBe(expected);
  });

  it.each(DEPARTURES)('departure: %j on %j (Docker: %s) is refused, naming %s', (patterns, path, _docker, construct) => {
    expect(outcome(patterns, path)).toBe('error');
    expect(() => compileDockerignore(patterns)).toThrow(`uses ${construct}`);
  });

  it('accepts any escaped punctuation, as Go does, and refuses an unknown escaped letter', () => {
    expect(ignored(['a\\-b'], 'a-b')).toBe(true);
    expect(ignored(['a\\!b*'], 'a!bc')).toBe(true);
    expect(() => compileDockerignore(['a\\q*'])).toThrow(BadPatternError);
  });
});

describe('parseDockerignore (ignorefile.ReadAll)', () => {
  it('trims, cleans, drops comments and a leading slash, keeps "!" in front', () => {
    const text = 'test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n!\n! ';
    expect(parseDockerignore(text)).toEqual(['test1', 'test2', 'a/file/here', 'lastfile', '!inverted/abs/path', '!', '!']);
  });

  it('strips a BOM and CRLF; a "#" after leading spaces is a pattern, not a comment', () => {
    expect(parseDockerignore('\uFEFF.nx/\r\n  #keep\r\n./dist/../tmp//\r\n')).toEqual(['.nx', '#keep', 'tmp']);
  });

  // ignorefile.ReadAll v0.6.1 run in Go: whitespace is Go's unicode.IsSpace, the BOM only at the file's start.
  it.each<[string, string[]]>([
    ['\u0085foo\n', ['foo']],
    ['foo\uFEFF\n', ['foo\uFEFF']],
    ['a\n\uFEFFb\n', ['a', '\uFEFFb']],
    ['! !x\n', ['!!x']],
    ['!#x\n', ['!#x']],
  ])('v0.6.1: reads %j as %j', (text, expected) => expect(parseDockerignore(text)).toEqual(expected));
});

describe('keepsOut: nothing from inside the folder reaches the build', () => {
  it.each([
    [['.nx'], '.nx', true],
    [['/.nx/'], '.nx', true],
    [['**/.nx'], '.nx', true],
    [['.nx/**'], '.nx', true],
    [['.nx/*'], '.nx', true],
    [['*'], 'node_modules', true],
    [['dist'], 'dist/nx-crossbake', true],
    [['dist/nx-crossbake'], 'dist/nx-crossbake', true],
    [['dist/*'], 'dist/nx-crossbake', true],
    [['.nx/cache'], '.nx', false],
    [['.nx*'], '.nx', true],
    [['node_modules', '!node_modules/left-pad'], 'node_modules', false],
    [['!node_modules/left-pad', 'node_modules'], 'node_modules', true],
    [['*', '!apps/**'], 'node_modules', true],
    [['*', '!**/*.ts'], 'node_modules', false],
    [['*', '!*/package.json'], '.nx', false],
    [['*', '!apps/*/package.json'], '.nx', true],
    [['.nx', '!.nx'], '.nx', false],
    [['tmp', '!tmp/keep', 'tmp/keep'], 'tmp', false],
    [[], '.nx', false],
  ] as [string[], string, boolean][])('%j keeps %j out: %s', (patterns, folder, expected) => {
    expect(keepsOut(compileDockerignore(parseDockerignore(patterns.join('\n'))), folder)).toBe(expected);
  });

  it('agrees with the matcher: what it keeps out, every path inside is ignored', () => {
    const cases: string[][] = [['.nx'], ['.nx/**'], ['*', '!apps/**'], ['!node_modules/x', 'node_modules']];
    for (const patterns of cases) {
      const compiled = compileDockerignore(patterns);
      for (const folder of ['.nx', 'node_modules']) {
        if (!keepsOut(compiled, folder)) continue;
        for (const inside of ['x', 'x/y', 'cache/terminalOutputs/1', 'package.json'])
          expect([patterns, isIgnored(compiled, `${folder}/${inside}`)]).toEqual([patterns, true]);
      }
    }
  });

  it('mayReinclude: a pattern naming the folder, a parent, or something inside it could', () => {
    const [inside, parent, elsewhere, anywhere] = compileDockerignore(['!dist/nx-crossbake/x', '!dist', '!apps/*', '!**/keep']);
    expect(mayReinclude(inside, 'dist/nx-crossbake')).toBe(true);
    expect(mayReinclude(parent, 'dist/nx-crossbake')).toBe(true);
    expect(mayReinclude(elsewhere, 'dist/nx-crossbake')).toBe(false);
    expect(mayReinclude(anywhere, 'dist/nx-crossbake')).toBe(true);
  });
});
