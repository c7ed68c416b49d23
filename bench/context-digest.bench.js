// The content key's context digest (lib/reuse/context-digest): how long it takes to digest a build context.
//   - one context of N tracked files (default 20,000, committed) plus 500 gitignored files in its dist/ and a
//     node_modules/ its .dockerignore leaves out: as committed (git vouches for the tracked files), with every
//     file's mtime changed (git compares content to its index, which it does not rewrite), and without git
//     (everything read and hashed);
//   - the 1000 image projects of the affected benchmark (bench/affected-workspace.bench.js), committed: all
//     contexts at once (contextDigests: one git listing), and each alone (contextDigest per project, one warm
//     run: three git processes each).
// Cold: the first call in a fresh Node process (module loading not counted), one process per run. Warm: the
// calls after a first one in one process. Medians of `runs`. Every way of digesting must agree.
//
//   node bench/context-digest.bench.js [files=20000] [runs=3] [projects=1000]
//
// Needs `npm run build` (npm run bench:context-digest builds first); git; no docker.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { median, machine } = require('./lib');
const { BenchWorkspace, repo } = require('./rig');
const { writeServices } = require('./affected-workspace.bench');

const dist = path.join(repo, 'packages/nx-crossbake/dist/lib');
const CONTEXT = { context: 'apps/big', file: 'apps/big/Dockerfile' };

/** The plugin as built: contextDigest(s) and the process runner. */
function plugin() {
  if (!fs.existsSync(path.join(dist, 'reuse/context-digest.js'))) throw new Error(`no built plugin in ${dist}: run npm run build`);
  return { ...require(`${dist}/reuse/context-digest`), exec: require(`${dist}/process/exec`).exec };
}

/** An exec for which no folder is a git repository: every file is hashed from content. */
const noGit = async () => ({ exitCode: 128, stdout: '', stderr: 'fatal: not a git repository' });

/** Some bytes that differ from file to file, 200 to 2,000 of them. */
const content = (i) => `${`file ${i} `.repeat(20 + (i % 180))}\n`;

/** The one-context workspace: `files` tracked files in folders of 100, `dist` gitignored ones, a dockerignored node_modules. */
function contextWorkspace(files, distFiles) {
  const ws = new BenchWorkspace(`context-digest-${files}`);
  ws.write('.gitignore', 'node_modules\ndist\n');
  ws.write('apps/big/Dockerfile', 'FROM scratch\nCOPY . /app\n');
  ws.write('apps/big/.dockerignore', 'node_modules\n');
  for (let i = 0; i < files; i++) ws.write(`apps/big/src/d${Math.floor(i / 1000)}/e${Math.floor(i / 100) % 10}/f${i}.ts`, content(i));
  ws.commitAll('context');
  for (let i = 0; i < distFiles; i++) ws.write(`apps/big/dist/chunk-${i}.js`, content(i + files));
  for (let i = 0; i < 2000; i++) ws.write(`apps/big/node_modules/pkg-${i % 50}/f${i}.js`, content(i));
  return ws;
}

function projectsWorkspace(count) {
  const ws = new BenchWorkspace(`context-digest-projects-${count}`);
  ws.write('.gitignore', 'node_modules\ndist\n');
  writeServices((file, text) => ws.write(file, text), count);
  ws.commitAll('services');
  return ws;
}

const projectTasks = (count) => Array.from({ length: count }, (_, i) => ({ context: `apps/svc-${i}`, file: `apps/svc-${i}/Dockerfile` }));

/** One way of digesting, in this process: what it returns, for comparing, and how long it took. */
async function digestOnce(mode, dir, count) {
  const { contextDigest, contextDigests, exec } = plugin();
  const start = process.hrtime.bigint();
  let result;
  if (mode === 'git') result = [await contextDigest(exec, dir, CONTEXT)];
  else if (mode === 'no-git') result = [await contextDigest(noGit, dir, CONTEXT)];
  else if (mode === 'projects') result = await contextDigests(exec, dir, projectTasks(count));
  else if (mode === 'projects-each') {
    result = [];
    for (const task of projectTasks(count)) result.push(await contextDigest(exec, dir, task));
  } else throw new Error(`unknown mode ${mode}`);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

/** Cold: the first call in a fresh Node process, `runs` times. */
function cold(mode, dir, count, runs) {
  const times = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, [__filename, '--once', mode, dir, String(count)], { encoding: 'utf8', maxBuffer: 1 << 28 });
    ({ ms: times[i], result } = JSON.parse(out));
  }
  return { ms: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), result };
}

