import { parseShellCommands } from './shell-commands';

describe('parseShellCommands', () => {
  it.each([
    ['one command', 'go build -o /out/app .', [['go', 'build', '-o', '/out/app', '.']]],
    ['&&, ||, ; and |', 'a 1 && b || c; d | e', [['a', '1'], ['b'], ['c'], ['d'], ['e']]],
    ['operators without spaces', 'cd /src&&make;make install|tee log', [['cd', '/src'], ['make'], ['make', 'install'], ['tee', 'log']]],
    ['a background &', 'daemon & make', [['daemon'], ['make']]],
    ['newlines', 'set -e\ngo build\n\nmake', [['set', '-e'], ['go', 'build'], ['make']]],
    ['a backslash-newline as one line', 'npm ci \\\n  --no-audit', [['npm', 'ci', '--no-audit']]],
    ['subshells and command substitution', '(cd x && make) && make -j$(nproc)', [['cd', 'x'], ['make'], ['make', '-j$'], ['nproc']]],
    [
      'redirections that are not operators',
      'make 2>&1 &>/dev/null <&3 | tee log',
      [
        ['make', '2>&1', '&>/dev/null', '<&3'],
        ['tee', 'log'],
      ],
    ],
    ['operators inside quotes', `echo "a && go build" 'b; make' c\\;d`, [['echo', 'a && go build', 'b; make', 'c;d']]],
    ['a comment to the end of the line', 'make # && go build\ncargo build', [['make'], ['cargo', 'build']]],
    ['a # inside a word', 'echo a#b', [['echo', 'a#b']]],
    ['leading assignments', 'CGO_ENABLED=0 GOOS="linux" go build', [['go', 'build']]],
    ['an assignment alone', 'X=1; make', [['make']]],
    ['reserved words before a command', 'if [ -f x ]; then make; else ! cmake .; fi', [['[', '-f', 'x', ']'], ['make'], ['cmake', '.']]],
    ['reserved words after the command word are arguments', 'echo if then X=1', [['echo', 'if', 'then', 'X=1']]],
    ['a quoted reserved word is a command', '"if"', [['if']]],
    ['nothing', '  \n ; && ', []],
  ])('%s', (_, script, expected) => {
    expect(parseShellCommands(script)).toEqual(expected);
  });
});
