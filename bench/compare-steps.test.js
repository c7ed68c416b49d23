// node --test bench/
const test = require('node:test');
const assert = require('node:assert/strict');
const { bakeFileOf, pluginSplitOf, rawBakeArgv, checkNxContainerCall, pool } = require('./compare-steps');

test('bakeFileOf reads the bake file of a run of exactly N tasks, resolved against the workspace', () => {
  const cases = [
    {
      out: 'nx-crossbake: one bake for 8 task(s) on builder b: tmp/nx-crossbake/r1/docker-bake.json\n',
      n: 8,
      want: '/ws/tmp/nx-crossbake/r1/docker-bake.json',
    },
    { out: 'nx-crossbake: one bake for 2 project(s) on builder b: tmp/x/docker-bake.json', n: 2, want: '/ws/tmp/x/docker-bake.json' },
    { out: 'nx-crossbake: one bake for 8 task(s) on builder b: /var/run/nx/docker-bake.json', n: 8, want: '/var/run/nx/docker-bake.json' },
    { out: 'nx-crossbake: one bake for 7 task(s) on builder b: tmp/docker-bake.json', n: 8, throws: /did not run one bake for 8/ },
    { out: 'nothing here', n: 8, throws: /did not run one bake/ },
  ];
  for (const c of cases) {
    if (c.throws) assert.throws(() => bakeFileOf(c.out, c.n, '/ws'), c.throws);
    else assert.equal(bakeFileOf(c.out, c.n, '/ws'), c.want);
  }
});

test("pluginSplitOf reads the plugin's own split, or nothing when it does not print one", () => {
  assert.deepEqual(pluginSplitOf('nx-crossbake: 1 bake(s) in 38.2s; builder setup 0.3s; plugin overhead 0.1s'), {
    bakeS: 38.2,
    setupS: 0.3,
    overheadS: 0.1,
  });
  assert.equal(pluginSplitOf('done'), undefined);
});

test("rawBakeArgv keeps the plugin's builder and entitlements and swaps the files", () => {
  const call =
    'buildx bake --builder nx-crossbake-bench --file tmp/r/docker-bake.json --metadata-file tmp/r/metadata.json --progress plain --allow fs.read=/x';
  assert.deepEqual(rawBakeArgv(call, '/w/bake.json', '/w/meta.json'), [
    'buildx',
    'bake',
    '--builder',
    'nx-crossbake-bench',
    '--file',
    '/w/bake.json',
    '--metadata-file',
    '/w/meta.json',
    '--progress',
    'plain',
    '--allow',
    'fs.read=/x',
  ]);
  assert.throws(() => rawBakeArgv('buildx inspect b', 'f', 'm'), /not a bake command/);
  assert.throws(() => rawBakeArgv('buildx bake --file f', 'f', 'm'), /no --metadata-file/);
});

test('checkNxContainerCall accepts the same build and names what differs', () => {
  const spec = { builder: 'bb', platforms: ['linux/amd64', 'linux/arm64'], bust: 'x1', root: 'apps/svc-0' };
  const good =
    'buildx build --build-arg BUST=x1 --cache-from type=registry,ref=r:c --cache-to type=registry,ref=r:c,mode=max --file apps/svc-0/Dockerfile ' +
    '--iidfile /tmp/i --platform linux/amd64,linux/arm64 --tag r:latest --builder bb --metadata-file /tmp/m --push apps/svc-0';
  const cases = [
    { calls: ['version', 'info', 'buildx version', good], ok: true },
    { calls: [good.replaceAll('svc-0', 'svc-1'), good, good.replaceAll('svc-0', 'svc-2')], ok: true },
    { calls: [good.replaceAll('svc-0', 'svc-1')], missing: /--file apps\/svc-0\/Dockerfile/ },
    { calls: [good.replace('--push ', '')], missing: /--push/ },
    { calls: [good.replace('BUST=x1', 'BUST=$BENCH_BUST')], missing: /BUST=x1/ },
    { calls: [good.replace(/ apps\/svc-0$/, ' .')], missing: / apps\/svc-0 / },
    { calls: [good.replace('--builder bb', '')], missing: /--builder bb/ },
    { calls: ['version', 'buildx version'], missing: /ran no buildx build/ },
  ];
  for (const c of cases) {
    if (c.ok) assert.equal(checkNxContainerCall(c.calls, spec), good);
    else assert.throws(() => checkNxContainerCall(c.calls, spec), c.missing);
  }
});

test('pool runs every item and never more than its size at once', async () => {
  let running = 0;
  let most = 0;
  const done = [];
  await pool([1, 2, 3, 4, 5, 6, 7], 3, async (i) => {
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, 5 * (i % 3)));
    done.push(i);
    running--;
  });
  assert.deepEqual(done.sort(), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(most, 3);
});
