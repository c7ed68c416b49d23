import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import schema from './schema.json';

// scripts/options-table.js renders each executor's and generator's schema.json as an options table in the docs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TABLES, renderTable, docTable } = require('../../../../../scripts/options-table.js');

interface Table {
  id: string;
  schema: string;
  doc: string;
  full: boolean;
}
const workspaceRoot = join(__dirname, '../../../../..');

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

  const tables: [string, string, Table][] = (TABLES as Table[]).map((t) => [t.id, relative(workspaceRoot, t.doc), t]);
  it.each(tables)(
    'the %s options table in %s is current (run `node scripts/options-table.js` after changing a schema)',
    (_id: string, _doc: string, table: Table) => {
      expect(docTable(readFileSync(table.doc, 'utf8'), table.id)).toBe(renderTable(table));
    },
  );

  it('has a table in docs/options.md for every executor and generator the package declares', () => {
    const packageRoot = join(workspaceRoot, 'packages/nx-crossbake');
    const declared = [
      ...Object.keys(JSON.parse(readFileSync(join(packageRoot, 'executors.json'), 'utf8')).executors),
      ...Object.keys(JSON.parse(readFileSync(join(packageRoot, 'generators.json'), 'utf8')).generators).map((g) => `generator-${g}`),
    ];
    const reference = (TABLES as Table[]).filter((t) => relative(workspaceRoot, t.doc) === join('docs', 'options.md'));
    expect(reference.map((t) => t.id)).toEqual(declared);
    for (const t of reference) expect([t.id, existsSync(t.schema)]).toEqual([t.id, true]);
  });

  it('renders the fields of object items readably in the full reference, and leaves the short tables as they were', () => {
    const multiarch = (TABLES as Table[]).filter((t) => t.id === 'multiarch');
    const short = renderTable(multiarch.find((t) => !t.full));
    const full = renderTable(multiarch.find((t) => t.full));
    expect(short).not.toContain('registries[].');
    expect(full).toContain('| `registries[].passwordEnv` | string |  | **Required.** Name of the environment variable holding the password or token. |');
    expect(full.startsWith(schema.description)).toBe(true);
  });
});
