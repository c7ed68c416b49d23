// Renders the executors' and generators' schema.json files as the Markdown options tables of the docs,
// so they cannot drift.
//   node scripts/options-table.js          rewrite every table in place
//   require('./options-table')             used by the spec that checks the docs are current
//
// A table lives between two markers in its doc:
//   <!-- options:<id>:start (generated from schema.json by scripts/options-table.js) -->
//   <!-- options:<id>:end -->
// README.md and docs/builder.md carry the short tables of multiarch and setup; docs/options.md carries the
// full reference (the schema's description, then a table with nested item properties, aliases and
// required options) of every executor of executors.json and every generator of generators.json.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const pkg = path.join(root, 'packages/nx-crossbake');
const schemas = path.join(pkg, 'src/lib/options/schemas');
const reference = path.join(root, 'docs/options.md');

const schemaPath = (executor) => path.join(schemas, `${executor}.json`);

/** `./dist/lib/options/schemas/x.json` (what the package ships) → the source file it is copied from. */
const sourceSchema = (distPath) => path.join(pkg, distPath.replace(/^(\.\/)?dist\//, 'src/'));

/** Every executor, then every generator, as the package declares them: a new one needs a table. */
function collections() {
  const read = (file) => JSON.parse(fs.readFileSync(path.join(pkg, file), 'utf8'));
  return [
    ...Object.entries(read('executors.json').executors).map(([name, e]) => ({ id: name, schema: sourceSchema(e.schema) })),
    // Generators get a prefixed id: their names may one day match an executor's.
    ...Object.entries(read('generators.json').generators).map(([name, g]) => ({ id: `generator-${name}`, schema: sourceSchema(g.schema) })),
  ];
}

/** Each generated table: its marker id, which schema, into which doc, and whether it is the full form. */
const TABLES = [
  { id: 'multiarch', schema: schemaPath('multiarch'), doc: path.join(root, 'README.md'), full: false },
  { id: 'setup', schema: schemaPath('setup'), doc: path.join(root, 'docs/builder.md'), full: false },
  ...collections().map((c) => ({ ...c, doc: reference, full: true })),
];

const markers = (id) => [
  `<!-- options:${id}:start (generated from schema.json by scripts/options-table.js) -->`,
  `<!-- options:${id}:end -->`,
];

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n+/g, ' ');

/**
 * What an option is documented to be. Executor schemas keep it in `x-expected`, which Nx does not enforce
 * (Nx accepts any value there and the executor checks it per project); generator schemas use plain
 * JSON Schema keywords.
 */
const expected = (p) => ({ ...p, ...(p['x-expected'] || {}) });

function typeOf(property) {
  const p = expected(property);
  if (p.type === 'array') return `${p.items && p.items.type ? p.items.type : 'any'}[]`;
  if (p.enum) return p.enum.map((v) => `\`${v}\``).join(' \\| ');
  return [p.type || 'any'].flat().join(' \\| ');
}

const defaultOf = (p) => (p.default === undefined ? '' : `\`${JSON.stringify(p.default)}\``);

const ORDINALS = ['first', 'second', 'third'];

/** The meaning column of the full form: the description, with what else the schema says about the option. */
function fullMeaning(property, required) {
  const p = expected(property);
  const parts = [];
  if (required) parts.push('**Required.**');
  parts.push(p.description || '');
  if (p.minimum !== undefined) parts.push(`Minimum: ${p.minimum}.`);
  if (p.aliases && p.aliases.length) parts.push(`Also accepted as ${p.aliases.map((a) => `\`--${a}\``).join(', ')}.`);
  if (p.$default && p.$default.$source === 'argv') {
    parts.push(`Can be given as the ${ORDINALS[p.$default.index] || `#${p.$default.index + 1}`} positional argument.`);
  }
  return parts.filter(Boolean).join(' ');
}

/** The properties of an array's object items (or of an object), as rows named `parent[].child`. */
function nestedRows(name, property) {
  const p = expected(property);
  const object = p.type === 'array' ? p.items : p;
  if (!object || object.type !== 'object' || !object.properties) return [];
  const prefix = p.type === 'array' ? `${name}[]` : name;
  const required = new Set(object.required || []);
  return Object.entries(object.properties).flatMap(([child, c]) => [
    `| \`${prefix}.${child}\` | ${typeOf(c)} | ${defaultOf(c)} | ${cell(fullMeaning(c, required.has(child)))} |`,
    ...nestedRows(`${prefix}.${child}`, c),
  ]);
}

/**
 * The short form (README.md, docs/builder.md): one row per option. The full form (docs/options.md): the
 * schema's description, then one row per option with its nested item properties below it.
 */
function render(schema, { full = false } = {}) {
  const header = ['| option | type | default | meaning |', '| --- | --- | --- | --- |'];
  const required = new Set(schema.required || []);
  const rows = Object.entries(schema.properties).flatMap(([name, p]) => {
    const meaning = full ? fullMeaning(p, required.has(name)) : p.description;
    const row = `| \`${name}\` | ${typeOf(p)} | ${defaultOf(p)} | ${cell(meaning)} |`;
    return full ? [row, ...nestedRows(name, p)] : [row];
  });
  const table = [...header, ...rows].join('\n');
  return full && schema.description ? `${schema.description}\n\n${table}` : table;
}

/** What belongs between the markers of a table. */
const renderTable = (table) => render(JSON.parse(fs.readFileSync(table.schema, 'utf8')), { full: table.full });

/** The text between the markers of `id` in a doc's text, or undefined. */
function docTable(text, id) {
  const [start, end] = markers(id);
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  return from < 0 || to < 0 ? undefined : text.slice(from + start.length, to).trim();
}

if (require.main === module) {
  for (const table of TABLES) {
    const text = fs.readFileSync(table.doc, 'utf8');
    const [start, end] = markers(table.id);
    if (docTable(text, table.id) === undefined) {
      throw new Error(`${path.relative(root, table.doc)} has no ${start} … ${end} markers: add them where the table belongs`);
    }
    const content = renderTable(table);
    fs.writeFileSync(table.doc, `${text.slice(0, text.indexOf(start) + start.length)}\n${content}\n${text.slice(text.indexOf(end))}`);
  }
}

module.exports = { TABLES, render, renderTable, docTable, schemaPath, markers };
