import { expandWord, splitWords, UNKNOWN, unquoteWord, type VariableValue } from './words';

describe('splitWords', () => {
  it.each([
    ['a  b\tc', ['a', 'b', 'c']],
    ['  leading and trailing  ', ['leading', 'and', 'trailing']],
    ['--from="a b" /x', ['--from="a b"', '/x']],
    ['A=\'x y\' B="1 2"', ["A='x y'", 'B="1 2"']],
    ['a\\ b c', ['a\\ b', 'c']],
    ["'it\\' s'", ["'it\\'", "s'"]],
    ['', []],
  ])('%j → %j', (text, words) => expect(splitWords(text)).toEqual(words));

  it('uses the given escape character', () => {
    expect(splitWords('a` b c:\\x', '`')).toEqual(['a` b', 'c:\\x']);
  });
});

describe('expandWord', () => {
  const variables = new Map<string, VariableValue>([
    ['BASE', 'registry.example.com/acme/base:1'],
    ['EMPTY', ''],
    ['NODEFAULT', null],
    ['ARCH', UNKNOWN],
    ['TAG', '2'],
  ]);

  it.each([
    ['$BASE', 'registry.example.com/acme/base:1'],
    ['${BASE}', 'registry.example.com/acme/base:1'],
    ['acme/api:$TAG-slim', 'acme/api:2-slim'],
    ['acme/api:${TAG}x', 'acme/api:2x'],
    ['$TAGx', ''], // the name runs on: TAGx is undeclared
    ['$UNDECLARED', ''],
    ['a${UNDECLARED}b', 'ab'],
    ['${UNDECLARED:-alpine}', 'alpine'],
    ['${EMPTY:-alpine}', 'alpine'],
    ['${EMPTY-alpine}', ''],
    ['${NODEFAULT:-alpine}', 'alpine'],
    ['${NODEFAULT-alpine}', 'alpine'],
    ['${BASE:-alpine}', 'registry.example.com/acme/base:1'],
    ['${TAG:+set}', 'set'],
    ['${EMPTY:+set}', ''],
    ['${EMPTY+set}', 'set'],
    ['${NODEFAULT:+set}', ''],
    ['${UNDECLARED+set}', ''],
    ['${UNDECLARED:-${BASE}}', 'registry.example.com/acme/base:1'],
    ['${UNDECLARED:-acme/${UNDECLARED:-x}:${TAG}}', 'acme/x:2'],
    ['"$BASE"', 'registry.example.com/acme/base:1'],
    ["'$BASE'", '$BASE'],
    ['\\$BASE', '$BASE'],
    ['"a\\"b\\c"', 'a"b\\c'],
    ['"it\'s"', "it's"],
    ['cost: $', 'cost: $'],
    ['$1', '$1'],
  ])('%s → %j', (word, expanded) => expect(expandWord(word, variables)).toBe(expanded));

  it.each([
    ['a bare ARG without a default', '$NODEFAULT'],
    ['a braced ARG without a default', 'acme/${NODEFAULT}'],
    ['a per-platform value', 'acme/base-${ARCH}'],
    ['a per-platform value, even with a fallback', '${ARCH:-amd64}'],
    ['an unknown inside a fallback that is used', '${UNDECLARED:-$NODEFAULT}'],
    ['a missing closing brace', '${BASE'],
    ['an operator we do not model', '${BASE%:*}'],
    ['a length', '${#BASE}'],
    ['an error operator', '${BASE?}'],
  ])('is unknown with %s', (_, word) => expect(expandWord(word, variables)).toBeUndefined());

  it('does not need to know a fallback that is not used', () => {
    expect(expandWord('${TAG:-$NODEFAULT}', variables)).toBe('2');
  });

  it('uses the given escape character', () => {
    expect(expandWord('`$BASE c:\\x', variables, '`')).toBe('$BASE c:\\x');
  });
});

describe('unquoteWord', () => {
  it.each([
    ['"acme/base:1"', 'acme/base:1'],
    ["'x'", 'x'],
    ['$BASE', '$BASE'],
    ['"${BASE}"', '${BASE}'],
    ['plain', 'plain'],
  ])('%s → %s', (word, unquoted) => expect(unquoteWord(word)).toBe(unquoted));
});
