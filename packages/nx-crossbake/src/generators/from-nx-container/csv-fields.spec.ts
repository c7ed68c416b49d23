import { csvAttributes, csvFields } from './csv-fields';

describe('csvFields', () => {
  it.each([
    ['type=raw,value=latest', ['type=raw', 'value=latest']],
    ['latest', ['latest']],
    [' type=raw , value=1.0 ', ['type=raw', 'value=1.0']],
    ['type=raw,"value=a,b"', ['type=raw', 'value=a,b']],
    ['"value=say ""hi"""', ['value=say "hi"']],
    ['a,,b,', ['a', 'b']],
  ])('%s → %j', (record, fields) => expect(csvFields(record)).toEqual(fields));
});

describe('csvAttributes', () => {
  it('reads key=value fields with lower-case keys', () => {
    expect(csvAttributes('Type=raw,Value=v1,enable=true', 'value')).toEqual({ type: 'raw', value: 'v1', enable: 'true' });
  });

  it('stores a bare field under the given key', () => {
    expect(csvAttributes('ghcr.io/acme/api', 'name')).toEqual({ name: 'ghcr.io/acme/api' });
  });

  it('keeps = signs inside the value', () => {
    expect(csvAttributes('type=raw,value=a=b', 'value')).toEqual({ type: 'raw', value: 'a=b' });
  });
});
