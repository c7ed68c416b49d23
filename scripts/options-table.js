// Renders an executor's schema.json as the Markdown options table, so the docs cannot drift from the schema.
//   node scripts/options-table.js          rewrite the table in README.md
//   require('./options-table').render(...) used by the spec that checks README.md is current
const fs = require('node:fs');
const path = require('node:path');

const SCHEMA = path.join(__dirname, '../packages/nx-crossbake/src/executors/multiarch/schema.json');
const README = path.join(__dirname, '../README.md');
const START = '<!-- options:start (generated from schema.json by scripts/options-table.js) -->';
const END = '<!-- options:end -->';

function render(schema) {
  const rows = Object.entries(schema.properties).map(([name, p]) => {
    const type = p.type === 'array' ? `${p.items.type}[]` : p.type;
    const def = p.default === undefined ? '' : `\`${JSON.stringify(p.default)}\``;
    return `| \`${name}\` | ${type} | ${def} | ${p.description.replace(/\|/g, '\\|')} |`;
  });
  return ['| option | type | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function readmeTable(readme) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  return start < 0 || end < 0 ? undefined : readme.slice(start + START.length, end).trim();
}

if (require.main === module) {
  const readme = fs.readFileSync(README, 'utf8');
  const table = render(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')));
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  fs.writeFileSync(README, `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`);
}

module.exports = { render, readmeTable, SCHEMA, README };
