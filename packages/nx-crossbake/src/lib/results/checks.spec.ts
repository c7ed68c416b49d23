import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBakeFailure } from './failures';
import { distinctFindings, formatFinding, parseMetadataWarnings, withCheckDirectiveHint } from './checks';

const fixture = (name: string) => readFileSync(join(__dirname, '..', '__fixtures__', name), 'utf8');

describe('parseMetadataWarnings', () => {
  it("reads each warning's rule, message, line, URL and the Dockerfile it is about (recorded)", () => {
    const warnings = parseMetadataWarnings(fixture('bake-metadata.warnings.json'));
    expect(warnings.map((w) => w.finding)).toEqual([
      {
        rule: 'FromAsCasing',
        message: "'as' and 'FROM' keywords' casing do not match",
        line: 1,
        url: 'https://docs.docker.com/go/dockerfile/rule/from-as-casing/',
      },
      {
        rule: 'SecretsUsedInArgOrEnv',
        message: 'Do not use ARG or ENV instructions for sensitive data (ENV "PASSWORD_SECRET")',
        line: 2,
        url: 'https://docs.docker.com/go/dockerfile/rule/secrets-used-in-arg-or-env/',
      },
      {
        rule: 'JSONArgsRecommended',
        message: 'JSON arguments recommended for CMD to prevent unintended behavior related to OS signals',
        line: 4,
        url: 'https://docs.docker.com/go/dockerfile/rule/json-args-recommended/',
      },
    ]);
    expect(new Set(warnings.map((w) => w.dockerfile))).toEqual(
      new Set(['FROM 127.0.0.1:5000/crossbake/busybox:1 as base\nENV PASSWORD_SECRET=x\nRUN echo $UNDEFINED_THING\nCMD echo hi\n']),
    );
  });

  it('finds nothing in a metadata file without warnings', () => {
    expect(parseMetadataWarnings(fixture('bake-metadata.json'))).toEqual([]);
  });

  it('skips a warning that is no rule finding or names no Dockerfile', () => {
    const short = (text: string) => Buffer.from(text).toString('base64');
    const json = JSON.stringify({
      'buildx.build.warnings': [
        { short: short('something odd happened') },
        { short: short('FromAsCasing: x (line 1)') },
        { short: short('UndefinedVar: y'), sourceInfo: { data: short('FROM a\n') } },
      ],
    });
    expect(parseMetadataWarnings(json)).toEqual([{ dockerfile: 'FROM a\n', finding: { rule: 'UndefinedVar', message: 'y' } }]);
  });
});

describe('distinctFindings and formatFinding', () => {
  it('keeps one of each finding, in line order', () => {
    const f = (rule: string, line?: number) => ({ rule, line, message: 'm', file: 'apps/a/Dockerfile' });
    expect(distinctFindings([f('B', 3), f('A', 1), f('B', 3), f('C')])).toEqual([f('C'), f('A', 1), f('B', 3)]);
  });

  it('names the rule, the Dockerfile line and the docs', () => {
    expect(formatFinding({ rule: 'FromAsCasing', file: 'apps/a/Dockerfile', line: 1, message: 'casing', url: 'https://d/x/' })).toBe(
      'FromAsCasing at apps/a/Dockerfile:1: casing (https://d/x/)',
    );
    expect(formatFinding({ rule: 'X', file: 'Dockerfile', message: 'm' })).toBe('X at Dockerfile: m');
  });
});

describe('withCheckDirectiveHint', () => {
  it("says a Dockerfile's own check=error=true failed the build, and what to do (recorded)", () => {
    const failure = parseBakeFailure(fixture('bake-failure.check-directive.plain.txt'));
    const text = withCheckDirectiveHint(failure.general);
    expect(text).toMatch(
      /lint violation found for rules: FromAsCasing\nhint: the Dockerfile's own `# check=error=true` directive fails its build/,
    );
    expect(text).toContain('fix FromAsCasing');
  });

  it('leaves other errors alone', () => {
    expect(withCheckDirectiveHint('ERROR: failed to solve: exit code: 2')).toBe('ERROR: failed to solve: exit code: 2');
  });
});
