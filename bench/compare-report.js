// Pure functions of `npm run bench`: samples → medians → ratios → goals → the Markdown it prints.
// Tested by bench/compare-report.test.js (`node --test bench/`).
const { median } = require('./lib');

const CASES = {
  nxc: '@nx-tools/nx-container: `nx run-many -t container` (one `docker buildx build` per project, 3 at a time)',
  a: 'nx-crossbake: `nx run-many -t docker-multiarch` (one bake)',
  b: "raw `docker buildx bake` of the plugin's bake file, same builder",
};

/** Nx-only commands timed in the same workspace, nothing to build. */
const NX_COMMANDS = {
  runNoop: 'nx run tools:noop',
  runManyNoop: 'nx run-many -t noop --exclude=tools',
  runManyNothing: "nx run-many -t docker-multiarch (nothing changed: every task from Nx's cache)",
  affectedNothing: 'nx affected -t docker-multiarch --base=HEAD --head=HEAD (nothing affected)',
  dockerAffectedNothing: 'nx run tools:docker-affected --base=HEAD --head=HEAD (our executor: nothing to build)',
};

const GOALS = { warmOverRawBake: 1.05, nxcColdSpeedup: 1.3, nxcWarmSpeedup: 2.4 };

const stats = (values) => ({
  medianMs: Math.round(median(values)),
  minMs: Math.round(Math.min(...values)),
  maxMs: Math.round(Math.max(...values)),
  samplesMs: values.map(Math.round),
});

const round2 = (x) => Number(x.toFixed(2));

/**
 * Ratios from medians. `results` is {nxc, a, b} × {cold, warm} stats; `nx` holds the NX_COMMANDS stats.
 * Nx's start-up is what `nx run-many` of nx:noop over the same projects costs: subtracting it leaves the
 * plugin's batch worker, builder setup, overhead and bake, set against the raw bake alone.
 */
function computeRatios(results, nx) {
  const m = (c, mode) => results[c][mode].medianMs;
  const nxStartMs = nx.runManyNoop.medianMs;
  const byMode = (mode) => ({
    'a/b': round2(m('a', mode) / m('b', mode)),
    '(a - nx start)/b': round2((m('a', mode) - nxStartMs) / m('b', mode)),
    'nxc/a': round2(m('nxc', mode) / m('a', mode)),
    'nxc/b': round2(m('nxc', mode) / m('b', mode)),
  });
  const overNoop = (key) => ({ extraMs: nx[key].medianMs - nx.runNoop.medianMs, ratio: round2(nx[key].medianMs / nx.runNoop.medianMs) });
  return {
    nxStartMs,
    cold: byMode('cold'),
    warm: byMode('warm'),
    nothingChangedOverNxRun: {
      runMany: overNoop('runManyNothing'),
      affected: overNoop('affectedNothing'),
      dockerAffected: overNoop('dockerAffectedNothing'),
      runManyNoop: overNoop('runManyNoop'),
    },
  };
}

/** The issue's goals, each true when met. */
const computeGoals = (ratios) => ({
  [`warm (a - nx start)/b <= ${GOALS.warmOverRawBake}`]: ratios.warm['(a - nx start)/b'] <= GOALS.warmOverRawBake,
  [`cold nxc/a >= ${GOALS.nxcColdSpeedup}`]: ratios.cold['nxc/a'] >= GOALS.nxcColdSpeedup,
  [`warm nxc/a >= ${GOALS.nxcWarmSpeedup}`]: ratios.warm['nxc/a'] >= GOALS.nxcWarmSpeedup,
});

const sec = (ms) => `${(ms / 1000).toFixed(1)} s`;
const sec2 = (ms) => `${(ms / 1000).toFixed(2)} s`;
const spread = (s, f = sec) => `${f(s.medianMs)} (${f(s.minMs)}–${f(s.maxMs)})`;
const met = (ok) => (ok ? 'met' : '**not met**');

