#!/usr/bin/env node
// The closing summary of scripts/test.sh (`npm test`): one line per phase, then one line over all of them in
// the plain form CI reads, `tests: N passed, N failed, N skipped`, and exit code 1 when any phase failed,
// crashed or did not run.
//
// Usage: node scripts/test-summary.js <results folder>
// The folder holds phases.tsv, written by test.sh, one line per phase in the order they were meant to run:
//   <name> TAB <kind> TAB <exit code, or - when it did not run> TAB <why it did not run>
// and each phase's own result file: <name>.json (jest --json) for kind `jest`, <name>.tap (node --test's tap
// reporter) for kind `tap`. A `check` phase (build, typecheck, lint) counts as one test, passed or failed.
//
// A phase can never count as nothing: one that did not run, left no result file, ran no test, or exited
// non-zero with no failed test in its results (a suite that failed to load, a crashed runner) counts one
// failure, said on its own line, so the closing line cannot read `0 failed` then.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** Counts of one phase, or the plain reason it counts as one failure. */
function readPhase(dir, { name, kind, code }) {
  if (kind === 'check')
    return code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0, problem: `failed (exit ${code})` };
  const file = path.join(dir, `${name}.${kind === 'jest' ? 'json' : 'tap'}`);
  if (!fs.existsSync(file))
    return {
      passed: 0,
      failed: 1,
      skipped: 0,
      problem: `no result file (${path.basename(file)}), exit ${code}: the suite crashed before reporting`,
    };
  let counts;
  try {
    counts = kind === 'jest' ? jestCounts(fs.readFileSync(file, 'utf8')) : tapCounts(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    return { passed: 0, failed: 1, skipped: 0, problem: `unreadable result file (${path.basename(file)}): ${error.message}` };
  }
  if (counts.failed === 0 && code !== 0) return { ...counts, failed: 1, problem: `exited ${code} with no failed test in its results` };
  if (counts.passed + counts.failed + counts.skipped === 0) return { ...counts, failed: 1, problem: 'ran no test' };
  return counts;
}

/** jest --json: a test file that failed to run (syntax error, throwing import) has no failed test of its own. */
function jestCounts(text) {
  const r = JSON.parse(text);
  const number = (key) => {
    if (typeof r[key] !== 'number') throw new Error(`no ${key}`);
    return r[key];
  };
  return {
    passed: number('numPassedTests'),
    failed: number('numFailedTests') + (r.numRuntimeErrorTestSuites ?? 0),
    skipped: number('numPendingTests') + (r.numTodoTests ?? 0),
  };
}

/** The totals node's tap reporter ends with (`# pass 10`); a cancelled test is a failed one. */
function tapCounts(text) {
  const total = (key) => {
    const match = text.match(new RegExp(`^# ${key} (\\d+)$`, 'm'));
    if (!match) throw new Error(`no "# ${key}" total`);
    return Number(match[1]);
  };
  return { passed: total('pass'), failed: total('fail') + total('cancelled'), skipped: total('skipped') + total('todo') };
}

function main(dir) {
  const phasesFile = path.join(dir, 'phases.tsv');
  const phases = fs.existsSync(phasesFile)
    ? fs
        .readFileSync(phasesFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [name, kind, code, why] = line.split('\t');
          return { name, kind, code: code === '-' ? undefined : Number(code), why };
        })
    : [];
  const total = { passed: 0, failed: 0, skipped: 0 };
  if (phases.length === 0) {
    console.log(`phase list: missing (${phasesFile}): nothing is known to have run`);
    total.failed += 1;
  }
  for (const phase of phases) {
    const counts =
      phase.code === undefined
        ? { passed: 0, failed: 1, skipped: 0, problem: `did not run (${phase.why || 'no reason recorded'})` }
        : readPhase(dir, phase);
    for (const key of Object.keys(total)) total[key] += counts[key];
    // Per phase, worded so that no line but the last reads like a closing line.
    const counted = `${counts.passed} ok, ${counts.failed} not ok, ${counts.skipped} skipped`;
    if (!counts.problem) console.log(`phase ${phase.name}: ${phase.kind === 'check' ? 'ok' : counted}`);
    else
      console.log(
        `phase ${phase.name}: ${counts.problem} — counts as ${phase.kind === 'check' || phase.code === undefined ? 'one failure' : counted}`,
      );
  }
  console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  return total.failed === 0 ? 0 : 1;
}

process.exitCode = main(process.argv[2] ?? 'tmp/test-results');
