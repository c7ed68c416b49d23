// node --test bench/: the context-digest benchmark runs end to end on a tiny size (it throws when two ways of
// digesting one tree disagree). Needs the built plugin (npm run build; npm test builds first).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { contextDigestBench } = require('./context-digest.bench');

const built = fs.existsSync(path.join(__dirname, '../packages/nx-crossbake/dist/lib/reuse/context-digest.js'));

test(
  'the context-digest benchmark measures a tiny workspace, every way agreeing',
  { skip: !built && 'run npm run build first' },
  async () => {
    const r = await contextDigestBench({ files: 120, distFiles: 10, runs: 1, projects: 4 });
    // 120 tracked files, the Dockerfile and .dockerignore, 10 in dist/; node_modules/ left out.
    assert.deepEqual({ files: r.context.files, hashed: r.context.hashedFromContent }, { files: 132, hashed: 10 });
    assert.match(r.context.digest, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual({ count: r.projects.count, files: r.projects.files }, { count: 4, files: 12 });
    for (const m of [r.committed, r.touched, r.withoutGit, r.projects.all]) {
      assert.ok(m.cold.ms > 0 && m.warm.ms > 0);
    }
    assert.ok(r.projects.each.warm.ms > 0 && !r.projects.each.cold);
  },
);
