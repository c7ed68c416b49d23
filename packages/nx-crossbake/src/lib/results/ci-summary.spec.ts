import { existsSync, readdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usePrivateStateDir } from '../../../test-support/state-dir';
import { renderStepSummary, writeCiReports } from './ci-summary';
import { parseJunit } from './junit';
import { serviceResult } from '../../../test-support/service-result';

const result = serviceResult;

const DIGEST = `sha256:${'a'.repeat(64)}`;

/** A table row's cells as GitHub splits them: at every pipe without a backslash. */
const cells = (row: string) => row.slice(2, -2).split(/(?<!\\)\|/);

usePrivateStateDir();

describe('renderStepSummary', () => {
  it('has a heading with the counts, and a row per task: status, platforms, digest, tags, time', () => {
    const text = renderStepSummary([
      result({
        project: '@acme/api',
        task: '@acme/api:docker-multiarch',
        digest: DIGEST,
        durationMs: 12345,
        tags: ['r/api:1', 'r/api:latest'],
      }),
      result({ project: 'web', push: true, load: true, digest: DIGEST, durationMs: 800 }),
      result({
        project: 'two',
        task: 'two:docker-multiarch-debug',
        targetName: 'docker-multiarch-debug',
        status: 'reused',
        digest: DIGEST,
      }),
      result({ project: 'worker', status: 'failed', platforms: ['linux/arm/v7'], tags: [], error: 'boom', durationMs: 3000 }),
    ]);
    expect(text.split('\n').slice(0, 8)).toEqual([
      '### nx-crossbake: 4 tasks, 1 pushed, 1 pushed+loaded, 1 reused, 1 failed',
      '',
      '| Task | Status | Platforms | Digest | Tags | Time | Checks |',
      '| --- | --- | --- | --- | --- | ---: | ---: |',
      `| @acme/api | pushed | linux/amd64, linux/arm64 | \`${DIGEST}\` | \`r/api:1\`<br>\`r/api:latest\` | 12.3s | 0 |`,
      `| web | pushed+loaded | linux/amd64, linux/arm64 | \`${DIGEST}\` | \`r/api:1\` | 0.8s | 0 |`,
      `| two:docker-multiarch-debug | reused | linux/amd64, linux/arm64 | \`${DIGEST}\` | \`r/api:1\` | - | 0 |`,
      '| worker | failed | linux/arm/v7 | - | - | 3.0s | 0 |',
    ]);
  });

  it('has no failures part when every task succeeded', () => {
    const text = renderStepSummary([result({})]);
    expect(text).toBe(
      [
        '### nx-crossbake: 1 task, 1 pushed',
        '',
        '| Task | Status | Platforms | Digest | Tags | Time | Checks |',
        '| --- | --- | --- | --- | --- | ---: | ---: |',
        '| api | pushed | linux/amd64, linux/arm64 | - | `r/api:1` | - | 0 |',
        '',
      ].join('\n'),
    );
  });

  it('lists each failed, invalid or cancelled task after the table with its cause, trimmed, in a code block', () => {
    const text = renderStepSummary([
      result({ project: 'a' }),
      result({ project: 'b', status: 'failed', error: '\n  #8 [b 2/2] RUN exit 1\nERROR: target b: exit code: 1\n\n' }),
      result({ project: 'c', status: 'invalid', error: "'platforms' must be a list" }),
      result({ project: 'd', status: 'cancelled' }),
    ]);
    expect(text.slice(text.indexOf('#### Failures'))).toBe(
      [
        '#### Failures',
        '',
        '**b** failed:',
        '',
        '```text',
        '#8 [b 2/2] RUN exit 1',
        'ERROR: target b: exit code: 1',
        '```',
        '',
        '**c** invalid:',
        '',
        '```text',
        "'platforms' must be a list",
        '```',
        '',
        '**d** cancelled:',
        '',
        '```text',
        'cancelled',
        '```',
        '',
      ].join('\n'),
    );
  });

  it('escapes <, &, pipes, emphasis and backticks in cells, and keeps each row one line of seven cells', () => {
    const text = renderStepSummary([
      result({
        project: 'a|b_<c>&d*',
        task: 'a|b_<c>&d*:docker-multiarch',
        platforms: ['linux/amd64\nlinux/arm64'],
        tags: ['r/x:`tick`|pipe', '`edge'],
        status: 'failed',
        error: 'x',
      }),
    ]);
    const row = text.split('\n')[4];
    expect(cells(row).map((c) => c.trim())).toEqual([
      'a\\|b\\_\\<c\\>\\&d\\*',
      'failed',
      'linux/amd64 linux/arm64',
      '-',
      '``r/x:`tick`\\|pipe``<br>`` `edge ``',
      '-',
      '0',
    ]);
    expect(text).toContain('**a\\|b\\_\\<c\\>\\&d\\*** failed:');
  });

  it("counts each task's build-check findings, and lists the warnings of those that did not fail with rule, line and docs", () => {
    const finding = {
      rule: 'FromAsCasing',
      file: 'apps/api/Dockerfile',
      line: 1,
      message: "'as' and 'FROM' casing",
      url: 'https://docs.docker.com/go/dockerfile/rule/from-as-casing/',
    };
    const text = renderStepSummary([
      result({ checks: [finding] }),
      result({
        project: 'gate',
        task: 'gate:docker-multiarch',
        status: 'failed',
        error: 'check: error: 1 build-check finding(s)',
        checks: [{ ...finding, file: 'apps/gate/Dockerfile' }],
      }),
    ]);
    const rows = text.split('\n').filter((l) => l.startsWith('| api ') || l.startsWith('| gate '));
    expect(rows.map((row) => cells(row).at(-1)!.trim())).toEqual(['1', '1']);
    const warnings = text.slice(text.indexOf('#### Build check warnings'), text.indexOf('#### Failures'));
    expect(warnings.trim().split('\n')).toEqual([
      '#### Build check warnings',
      '',
      "- **api**: FromAsCasing at apps/api/Dockerfile:1: 'as' and 'FROM' casing (https://docs.docker.com/go/dockerfile/rule/from-as-casing/)",
    ]);
    expect(text).toContain('**gate** failed:');
  });

  it('fences a cause holding backticks with more of them, and drops colour codes and carriage returns', () => {
    const error = 'run:\r\n```sh\nmake "a|b" <x> & y\n```\n\x1b[31mERROR\x1b[0m: ````four````';
    const text = renderStepSummary([result({ status: 'failed', error })]);
    const block = text.slice(text.indexOf('`````text'));
    expect(block).toBe(['`````text', 'run:', '```sh', 'make "a|b" <x> & y', '```', 'ERROR: ````four````', '`````', ''].join('\n'));
  });

  it('keeps the end of a very long cause and says how much was left out', () => {
    const error = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n');
    const text = renderStepSummary([result({ status: 'failed', error })]);
    expect(text).toContain("```text\n… 60 earlier lines left out (the task's output has them)\nline 61\n");
    expect(text).toContain('line 100\n```\n');
    expect(text).not.toContain('line 60\n');
  });
});

