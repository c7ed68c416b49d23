// Compiles the plugin to CommonJS in dist/ and copies what tsc does not emit (schema.json, schema.d.ts, templates);
// copies the repository's docs/ into the package, which messages link to (src/lib/core/docs.ts); checks that every
// migration of migrations.json was built.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');

fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], {
  stdio: 'inherit',
});

const copyAssets = (dir) => {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '__fixtures__') copyAssets(from);
    } else if (entry.name.endsWith('.json') || entry.name.endsWith('.d.ts')) {
      const to = path.join(dist, path.relative(src, from));
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(from, to);
    }
  }
};
copyAssets(src);

const docs = path.join(root, 'docs');
fs.rmSync(docs, { recursive: true, force: true });
fs.cpSync(path.join(root, '..', '..', 'docs'), docs, { recursive: true });

// nx migrate loads each migration from the installed package: one missing from dist would fail every
// user's `nx migrate --run-migrations`, so the build fails here instead.
const { generators = {} } = JSON.parse(fs.readFileSync(path.join(root, 'migrations.json'), 'utf8'));
for (const [name, { implementation }] of Object.entries(generators)) {
  const built = path.join(root, `${implementation}.js`);
  if (!fs.existsSync(built))
    throw new Error(`migrations.json: '${name}' names ${implementation}, but the build made no ${path.relative(root, built)}`);
}
