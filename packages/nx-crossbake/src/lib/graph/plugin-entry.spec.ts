import type { NxJsonConfiguration } from '@nx/devkit';
import { findPluginEntry, pluginOptionsOf, registerPlugin } from './plugin-entry';

describe('registerPlugin', () => {
  it('appends the bare name when there are no options, after the plugins already there', () => {
    expect(registerPlugin(['@nx/js/typescript'], {})).toEqual({ outcome: 'added', plugins: ['@nx/js/typescript', 'nx-crossbake'] });
  });

  it('appends the object form with only the options given', () => {
    expect(registerPlugin([], { registry: 'ghcr.io/acme', platforms: undefined })).toEqual({
      outcome: 'added',
      plugins: [{ plugin: 'nx-crossbake', options: { registry: 'ghcr.io/acme' } }],
    });
  });

  it('does not add the plugin twice', () => {
    const result = registerPlugin(['nx-crossbake'], {});
    expect(result).toEqual({ outcome: 'kept', plugins: ['nx-crossbake'], ignored: [] });
  });

  it('turns a bare string into the object form, in place, when options are asked for', () => {
    expect(registerPlugin(['a', 'nx-crossbake', 'b'], { platforms: ['linux/amd64'] })).toEqual({
      outcome: 'upgraded',
      plugins: ['a', { plugin: 'nx-crossbake', options: { platforms: ['linux/amd64'] } }, 'b'],
    });
  });

  it('keeps an existing object entry untouched and names the options it did not write', () => {
    const entry = { plugin: 'nx-crossbake', include: ['apps/**'], options: { registry: 'ghcr.io/old', platforms: ['linux/amd64'] } };
    const result = registerPlugin([entry], { registry: 'ghcr.io/new', platforms: ['linux/amd64'] });
    expect(result).toEqual({ outcome: 'kept', plugins: [entry], ignored: ['registry'] });
    expect(result.plugins[0]).toBe(entry);
  });

  it('recognises a relative path to the package as the plugin', () => {
    expect(registerPlugin(['./packages/nx-crossbake'], {}).outcome).toBe('kept');
    expect(registerPlugin(['@acme/nx-crossbake-extras'], {}).outcome).toBe('added');
  });
});

describe('pluginOptionsOf / findPluginEntry', () => {
  const nxJson = (plugins: NxJsonConfiguration['plugins']): NxJsonConfiguration => ({ plugins });

  it('reads the options of the object form', () => {
    expect(pluginOptionsOf(nxJson([{ plugin: 'nx-crossbake', options: { registry: 'r.example.com' } }]))).toEqual({
      registry: 'r.example.com',
    });
  });

  it.each([[nxJson(['nx-crossbake'])], [nxJson([])], [nxJson(undefined)], [null]])('gives {} without options: %j', (json) => {
    expect(pluginOptionsOf(json)).toEqual({});
  });

  it('finds nothing for other plugins', () => {
    expect(findPluginEntry(nxJson(['@nx/docker']))).toBeUndefined();
  });
});