it('adds a Signed column when a task signs', () => {
  const text = renderStepSummary([
    result({ project: 'api', digest: DIGEST, signature: { signed: true, refs: [`r/api@${DIGEST}`], added: 1 } }),
    result({ project: 'web' }),
  ]);
  const rows = text.split('\n').filter((l) => l.startsWith('| '));
  expect(cells(rows[0]).map((c) => c.trim())).toEqual(['Task', 'Status', 'Platforms', 'Digest', 'Tags', 'Time', 'Checks', 'Signed']);
  expect(rows.slice(2).map((r) => cells(r).pop()!.trim())).toEqual(['yes', '-']);
  expect(renderStepSummary([result({ project: 'web' })])).not.toContain('Signed');
});

describe('writeCiReports', () => {
  const workspace = () => mkdtempSync(join(tmpdir(), 'crossbake-ci-'));
  const results = [result({ project: 'a', digest: DIGEST }), result({ project: 'b', status: 'failed', error: 'it broke' })];

  it('appends one section per call to the job summary, keeping what earlier steps wrote', async () => {
    const root = workspace();
    const summary = join(root, 'step-summary.md');
    writeFileSync(summary, '## Tests\n\nall green\n');
    const log = jest.fn();
    await writeCiReports(results, { workspaceRoot: root, env: { GITHUB_STEP_SUMMARY: summary }, log });
    await writeCiReports([result({ project: 'c' })], { workspaceRoot: root, env: { GITHUB_STEP_SUMMARY: summary }, log });
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('## Tests\n\nall green\n\n### nx-crossbake: 2 tasks, 1 pushed, 1 failed\n')).toBe(true);
    expect(text).toContain('\n### nx-crossbake: 1 task, 1 pushed\n');
    expect(text).toContain('**b** failed:\n\n```text\nit broke\n```\n');
    expect(log).not.toHaveBeenCalled();
  });

  it('writes JUnit XML to NX_CROSSBAKE_JUNIT, a path relative to the workspace root', async () => {
    const root = workspace();
    await writeCiReports(results, { workspaceRoot: root, env: { NX_CROSSBAKE_JUNIT: 'reports/nx-crossbake.xml' }, log: jest.fn() });
    const { cases } = parseJunit(readFileSync(join(root, 'reports/nx-crossbake.xml'), 'utf8'));
    expect(cases.map((c) => [c.task, c.failed])).toEqual([
      ['a:docker-multiarch', false],
      ['b:docker-multiarch', true],
    ]);
  });

  it('writes nothing the environment does not ask for', async () => {
    const root = workspace();
    const before = readdirSync(root);
    await writeCiReports(results, { workspaceRoot: root, env: { CI: 'true' }, log: jest.fn() });
    expect(readdirSync(root)).toEqual(before);
  });

  it('warns, and goes on with the other report, when one cannot be written', async () => {
    const root = workspace();
    writeFileSync(join(root, 'plain-file'), '');
    const log = jest.fn();
    const env = { GITHUB_STEP_SUMMARY: join(root, 'plain-file', 'summary.md'), NX_CROSSBAKE_JUNIT: 'junit.xml' };
    await writeCiReports(results, { workspaceRoot: root, env, log });
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/^nx-crossbake: warning: could not add to the job summary .*plain-file/));
    expect(existsSync(join(root, 'junit.xml'))).toBe(true);
  });
});
