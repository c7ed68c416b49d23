import { csvPair, parseCsv } from './csv';

describe('parseCsv reads one record as go-csvvalue does for buildx', () => {
  // tonistiigi/go-csvvalue csvvalue_test.go, the cases of its default parser (no lazy quotes, no trimming).
  it.each<[string, string[]]>([
    ['foo,bar,baz', ['foo', 'bar', 'baz']],
    ['foo,bar,baz\n', ['foo', 'bar', 'baz']],
    ['foo,bar,baz\r\n', ['foo', 'bar', 'baz']],
    [' ', [' ']],
    ['   foo,bar,baz', ['   foo', 'bar', 'baz']],
    ['a,"b,cc ,ddd",e', ['a', 'b,cc ,ddd', 'e']],
    ['""', ['']],
    [
      'type=docker,name=test.docker,"containerimage.config={""Config"":{""StopSignal"":""37""}}"',
      ['type=docker', 'name=test.docker', 'containerimage.config={"Config":{"StopSignal":"37"}}'],
    ],
    ['a,"foo""",c', ['a', 'foo"', 'c']],
    ['a,', ['a', '']],
    // go-csvvalue 030d3b2 compiled and run on these (issue #19 port review)
    ['"a\nb",c', ['a\nb', 'c']],
    ['"a\r\nb"', ['a\r\nb']],
    ['a,b\r', ['a', 'b\r']],
    ['a,b\n\n', ['a', 'b\n']],
    ['"a",', ['a', '']],
    [',', ['', '']],
    ['"é,ü",x', ['é,ü', 'x']],
    ['"",""', ['', '']],
  ])('%j → %j', (input, fields) => {
    expect(parseCsv(input)).toEqual({ fields });
  });

  it.each([
    ['', 'it is empty'],
    ['\n', 'it is empty'],
    ['"', 'a quoted field is not closed'],
    ['"""', 'a quoted field is not closed'],
    ['foo,aa"bb,cc', `a quote (") inside the unquoted field 'aa"bb'`],
    ['a""b,c', 'a quote (") inside the unquoted field'],
    ['a "word","b"', 'a quote (") inside the unquoted field'],
    ['"a word",b"', 'a quote (") inside the unquoted field \'b"\''],
    ['"a "word","b"', `'w' after the closing quote of "a "`],
    // go-csvvalue 030d3b2: ErrQuote, ErrQuote, ErrBareQuote
    ['"a"b', `'b' after the closing quote of "a"`],
    ['"a""', 'a quoted field is not closed'],
    ['a"', `a quote (") inside the unquoted field 'a"'`],
  ])('refuses %j: %s', (input, error) => {
    expect(parseCsv(input).error).toContain(error);
  });
});

describe('csvPair', () => {
  it.each([
    ['src', 'secrets/key.pem', 'src=secrets/key.pem'],
    ['src', 'a,b', '"src=a,b"'],
    ['src', 'say "hi"', '"src=say ""hi"""'],
  ])('%s=%s → %s, which parseCsv reads back as one field', (key, value, pair) => {
    expect(csvPair(key, value)).toBe(pair);
    expect(parseCsv(csvPair(key, value))).toEqual({ fields: [`${key}=${value}`] });
  });
});
