import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCheckCall } from './build-checks';

const fixture = (name: string) => readFileSync(join(__dirname, '..', '__fixtures__', name), 'utf8');

describe('parseCheckCall', () => {
  it("reads each target's findings; a clean target has none (recorded)", () => {
    const checks = parseCheckCall(fixture('bake-check.json'));
    expect([...checks.keys()].sort()).toEqual(['a', 'b']);
    expect(checks.get('b')).toEqual({ findings: [], error: undefined });
    expect(checks.get('a')!.findings.map((f) => [f.rule, f.line])).toEqual([
      ['FromAsCasing', 1],
      ['SecretsUsedInArgOrEnv', 2],
      ['JSONArgsRecommended', 4],
    ]);
    expect(checks.get('a')!.findings[0]).toEqual({
      rule: 'FromAsCasing',
      message: "'as' and 'FROM' keywords' casing do not match",
      line: 1,
      url: 'https://docs.docker.com/go/dockerfile/rule/from-as-casing/',
    });
  });

  it("gives a target whose check could not run its error, with buildx's source lines (recorded)", () => {
    const checks = parseCheckCall(fixture('bake-check.errors.json'));
    expect(checks.get('d')!.findings).toEqual([]);
    expect(checks.get('d')!.error).toMatch(
      /^failed to resolve source metadata for 127\.0\.0\.1:5000\/crossbake\/nope:1: .*not found\nc\/Dockerfile:1\n/,
    );
    expect(checks.get('c')!.findings.map((f) => f.message)).toEqual([
      "Usage of undefined variable '$FOO'",
      "Usage of undefined variable '$NOPE'",
    ]);
  });

  it('throws on output that is not the call JSON', () => {
    expect(() => parseCheckCall('')).toThrow();
    expect(() => parseCheckCall('{"group": {}}')).toThrow(/no "target"/);
  });
});
