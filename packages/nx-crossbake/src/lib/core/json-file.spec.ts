import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeJsonFileAtomically } from './json-file';

describe('writeJsonFileAtomically', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'crossbake-json-'));

  it('writes the document whole, creating its folder, and leaves no temporary file', () => {
    const root = dir();
    const file = join(root, 'a', 'b.json');
    expect(writeJsonFileAtomically(file, { x: [1, 2] })).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ x: [1, 2] });
    expect(readdirSync(join(root, 'a'))).toEqual(['b.json']);
  });

  it('replaces an existing document and applies the mode asked for', () => {
    const file = join(dir(), 'state.json');
    writeFileSync(file, '{"old":true}');
    expect(writeJsonFileAtomically(file, { new: true }, { mode: 0o600 })).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ new: true });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('says false, and leaves nothing behind, when the file cannot be written', () => {
    const root = dir();
    writeFileSync(join(root, 'plain-file'), '');
    expect(writeJsonFileAtomically(join(root, 'plain-file', 'x.json'), {})).toBe(false);
    expect(readdirSync(root)).toEqual(['plain-file']);
  });
});
