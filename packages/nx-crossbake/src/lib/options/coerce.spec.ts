import { show, toBoolean, toChoice, toInteger, toKeyValueList, toObjectList, toStringList, toText, type ListSplit } from './coerce';

/** The value and the problems a coercion gives. */
function run<T>(coerce: (problems: string[]) => T): [T, string[]] {
  const problems: string[] = [];
  return [coerce(problems), problems];
}

describe('toStringList', () => {
  // The accepted forms, as docker/build-push-action's getInputList reads them (comma: platforms, tags; line: the rest).
  it.each<[unknown, ListSplit, string[]]>([
    [['linux/amd64', 'linux/arm64'], 'comma', ['linux/amd64', 'linux/arm64']],
    ['linux/amd64,linux/arm64', 'comma', ['linux/amd64', 'linux/arm64']],
    [' linux/amd64 , linux/arm64 ,', 'comma', ['linux/amd64', 'linux/arm64']],
    ['linux/amd64\nlinux/arm64\r\nlinux/arm/v7', 'comma', ['linux/amd64', 'linux/arm64', 'linux/arm/v7']],
    ['a:1,b:2\nc:3', 'comma', ['a:1', 'b:2', 'c:3']],
    [['linux/amd64,linux/arm64', 'linux/arm/v7'], 'comma', ['linux/amd64', 'linux/arm64', 'linux/arm/v7']],
    ['type=registry,ref=r/api:cache\ntype=local,src=tmp/c', 'line', ['type=registry,ref=r/api:cache', 'type=local,src=tmp/c']],
    ['A=1,2\n\n  B=x  \n', 'line', ['A=1,2', 'B=x']],
    [['A=1,2', 'B=x'], 'line', ['A=1,2', 'B=x']],
    ['#not-a-comment=1', 'line', ['#not-a-comment=1']],
    ['', 'comma', []],
    [[], 'line', []],
  ])('reads %j (%s) as %j', (value, split, list) => {
    expect(run((p) => toStringList('opt', value, split, p))).toEqual([list, []]);
  });

  it.each([undefined, null])('reads %j as unset', (value) => {
    expect(run((p) => toStringList('opt', value, 'line', p))).toEqual([undefined, []]);
  });

  it.each<[unknown, ListSplit, string]>([
    [{ A: 'b' }, 'line', `'opt' is {"A":"b"}: expected a list of strings, e.g. ["a", "b"], or one string with an entry per line`],
    [
      true,
      'comma',
      '\'opt\' is true: expected a list of strings, e.g. ["a", "b"], or one string with entries separated by commas or lines',
    ],
    [['a', 1], 'line', `'opt' is ["a",1]: expected a list of strings`],
    [[null], 'line', "'opt' is [null]: expected a list of strings"],
    [5, 'line', "'opt' is 5: expected"],
  ])('refuses %j, naming option, value and what was expected', (value, split, message) => {
    const [list, problems] = run((p) => toStringList('opt', value, split, p));
    expect(list).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });
});

describe('toKeyValueList', () => {
  it.each<[unknown, string[]]>([
    [{ A: 'b', N: 2, F: false, EMPTY: '' }, ['A=b', 'N=2', 'F=false', 'EMPTY=']],
    [
      ['A=b', 'C=d,e'],
      ['A=b', 'C=d,e'],
    ],
    ['A=b\nC=d,e', ['A=b', 'C=d,e']],
    [{}, []],
  ])('reads %j as %j', (value, list) => {
    expect(run((p) => toKeyValueList('build-args', value, p))).toEqual([list, []]);
  });

  it.each<[unknown, string]>([
    [{ A: { nested: 1 } }, `'build-args' entry 'A' is {"nested":1}: expected a string, number or boolean value`],
    [{ A: null }, "'build-args' entry 'A' is null: expected a string, number or boolean value"],
    [7, "'build-args' is 7: expected a list of strings"],
  ])('refuses %j', (value, message) => {
    expect(run((p) => toKeyValueList('build-args', value, p))[1]).toEqual([expect.stringContaining(message)]);
  });
});

describe('toBoolean', () => {
  it.each<[unknown, boolean | undefined]>([
    [true, true],
    [false, false],
    ['true', true],
    ['false', false],
    [undefined, undefined],
  ])('reads %j as %j', (value, result) => {
    expect(run((p) => toBoolean('push', value, p))).toEqual([result, []]);
  });

  it.each(['yes', 'True', 'no', '1', '', 1, 0, ['true'], { value: true }])('refuses %j rather than reading it as true', (value) => {
    const [result, problems] = run((p) => toBoolean('push', value, p));
    expect(result).toBeUndefined();
    expect(problems).toEqual([`'push' is ${show(value)}: expected true or false`]);
  });
});

describe('toText', () => {
  it.each<[unknown, string | undefined]>([
    ['runtime', 'runtime'],
    [2, '2'],
    ['', ''],
    [null, undefined],
  ])('reads %j as %j', (value, text) => {
    expect(run((p) => toText('target', value, p))).toEqual([text, []]);
  });

  it.each([true, ['a'], { a: 1 }])('refuses %j', (value) => {
    expect(run((p) => toText('target', value, p))).toEqual([undefined, [`'target' is ${show(value)}: expected a string`]]);
  });
});

describe('toChoice', () => {
  const modes = ['auto', 'none'] as const;
  it('reads one of the choices', () => expect(run((p) => toChoice('cache', 'none', modes, p))).toEqual(['none', []]));
  it.each(['None', 'off', false, 1])('refuses %j, listing the choices', (value) => {
    expect(run((p) => toChoice('cache', value, modes, p))).toEqual([undefined, [`cache ${show(value)} is not one of auto, none`]]);
  });
});

describe('toInteger', () => {
  it.each<[unknown, number]>([
    [4, 4],
    ['4', 4],
    [' 12 ', 12],
    [0, 0],
  ])('reads %j as %j', (value, number) => expect(run((p) => toInteger('max-parallelism', value, p))).toEqual([number, []]));

  it.each([1.5, 'four', '4x', true, [4]])('refuses %j', (value) => {
    expect(run((p) => toInteger('max-parallelism', value, p))).toEqual([
      undefined,
      [`'max-parallelism' is ${show(value)}: expected a whole number`],
    ]);
  });
});

describe('toObjectList', () => {
  it('reads a list of objects as it is', () => {
    const value = [{ url: 'r', username: 'u', passwordEnv: 'P' }];
    expect(run((p) => toObjectList('registries', value, p))).toEqual([value, []]);
  });

  it.each([{ url: 'r' }, 'r', [null], [['r']], ['r']])('refuses %j', (value) => {
    expect(run((p) => toObjectList('registries', value, p))[1]).toEqual([
      expect.stringContaining(`'registries' is ${show(value)}: expected a list of objects`),
    ]);
  });
});

describe('show', () => {
  it('quotes strings, writes the rest as JSON, and shortens long values', () => {
    expect([show('a'), show({ a: 1 }), show(undefined)]).toEqual(["'a'", '{"a":1}', 'undefined']);
    expect(show('x'.repeat(200))).toHaveLength(78);
  });
});
