/**
 * The generator over real Dockerfiles (issue #23): each case of __fixtures__/corpus is a public repository's
 * Dockerfile with the context files the generator reads, and a case.json whose `expected` outcome is what a
 * careful person would do by hand, written before the generator was changed for it. A rewritten case must
 * match its reviewed output (cross-compiled.Dockerfile), a refused one must name its reason (`mentions`).
 * gaps.json lists the cases where the generator still differs, with what it does instead: the test fails when
 * one of them changes, so a fix must also take it off the list. What a lockfile does not record is read from
 * the npm registry: its answers for a case are recorded in the case's registry.json (CORPUS_RECORD=1 reads
 * the real registry once), so the test runs offline and on the same answers every time.
 */
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { addProjectConfiguration, logger } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import crossCompileGenerator from './generator';
import { readPackageRecords } from '../../lib/npm-registry/read-records';
import type { PackageRecord } from '../../lib/npm-registry/package-record';

jest.mock('../../lib/npm-registry/read-records', () => ({
  ...jest.requireActual('../../lib/npm-registry/read-records'),
  readPackageRecords: jest.fn(),
}));
const { readPackageRecords: realReadPackageRecords } = jest.requireActual<typeof import('../../lib/npm-registry/read-records')>(
  '../../lib/npm-registry/read-records',
);

type Outcome = 'rewrite' | 'refuse' | 'no-op';
interface CorpusCase {
  repository: string;
  commit: string;
  /** Where the Dockerfile lives in its repository. */
  path: string;
  licence: string;
  expected: { outcome: Outcome; reason: string; mentions?: string };
}
interface Gap {
  outcome: Outcome;
  why: string;
}

const CORPUS = join(__dirname, '__fixtures__', 'corpus');
const REVIEWED = 'cross-compiled.Dockerfile';
const ANSWERS = 'registry.json';
const NOT_CONTEXT = new Set(['case.json', REVIEWED, ANSWERS]);
// Set to write what the test would otherwise fail on, to be reviewed before committing: the generator's output
// for a rewritten case that has none yet, and each case that does not meet its expectation into gaps.json.
const RECORD = process.env.CORPUS_RECORD === '1';

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));

const cases = ['go', 'node'].flatMap((group) =>
  readdirSync(join(CORPUS, group)).map((id) => {
    const dir = join(CORPUS, group, id);
    return { name: `${group}/${id}`, dir, spec: JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CorpusCase };
  }),
);
const gaps = JSON.parse(readFileSync(join(CORPUS, 'gaps.json'), 'utf8')) as Record<string, Gap>;

/** The registry as it answered for this case: recorded, or read now and recorded under CORPUS_RECORD=1. */
function recordedRegistry(dir: string): void {
  const file = join(dir, ANSWERS);
  jest.mocked(readPackageRecords).mockImplementation(async (pkgs, options) => {
    if (existsSync(file)) return new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, PackageRecord | string>));
    if (!RECORD) throw new Error(`${relative(CORPUS, dir)} has no recorded registry answers: run with CORPUS_RECORD=1`);
    const read = await realReadPackageRecords(pkgs, options);
    // Only what the rewrite reads of a record.
    const kept = [...read]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, r]) => [key, typeof r === 'string' ? r : { ...r, integrity: undefined }]);
    // One version per line: a reviewer reads it as a list.
    writeFileSync(file, `{\n${kept.map(([key, r]) => `  ${JSON.stringify(key)}: ${JSON.stringify(r)}`).join(',\n')}\n}\n`);
    return read;
  });
}

async function runGenerator(dir: string): Promise<{ outcome: Outcome; dockerfile: string; warnings: string }> {
  recordedRegistry(dir);
  const tree = createTreeWithEmptyWorkspace();
  // The case folder is the build context, as its repository builds it (case.json's `context`).
  addProjectConfiguration(tree, 'svc', {
    root: 'svc',
    targets: {
      'docker-multiarch': {
        executor: 'nx-crossbake:multiarch',
        options: { platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'] },
      },
    },
  });
  for (const file of filesUnder(dir)) {
    const path = relative(dir, file);
    if (!NOT_CONTEXT.has(path)) tree.write(join('svc', path), readFileSync(file));
  }
  const before = readFileSync(join(dir, 'Dockerfile'), 'utf8');
  const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  await crossCompileGenerator(tree, { project: 'svc' });
  const warnings = warn.mock.calls.map((c) => String(c[0])).join('\n');
  const dockerfile = tree.read('svc/Dockerfile', 'utf-8') ?? '';
  return { outcome: dockerfile !== before ? 'rewrite' : warnings ? 'refuse' : 'no-op', dockerfile, warnings };
}

describe('cross-compile on the corpus of real Dockerfiles', () => {
  afterEach(() => jest.restoreAllMocks());

  it('records where each case comes from, under a licence that lets us keep it', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    // One Dockerfile is one case: two helpers gathering apart could bring the same file twice.
    const sources = cases.map(({ spec }) => `${spec.repository}@${spec.commit}:${spec.path}`);
    expect(sources.filter((s, i) => sources.indexOf(s) !== i)).toEqual([]);
    for (const { name, spec } of cases) {
      expect([name, spec.commit]).toEqual([name, expect.stringMatching(/^[0-9a-f]{40}$/)]);
      expect([name, spec.repository]).toEqual([name, expect.stringMatching(/^[\w.-]+\/[\w.-]+$/)]);
      expect([name, spec.licence]).toEqual([
        name,
        expect.stringMatching(/^(MIT|ISC|Apache-2\.0|BSD-[23]-Clause|MPL-2\.0|Unlicense|0BSD|A?GPL-3\.0-(only|or-later))$/),
      ]);
    }
  });

  it('lists every case, and only corpus cases in gaps.json', () => {
    const readme = readFileSync(join(CORPUS, 'README.md'), 'utf8');
    for (const { name } of cases) expect([name, readme.includes(`| ${name} |`)]).toEqual([name, true]);
    const names = new Set(cases.map((c) => c.name));
    for (const name of Object.keys(gaps)) expect([name, names.has(name)]).toEqual([name, true]);
  });

  afterAll(() => {
    if (RECORD) writeFileSync(join(CORPUS, 'gaps.json'), JSON.stringify(gaps, null, 2) + '\n');
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (name, { dir, spec }) => {
    const got = await runGenerator(dir);
    const expected = spec.expected;
    const reviewed = join(dir, REVIEWED);
    const met =
      got.outcome === expected.outcome &&
      (!expected.mentions || new RegExp(expected.mentions).test(got.warnings)) &&
      (got.outcome !== 'rewrite' || (existsSync(reviewed) && readFileSync(reviewed, 'utf8') === got.dockerfile));
    if (RECORD && !met && !gaps[name]) {
      if (got.outcome === 'rewrite' && got.outcome === expected.outcome && !existsSync(reviewed)) writeFileSync(reviewed, got.dockerfile);
      else
        gaps[name] = { outcome: got.outcome, why: got.warnings.replaceAll('nx-crossbake:cross-compile: svc/', '').replaceAll('\n', ' | ') };
    }
    const gap = gaps[name];
    if (gap) {
      expect(got.outcome).toBe(gap.outcome);
      // Still a gap: once the generator does what is expected, the case comes off gaps.json.
      expect(met).toBe(false);
      return;
    }
    expect(got.outcome).toBe(expected.outcome);
    if (expected.mentions) expect(got.warnings).toMatch(new RegExp(expected.mentions));
    if (got.outcome === 'rewrite') expect(got.dockerfile).toBe(readFileSync(reviewed, 'utf8'));
  });
});
