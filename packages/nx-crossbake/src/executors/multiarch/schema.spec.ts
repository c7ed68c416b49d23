import { readFileSync } from 'node:fs';
import schema from './schema.json';

// scripts/options-table.js renders each executor's schema.json as an options table in the docs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TABLES, render, docTable, schemaPath } = require('../../../../../scripts/options-table.js');

describe('multiarch schema.json', () => {
  it('rejects options it does not know', () => {
    expect(schema.additionalProperties).toBe(false);
  });

  it('matches exactly the unknown names with its patternProperties guard, so Nx lets them reach the executor', () => {
    const [pattern, subschema] = Object.entries(schema.patternProperties)[0];
    expect(subschema).toBe(false);
    for (const name of Object.keys(schema.properties)) expect([name, new RegExp(pattern).test(name)]).toEqual([name, false]);
    for (const name of ['dockerfile', 'buildArgs', 'files', 'xfile', 'file2', 'no-cache-filter', '']) {
      expect([name, new RegExp(pattern).test(name)]).toEqual([name, true]);
    }
  });

  it('describes every option', () => {
    for (const [name, property] of Object.entries(schema.properties)) {
      expect([name, typeof property.description]).toEqual([name, 'string']);
    }
  });

  const tables: [string, string][] = TABLES.map((t: { executor: string; doc: string }) => [t.executor, t.doc]);
  it.each(tables)(
    'the %s options table in %s is current (run `node scripts/options-table.js` after changing a schema)',
    (executor: string, doc: string) => {
      expect(docTable(readFileSync(doc, 'utf8'), executor)).toBe(render(JSON.parse(readFileSync(schemaPath(executor), 'utf8'))));
    },
  );
});
