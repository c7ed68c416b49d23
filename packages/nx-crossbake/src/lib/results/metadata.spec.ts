import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBakeMetadata } from './metadata';

describe('parseBakeMetadata', () => {
  it('reads digest, image names and build ref of every target of a recorded bake', () => {
    const images = parseBakeMetadata(readFileSync(join(__dirname, '..', '__fixtures__', 'bake-metadata.json'), 'utf8'));
    expect([...images.keys()].sort()).toEqual(['acme_api', 'web', 'worker']);
    const api = images.get('acme_api')!;
    expect(api.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(api.imageNames).toEqual(['127.0.0.1:5000/acme/api:latest']);
    expect(api.buildRef).toMatch(/^default\/default\//);
  });

  it('splits several image names, falls back to the descriptor digest, and skips buildx keys', () => {
    const images = parseBakeMetadata(
      JSON.stringify({
        'buildx.build.warnings': [{ vertex: 'x' }],
        a: { 'image.name': 'r/a:1,r/a:latest', 'containerimage.descriptor': { mediaType: 'x', digest: 'sha256:d', size: 1 } },
        b: {},
      }),
    );
    expect([...images.keys()]).toEqual(['a', 'b']);
    expect(images.get('a')).toEqual({ digest: 'sha256:d', imageNames: ['r/a:1', 'r/a:latest'], buildRef: undefined });
    expect(images.get('b')).toEqual({ digest: undefined, imageNames: [], buildRef: undefined });
  });
});
