// The layer rule bites: ESLint, run as `npm run lint` runs it, refuses an import against the order of
// scripts/layers.cjs and accepts the same file importing downwards. The fixture is linted from stdin under a
// name inside the source tree, so nothing is written there.
const { test } = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { LIB_LAYERS } = require('./layers.cjs');

const root = path.join(__dirname, '..');
const src = 'packages/nx-crossbake/src';
const eslint = path.join(path.dirname(require.resolve('eslint/package.json', { paths: [root] })), 'bin/eslint.js');

function lint(file, code) {
  const r = spawnSync(process.execPath, [eslint, '--max-warnings', '0', '--stdin', '--stdin-filename', file], {
    cwd: root,
    input: code,
    encoding: 'utf8',
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

test('every folder of lib/ has its place in the layer order, and every layer its folder', () => {
  const folders = fs
    .readdirSync(path.join(root, src, 'lib'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== '__fixtures__');
  assert.deepStrictEqual(folders.map((e) => e.name).sort(), LIB_LAYERS.flat().sort());
});

const cases = [
  // [what, file linted, import, refused]
  ['docker reaching up into run', `${src}/lib/docker/fixture.ts`, '../run/build-services', true],
  ['a lib folder reaching up into an executor', `${src}/lib/run/fixture.ts`, '../../executors/multiarch/executor', true],
  ['a lib folder reaching up into a generator', `${src}/lib/options/fixture.ts`, '../../generators/lib/gitignore', true],
  ['siblings on one row', `${src}/lib/docker/fixture.ts`, '../git/commit-facts', true],
  ['docker importing core, below it', `${src}/lib/docker/fixture.ts`, '../core/errors', false],
  ['run importing bake, below it', `${src}/lib/run/fixture.ts`, '../bake/definition', false],
  ['an executor importing lib', `${src}/executors/multiarch/fixture.ts`, '../../lib/run/build-services', false],
];
test('refuses a child process started outside the process runner, and allows it inside', () => {
  const code = "import { spawn } from 'node:child_process';\nexport const run = spawn;\n";
  const outside = lint(`${src}/lib/builder/fixture.ts`, code);
  assert.strictEqual(outside.status, 1, outside.output);
  assert.match(outside.output, /no-restricted-imports/);
  const inside = lint(`${src}/lib/process/fixture.ts`, code);
  assert.strictEqual(inside.status, 0, inside.output);
});

for (const [what, file, from, refused] of cases) {
  test(`${refused ? 'refuses' : 'accepts'} ${what}`, () => {
    // A real export of the imported module, so only the layer rule can object.
    const { status, output } = lint(file, `import * as m from '${from}';\nexport const used = m;\n`);
    if (refused) {
      assert.strictEqual(status, 1, output);
      assert.match(output, /import-x\/no-restricted-paths/);
    } else {
      assert.strictEqual(status, 0, output);
    }
  });
}
