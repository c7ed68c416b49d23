// Small steps of `npm run bench` that read what the tools print or record: the plugin's bake file and
// its own time split, the argv of a raw bake, nx-container's build command; plus a pool and a load
// sampler. Tested by bench/compare-steps.test.js (`node --test bench/`).
const os = require('node:os');
const path = require('node:path');

/** Runs fn over items, at most `size` at a time. */
async function pool(items, size, fn) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(size, queue.length) }, async () => {
      while (queue.length) await fn(queue.shift());
    }),
  );
}

/** The 1-minute load average every 2 s until stop(): the machine and engine are shared with others. */
function loadSampler(intervalMs = 2000) {
  const round = (x) => Number(x.toFixed(2));
  const atStart = os.loadavg().map(round);
  const samples = [atStart[0]];
  const timer = setInterval(() => samples.push(round(os.loadavg()[0])), intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return {
        atStart,
        atEnd: os.loadavg().map(round),
        mean: round(samples.reduce((s, x) => s + x, 0) / samples.length),
        max: Math.max(...samples),
      };
    },
  };
}

/**
 * The bake file of a plugin run, from its log line "one bake for N task(s) on builder B: <file>" (older
 * builds said "project(s)"); absolute, resolved against the workspace. Throws unless it baked `count`.
 */
function bakeFileOf(output, count, workspaceDir) {
  const m = output.match(/one bake for (\d+) (?:task|project)\(s\) on builder \S+: (\S+\.json)/);
  if (!m || Number(m[1]) !== count) throw new Error(`the plugin did not run one bake for ${count} tasks:\n${output.slice(-3000)}`);
  return path.resolve(workspaceDir, m[2]);
}

/** What the plugin reports of its own time: "1 bake(s) in 38.2s; builder setup 0.3s; plugin overhead 0.1s". */
function pluginSplitOf(output) {
  const m = output.match(/bake\(s\) in ([\d.]+)s; builder setup ([\d.]+)s; plugin overhead ([\d.]+)s/);
  return m ? { bakeS: Number(m[1]), setupS: Number(m[2]), overheadS: Number(m[3]) } : undefined;
}

/**
 * argv of the raw bake: the plugin's own bake command as the docker shim recorded it (same builder,
 * entitlements, progress), on another bake file and metadata file. Outputs stay the bake file's.
 */
function rawBakeArgv(recordedCall, bakeFile, metadataFile) {
  const args = recordedCall.trim().split(/\s+/);
  if (!args.includes('bake')) throw new Error(`not a bake command: ${recordedCall}`);
  const replace = (flag, value) => {
    const i = args.indexOf(flag);
    if (i < 0) throw new Error(`the plugin's bake command has no ${flag}: ${recordedCall}`);
    args[i + 1] = value;
  };
  replace('--file', bakeFile);
  replace('--metadata-file', metadataFile);
  return args;
}

/**
 * nx-container's `buildx build` among recorded docker calls, checked to do the same build as ours: the
 * builder, platforms, push, BUST, a cache import and export, the project's Dockerfile and context (the
 * build of `root` when several projects were built).
 * Returns the call; throws with what is missing.
 */
function checkNxContainerCall(calls, { builder, platforms, bust, root }) {
  const builds = calls.filter((c) => /(^| )buildx build /.test(c));
  // Several projects build at once: the one whose Dockerfile is the project's.
  const build = builds.find((c) => c.includes(` ${root}/Dockerfile `)) ?? builds[0];
  if (!build) throw new Error(`nx-container ran no buildx build; docker calls: ${calls.join('; ') || 'none'}`);
  const args = ` ${build} `;
  const want = [
    `--builder ${builder}`,
    `--platform ${platforms.join(',')}`,
    '--push',
    `--build-arg BUST=${bust}`,
    '--cache-from type=registry',
    '--cache-to type=registry',
    `--file ${root}/Dockerfile`,
    ` ${root} `,
  ];
  const missing = want.filter((w) => !args.includes(w.startsWith(' ') ? w : ` ${w}`));
  if (missing.length) throw new Error(`nx-container's build lacks ${missing.join(', ')}: ${build}`);
  return build;
}

module.exports = { pool, loadSampler, bakeFileOf, pluginSplitOf, rawBakeArgv, checkNxContainerCall };
