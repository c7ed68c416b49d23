// node --test bench/
const test = require('node:test');
const assert = require('node:assert/strict');
const { stats, computeRatios, computeGoals, formatReport, NX_COMMANDS } = require('./compare-report');

const s = (...ms) => stats(ms);
const results = (nxc, a, b) => ({
  nxc: { cold: s(nxc[0]), warm: s(nxc[1]) },
  a: { cold: s(a[0]), warm: s(a[1]) },
  b: { cold: s(b[0]), warm: s(b[1]) },
});
const nx = ({ run = 1500, many = 2500, manyNothing = 2600, affected = 1800, dockerAffected = 1900 } = {}) => ({
  runNoop: s(run),
  runManyNoop: s(many),
  runManyNothing: s(manyNothing),
  affectedNothing: s(affected),
  dockerAffectedNothing: s(dockerAffected),
});

test('stats gives the median and spread of the samples', () => {
  assert.deepEqual(stats([3000.4, 1000.2, 2000.6]), { medianMs: 2001, minMs: 1000, maxMs: 3000, samplesMs: [3000, 1000, 2001] });
});

test('ratios and goals, table-driven: Nx start-up is subtracted from (a) only', () => {
  const cases = [
    // issue #12's figures: 51.1/14.6 s nx-container, 45.3/8.6 s ours, 39.4/3.9 s raw bake, ~2.7 s Nx
    {
      r: results([51100, 14600], [45300, 8600], [39400, 3900]),
      n: nx({ many: 2700 }),
      want: { cold: 1.13, warm: 1.7, adj: 1.51 },
      goals: [false, false, false],
    },
    {
      r: results([60000, 12000], [40000, 4500], [38000, 3000]),
      n: nx({ many: 1500 }),
      want: { cold: 1.5, warm: 2.67, adj: 1 },
      goals: [true, true, true],
    },
    {
      r: results([50000, 12000], [40000, 4600], [38000, 3000]),
      n: nx({ many: 1400 }),
      want: { cold: 1.25, warm: 2.61, adj: 1.07 },
      goals: [false, false, true],
    },
  ];
  for (const c of cases) {
    const ratios = computeRatios(c.r, c.n);
    assert.equal(ratios.cold['nxc/a'], c.want.cold);
    assert.equal(ratios.warm['nxc/a'], c.want.warm);
    assert.equal(ratios.warm['(a - nx start)/b'], c.want.adj);
    assert.deepEqual(Object.values(computeGoals(ratios)), c.goals);
  }
});

test('nothing-changed commands are set against a do-nothing nx run', () => {
  const o = computeRatios(
    results([2, 2], [2, 2], [1, 1]),
    nx({ run: 1000, manyNothing: 1500, affected: 1200, dockerAffected: 2000 }),
  ).nothingChangedOverNxRun;
  assert.deepEqual(o.runMany, { extraMs: 500, ratio: 1.5 });
  assert.deepEqual(o.affected, { extraMs: 200, ratio: 1.2 });
  assert.deepEqual(o.dockerAffected, { extraMs: 1000, ratio: 2 });
});

test('a nothing-changed command faster than nx run shows a negative overhead', () => {
  const o = computeRatios(results([2, 2], [2, 2], [1, 1]), nx({ run: 1500, manyNothing: 1200 })).nothingChangedOverNxRun;
  assert.deepEqual(o.runMany, { extraMs: -300, ratio: 0.8 });
});

test('the printed report says which goals are not met', () => {
  const r = results([51100, 14600], [45300, 8600], [39400, 3900]);
  r.a.warm.pluginReportsMedianS = { bake: 4.8, builderSetup: 0.5, pluginOverhead: 0.5 };
  const n = Object.fromEntries(Object.entries(nx()).map(([k, v]) => [k, { command: NX_COMMANDS[k], ...v }]));
  const ratios = computeRatios(r, n);
  const text = formatReport({
    machine: 'm',
    plugin: 'p',
    docker: 'd',
    buildx: 'x',
    nx: '22.7.8',
    nxContainer: '7.3.0',
    date: '2026-11-27T00:00:00Z',
    services: 8,
    platforms: ['linux/amd64'],
    builder: 'b',
    runs: 3,
    checks: [{ ok: true }, { ok: false }],
    results: r,
    nothingToBuild: n,
    ratios,
    goals: computeGoals(ratios),
    retries: [],
    totalSeconds: 1,
    cores: 2,
    load: { mean: 1, max: 2, atStart: [1, 1, 1], atEnd: [1, 1, 1] },
  });
  assert.match(text, /\| nxc\/a: .* \| 1\.13 \| 1\.7 \| ≥ 1\.3 cold: \*\*not met\*\*; ≥ 2\.4 warm: \*\*not met\*\* \|/);
  assert.match(text, /1 of 2 pushes checked/);
  assert.match(text, /warm bake 4\.8 s, builder setup 0\.5 s, plugin overhead 0\.5 s/);
  assert.match(text, /cold not reported/);
  assert.match(text, /Nx 22\.7\.8, @nx-tools\/nx-container 7\.3\.0/);
  assert.match(text, /nothing changed \(Nx cache\) \| 2\.60 s \(2\.60 s–2\.60 s\) \| \+1\.10 s \(1\.73×\) \|/);
});
