import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { UNKNOWN_VALUE } from './expand';
import { makeCommands, parseMakeArguments } from './run';

const FIXTURES = join(__dirname, '__fixtures__');
const CORPUS = join(__dirname, '..', '..', '__fixtures__', 'corpus', 'go');
const cases = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as Record<
  string,
  { args: string[]; env: Record<string, string>; problem?: string }
>;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('makeCommands on small Makefiles, against what GNU make prints (`make -n`, recorded by __fixtures__/record.sh)', () => {
  const snippets = JSON.parse(readFileSync(join(FIXTURES, 'snippets.json'), 'utf8')) as Record<
    string,
    { makefile: string; args?: string[]; env?: Record<string, string> }
  >;
  const recorded = JSON.parse(readFileSync(join(FIXTURES, 'snippets.make-n.json'), 'utf8')) as Record<string, string>;

  it.each(Object.entries(snippets))('%s', (name, { makefile, args = [], env = {} }) => {
    const invocation = parseMakeArguments(args, '/w');
    if (typeof invocation === 'string') throw new Error(invocation);
    const read = (path: string) => (path === '/w/Makefile' ? makefile : undefined);
    const ours = makeCommands({ ...invocation, environment: new Map(Object.entries(env)) }, read);
    if (ours === undefined || typeof ours === 'string') throw new Error(`${name}: ${ours}`);
    expect(ours.map((c) => `${c.text}\n`).join('')).toBe(recorded[name]);
  });
});

describe('makeCommands, against what GNU make prints (`make -n`, recorded by __fixtures__/record.sh)', () => {
  // The recording's target: linux/arm/v7.
  const target = { GOOS: 'linux', GOARCH: 'arm', GOARM: '7' };

  it.each(Object.entries(cases))('%s', (id, { args, env, problem }) => {
    const dir = '/src';
    const read = (path: string) => {
      if (posix.dirname(path) !== dir) return undefined;
      try {
        return readFileSync(join(CORPUS, id, posix.basename(path)), 'utf8');
      } catch {
        return undefined;
      }
    };
    const invocation = parseMakeArguments(args, dir);
    if (typeof invocation === 'string') throw new Error(invocation);
    const ours = makeCommands({ ...invocation, environment: new Map(Object.entries({ ...env, ...target })) }, read);
    // A reading this cannot finish names the line; make -n ran on (what `which` found here decided).
    if (problem !== undefined) return expect(ours).toContain(problem);
    if (ours === undefined || typeof ours === 'string') throw new Error(`${id}: ${ours}`);
    const recorded = readFileSync(join(FIXTURES, `${id}.make-n.txt`), 'utf8').replace(/\n$/, '');
    // What only the build machine knows ($(shell git …), $(wildcard …)) matches whatever make printed there.
    const pattern = ours
      .map((c) => c.text)
      .join('\n')
      .split(UNKNOWN_VALUE)
      .map(escapeRegExp)
      .join('[^\\n]*');
    expect(recorded).toMatch(new RegExp(`^${pattern}$`));
  });
});
