// node --test bench/
const test = require('node:test');
const assert = require('node:assert/strict');
const { runSplitOf, bakeTargets, buildingCalls, medianSplit, nothingChangedGoal, formatReport } = require('./reuse.bench');

test("runSplitOf reads the plugin's last line, with the reuse part when it is there", () => {
  const cases = [
    {
      out: 'svc-0 reused\n\nnx-crossbake: 0 bake(s) in 0.0s; builder setup 0.0s; plugin overhead 0.4s (of which reuse lookup 0.2s, pointing tags 0.0s)\n',
      want: { bakes: 0, bakeS: 0, setupS: 0, overheadS: 0.4, lookupS: 0.2, retagS: 0 },
    },
    {
      out: 'nx-crossbake: 1 bake(s) in 38.2s; builder setup 0.3s; plugin overhead 0.1s',
      want: { bakes: 1, bakeS: 38.2, setupS: 0.3, overheadS: 0.1, lookupS: undefined, retagS: undefined },
    },
    {
      // Two runs in one output (a retry): the last one counts.
      out: 'nx-crossbake: 1 bake(s) in 2.0s; builder setup 1.0s; plugin overhead 0.1s\nnx-crossbake: 0 bake(s) in 0.0s; builder setup 0.0s; plugin overhead 0.3s (of which reuse lookup 0.1s, pointing tags 0.1s)',
      want: { bakes: 0, bakeS: 0, setupS: 0, overheadS: 0.3, lookupS: 0.1, retagS: 0.1 },
    },
    { out: 'done', want: undefined },
  ];
  for (const c of cases) assert.deepEqual(runSplitOf(c.out), c.want);
});

test('bakeTargets lists the target names of a bake file', () => {
  assert.deepEqual(bakeTargets(JSON.stringify({ group: { default: { targets: ['b', 'a'] } }, target: { b: {}, a: {} } })), ['a', 'b']);
  assert.deepEqual(bakeTargets('{}'), []);
});

test('buildingCalls finds bakes and builder creations, nothing else', () => {
  const calls = [
    'buildx --builder b bake --file /r/docker-bake.json --progress plain',
    '--context x buildx bake --file f',
    'buildx create --name b --driver docker-container',
    'buildx imagetools create -t r:latest r@sha256:1',
    'buildx imagetools inspect --raw r:crossbake-1',
    'buildx version',
  ];
  assert.deepEqual(buildingCalls(calls), calls.slice(0, 3));
});

test('medianSplit takes the median of each field, leaving out the ones never printed', () => {
  const p = (overheadS, lookupS) => ({ bakes: 0, bakeS: 0, setupS: 0, overheadS, lookupS, retagS: lookupS === undefined ? undefined : 0 });
  assert.deepEqual(medianSplit([p(0.4, 0.2), p(0.6, 0.3), p(0.5, 0.1)]), {
    bakes: 0,
    bakeS: 0,
    setupS: 0,
    overheadS: 0.5,
    lookupS: 0.2,
    retagS: 0,
  });
  assert.deepEqual(medianSplit([p(0.4, undefined)]).lookupS, undefined);
});

test('the goal: at most 1 s over the do-nothing nx run, and no bake in any round', () => {
  const cases = [
    { plugin: 2900, noop: 2000, bakes: [0, 0, 0], want: { allowanceMs: 1000, overNoopMs: 900, met: true } },
    { plugin: 3000, noop: 2000, bakes: [0, 0, 0], want: { allowanceMs: 1000, overNoopMs: 1000, met: true } },
    { plugin: 3100, noop: 2000, bakes: [0, 0, 0], want: { allowanceMs: 1000, overNoopMs: 1100, met: false } },
    { plugin: 1900, noop: 2000, bakes: [0, 1, 0], want: { allowanceMs: 1000, overNoopMs: -100, met: false } },
  ];
  for (const c of cases) assert.deepEqual(nothingChangedGoal(c.plugin, c.noop, c.bakes), c.want);
});

test('formatReport says whether the goal was met and what the one-changed bake held', () => {
  const st = (ms) => ({ medianMs: ms, minMs: ms, maxMs: ms, samplesMs: [ms] });
  const split = { bakes: 0, bakeS: 0, setupS: 0, overheadS: 0.4, lookupS: 0.2, retagS: 0 };
  const text = formatReport({
    date: '2026-12-06T00:00:00.000Z',
    machine: 'm',
    docker: '28',
    buildx: '0.29',
    nx: '22',
    nxContainer: '7.3.0',
    services: 8,
    platforms: ['a', 'b', 'c'],
    runs: 3,
    nothingChanged: {
      plugin: st(2500),
      nxc: st(20000),
      nxcBuilderSetup: st(4000),
      noop: st(2000),
      noopMany: st(2200),
      pluginSplit: split,
      goal: nothingChangedGoal(2500, 2000, [0]),
    },
    oneChanged: { changed: 'svc-3', ms: 9000, bakeTargets: ['svc-3'], reused: ['svc-0'], split: { ...split, bakes: 1 } },
    largeContext: { files: 20000, big: { run: st(3000), split }, small: { run: st(2500), split } },
    totalSeconds: 300,
    load: { mean: 2, max: 3 },
  });
  assert.match(text, /with 0 bakes: met \(\+0\.50 s over the do-nothing run\)/);
  assert.match(text, /nx-container took 8\.0× the plugin's time/);
  assert.match(text, /the bake held svc-3; reused: 1 of 7 others/);
  assert.match(text, /\| big \| 3\.00 s \| 0\.2s \| 0\.4s \|/);
});
