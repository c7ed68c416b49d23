import { readFileSync } from 'node:fs';
import schema from './schema.json';

// scripts/options-table.js renders schema.json as the README's options table.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { render, readmeTable, README } = require('../../../../../scripts/options-table.js');

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

  it('is what the README options table shows (run `node scripts/options-table.js` after changing it)', () => {
    expect(readmeTable(readFileSync(README, 'utf8'))).toBe(render(schema));
  });
});