/** The Markdown printed at the end (and pasted into bench/README.md). */
function formatReport(report) {
  const { results, nothingToBuild: nx, ratios, goals } = report;
  const goal = (prefix) => met(Object.entries(goals).find(([k]) => k.startsWith(prefix))[1]);
  const split = (mode) => {
    const p = results.a[mode].pluginReportsMedianS;
    return p ? `bake ${p.bake} s, builder setup ${p.builderSetup} s, plugin overhead ${p.pluginOverhead} s` : 'not reported';
  };
  const overhead = (r) => `${r.extraMs <= -5 ? '−' : '+'}${sec2(Math.abs(r.extraMs))} (${r.ratio}×)`;
  const o = ratios.nothingChangedOverNxRun;
  return [
    `${report.machine}; Docker ${report.docker}, buildx ${report.buildx}, Nx ${report.nx}, @nx-tools/nx-container ${report.nxContainer}; ${report.date.slice(0, 10)}; plugin ${report.plugin}`,
    `${report.services} services × ${report.platforms.join(', ')} on builder ${report.builder} (docker-container, rig BuildKit); ${report.runs} run(s), medians (min–max), rotated order; ${report.checks.filter((c) => c.ok).length} of ${report.checks.length} pushes checked in the registry`,
    '',
    '| case | cold | warm |',
    '| --- | --- | --- |',
    ...Object.keys(CASES).map((c) => `| (${c}) ${CASES[c]} | ${spread(results[c].cold)} | ${spread(results[c].warm)} |`),
    '',
    '| ratio | cold | warm | goal |',
    '| --- | --- | --- | --- |',
    `| (a − Nx start-up)/b, Nx start-up = \`${NX_COMMANDS.runManyNoop}\` ${sec2(ratios.nxStartMs)} | ${ratios.cold['(a - nx start)/b']} | ${ratios.warm['(a - nx start)/b']} | ≤ ${GOALS.warmOverRawBake} warm: ${goal('warm (a - nx start)/b')} |`,
    `| a/b (as measured) | ${ratios.cold['a/b']} | ${ratios.warm['a/b']} | |`,
    `| nxc/a: how much faster we are than nx-container | ${ratios.cold['nxc/a']} | ${ratios.warm['nxc/a']} | ≥ ${GOALS.nxcColdSpeedup} cold: ${goal('cold nxc/a')}; ≥ ${GOALS.nxcWarmSpeedup} warm: ${goal('warm nxc/a')} |`,
    `| nxc/b: one bake without Nx against nx-container | ${ratios.cold['nxc/b']} | ${ratios.warm['nxc/b']} | |`,
    '',
    `(a) as the plugin reports it, medians: cold ${split('cold')}; warm ${split('warm')}`,
    '',
    '| nothing to build, same workspace | median (min–max) | over `nx run tools:noop` |',
    '| --- | --- | --- |',
    `| \`${NX_COMMANDS.runNoop}\` (do-nothing \`nx run\`) | ${spread(nx.runNoop, sec2)} | |`,
    `| \`${NX_COMMANDS.runManyNoop}\` | ${spread(nx.runManyNoop, sec2)} | ${overhead(o.runManyNoop)} |`,
    `| \`nx run-many -t docker-multiarch\`, nothing changed (Nx cache) | ${spread(nx.runManyNothing, sec2)} | ${overhead(o.runMany)} |`,
    `| \`nx affected -t docker-multiarch\`, nothing affected | ${spread(nx.affectedNothing, sec2)} | ${overhead(o.affected)} |`,
    `| \`nx run tools:docker-affected\`, nothing affected | ${spread(nx.dockerAffectedNothing, sec2)} | ${overhead(o.dockerAffected)} |`,
    '',
    `${report.retries.length} measurement(s) failed once and were measured again${report.retries.length ? ` (${report.retries.map((r) => `${r.case} ${r.mode} round ${r.round + 1}`).join(', ')})` : ''}`,
    `total ${report.totalSeconds} s; load average (1 min) during the run: mean ${report.load.mean}, max ${report.load.max} on ${report.cores} cores; at start ${report.load.atStart.join(' ')}, at end ${report.load.atEnd.join(' ')}`,
  ].join('\n');
}

module.exports = { CASES, NX_COMMANDS, GOALS, stats, computeRatios, computeGoals, formatReport };