/** Warm: one unmeasured call, then `runs` measured ones, in this process. */
async function warm(mode, dir, count, runs) {
  await digestOnce(mode, dir, count);
  const times = [];
  let result;
  for (let i = 0; i < runs; i++) ({ ms: times[i], result } = await digestOnce(mode, dir, count));
  return { ms: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), result };
}

async function measureMode(mode, dir, count, runs, { coldRuns = runs } = {}) {
  const c = coldRuns > 0 ? cold(mode, dir, count, coldRuns) : undefined;
  const w = await warm(mode, dir, count, runs);
  if (c && JSON.stringify(c.result) !== JSON.stringify(w.result)) throw new Error(`${mode}: cold and warm runs digested differently`);
  const times = ({ ms, minMs, maxMs }) => ({ ms, minMs, maxMs });
  return { ...(c && { cold: times(c) }), warm: times(w), result: w.result };
}

/** Every measurement; throws when two ways of digesting one tree disagree. */
async function contextDigestBench({ files = 20000, distFiles = 500, runs = 3, projects = 1000 } = {}) {
  const big = contextWorkspace(files, distFiles);
  const committed = await measureMode('git', big.dir, 0, runs);
  const withoutGit = await measureMode('no-git', big.dir, 0, runs);
  // Every file's mtime changed, content not: git's index no longer matches on stat data alone.
  const later = new Date(Date.now() + 60_000);
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: big.dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  for (const file of tracked.split('\0').filter(Boolean)) fs.utimesSync(path.join(big.dir, file), later, later);
  const touched = await measureMode('git', big.dir, 0, runs);
  const one = [committed, withoutGit, touched].map((m) => m.result[0]);
  if (new Set(one.map((r) => r.digest)).size !== 1) throw new Error(`one context, three digests: ${JSON.stringify(one)}`);

  const many = projectsWorkspace(projects);
  const all = await measureMode('projects', many.dir, projects, runs);
  // Three git processes per context: one warm run shows what batching saves.
  const each = await measureMode('projects-each', many.dir, projects, 1, { coldRuns: 0 });
  if (JSON.stringify(all.result) !== JSON.stringify(each.result)) throw new Error('contextDigests and contextDigest disagree');

  const strip = ({ result: _result, ...times }) => times;
  return {
    machine: machine(),
    git: execFileSync('git', ['--version'], { encoding: 'utf8' }).trim(),
    context: { files: one[0].files, hashedFromContent: committed.result[0].hashedFromContent, digest: one[0].digest },
    committed: strip(committed),
    withoutGit: strip(withoutGit),
    touched: strip(touched),
    projects: { count: projects, files: all.result.reduce((n, r) => n + r.files, 0), all: strip(all), each: strip(each) },
  };
}

module.exports = { contextDigestBench };

if (require.main === module && process.argv[2] === '--once') {
  const [, , , mode, dir, count] = process.argv;
  digestOnce(mode, dir, Number(count)).then((r) => process.stdout.write(JSON.stringify(r)));
} else if (require.main === module) {
  const files = Number(process.argv[2] ?? 20000);
  const runs = Number(process.argv[3] ?? 3);
  const projects = Number(process.argv[4] ?? 1000);
  contextDigestBench({ files, runs, projects })
    .then((r) => {
      const t = (m) => `${Math.round(m.ms)} ms (${Math.round(m.minMs)}–${Math.round(m.maxMs)})`;
      const row = (label, m) => console.log(`${label}: ${m.cold ? `cold ${t(m.cold)}, ` : ''}warm ${t(m.warm)}`);
      console.log(`machine: ${r.machine}; ${r.git}; medians of ${runs}`);
      console.log(`one context: ${r.context.files} files (${r.context.hashedFromContent} untracked, in dist/), node_modules/ ignored`);
      row('  as committed', r.committed);
      row('  every mtime changed (git compares content)', r.touched);
      row('  without git (all hashed)', r.withoutGit);
      console.log(`${r.projects.count} project contexts (${r.projects.files} files):`);
      row('  all at once (contextDigests)', r.projects.all);
      row('  each alone (contextDigest, one run)', r.projects.each);
    })
    .catch((e) => {
      console.error(e.stack ?? e.message);
      process.exit(1);
    });
}
