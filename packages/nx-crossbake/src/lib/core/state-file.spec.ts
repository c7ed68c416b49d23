import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStateStore, userStateStore } from './state-file';

const folder = () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'crossbake-state-')), 'private');
  return { dir, store: userStateStore(dir) };
};

describe('userStateStore', () => {
  it('gives back what was written, from a folder only the user can read', () => {
    const { dir, store } = folder();
    store.write('readiness', { a: { key: 'k', at: 1 } });
    expect(store.read('readiness')).toEqual({ a: { key: 'k', at: 1 } });
    expect(userStateStore(dir).read('readiness')).toEqual({ a: { key: 'k', at: 1 } });
    expect(JSON.parse(readFileSync(join(dir, 'state-readiness.json'), 'utf8'))).toEqual({ a: { key: 'k', at: 1 } });
  });

  it.each([
    ['missing', undefined],
    ['torn', '{"a":'],
    ['not an object', '[1,2]'],
  ])('reads a %s file as nothing', (_case, text) => {
    const { dir, store } = folder();
    store.write('other', {});
    if (text !== undefined) writeFileSync(join(dir, 'state-dates.json'), text);
    expect(store.read('dates')).toBeUndefined();
  });

  it('trusts nothing in a folder others can write, and keeps nothing there', () => {
    const { dir, store } = folder();
    store.write('dates', { x: 1 });
    chmodSync(dir, 0o777);
    const again = userStateStore(dir);
    expect(again.read('dates')).toBeUndefined();
    again.write('dates', { x: 2 });
    chmodSync(dir, 0o700);
    expect(userStateStore(dir).read('dates')).toEqual({ x: 1 });
  });
});

describe('memoryStateStore', () => {
  it('keeps copies, so a caller changing what it read changes nothing stored', () => {
    const store = memoryStateStore();
    store.write('x', { a: [1] });
    (store.read('x')!.a as number[]).push(2);
    expect(store.read('x')).toEqual({ a: [1] });
  });
});
