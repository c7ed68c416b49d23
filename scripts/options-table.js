// Renders executors' schema.json files as the Markdown options tables of the docs, so they cannot drift.
//   node scripts/options-table.js          rewrite every table in place
//   require('./options-table')             used by the spec that checks the docs are current
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const executors = path.join(root, 'packages/nx-crossbake/src/executors');

/** Each generated table: which schema, into which file. */
const TABLES = [
  { executor: 'multiarch', doc: path.join(root, 'README.md') },
  { executor: 'setup', doc: path.join(root, 'docs/builder.md') },
];

const schemaPath = (executor) => path.join(executors, executor, 'schema.json');
const markers = (executor) => [
  `<!-- options:${executor}:start (generated from schema.json by scripts/options-table.js) -->`,
  `<!-- options:${executor}:end -->`,
];

function render(schema) {
  const rows = Object.entries(schema.properties).map(([name, p]) => {
    const type = p.type === 'array' ? `${p.items.type}[]` : p.enum ? p.enum.map((v) => `\`${v}\``).join(' \\| ') : p.type;
    const def = p.default === undefined ? '' : `\`${JSON.stringify(p.default)}\``;
    return `| \`${name}\` | ${type} | ${def} | ${p.description.replace(/\|/g, '\\|')} |`;
  });
  return ['| option | type | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The table between the markers of `executor` in a doc's text, or undefined. */
function docTable(text, executor) {
  const [start, end] = markers(executor);
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  return from < 0 || to < 0 ? undefined : text.slice(from + start.length, to).trim();
}

if (require.main === module) {
  for (const { executor, doc } of TABLES) {
    const text = fs.readFileSync(doc, 'utf8');
    const [start, end] = markers(executor);
    const table = render(JSON.parse(fs.readFileSync(schemaPath(executor), 'utf8')));
    if (docTable(text, executor) === undefined) throw new Error(`${doc} has no ${start} … ${end} markers`);
    fs.writeFileSync(doc, `${text.slice(0, text.indexOf(start) + start.length)}\n${table}\n${text.slice(text.indexOf(end))}`);
  }
}

module.exports = { TABLES, render, docTable, schemaPath };
