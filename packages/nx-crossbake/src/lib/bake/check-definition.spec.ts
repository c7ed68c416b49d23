import type { BakeDefinition } from '../docker/bake-file';
import { getCheckDefinition } from './check-definition';

const definition: BakeDefinition = {
  group: { default: { targets: ['base', 'app', 'other'] } },
  target: {
    base: {
      context: 'apps/base',
      dockerfile: 'Dockerfile',
      platforms: ['linux/amd64'],
      tags: ['r/base:1'],
      output: ['type=image,push=true'],
    },
    app: {
      context: 'apps/app',
      dockerfile: 'Dockerfile',
      platforms: ['linux/amd64', 'linux/arm64'],
      tags: ['r/app:1'],
      args: { A: '1' },
      labels: { l: 'v' },
      target: 'runtime',
      contexts: { 'r/base:1': 'target:base', 'r/tool:1': 'docker-image://r/tool@sha256:abc', cfg: 'apps/app/cfg' },
      secret: ['id=npm,env=NPM_TOKEN'],
      ssh: ['default'],
      attest: ['type=provenance,mode=min'],
      'cache-from': ['type=registry,ref=r/app:buildcache'],
      'cache-to': ['type=registry,ref=r/app:buildcache,mode=max'],
      output: ['type=image,push=true'],
    },
    other: { context: 'apps/other', dockerfile: 'Dockerfile', platforms: ['linux/amd64'], output: ['type=image,push=true'] },
  },
};

describe('getCheckDefinition', () => {
  it('keeps only the targets checked and what their Dockerfile is read with, exporting nothing', () => {
    const { definition: checked, relinked } = getCheckDefinition(definition, ['app'], '/run/stand-in');
    expect(checked).toEqual({
      group: { default: { targets: ['app'] } },
      target: {
        app: {
          context: 'apps/app',
          dockerfile: 'Dockerfile',
          platforms: ['linux/amd64', 'linux/arm64'],
          args: { A: '1' },
          target: 'runtime',
          contexts: { 'r/base:1': '/run/stand-in', 'r/tool:1': 'docker-image://r/tool@sha256:abc', cfg: 'apps/app/cfg' },
          secret: ['id=npm,env=NPM_TOKEN'],
          ssh: ['default'],
          output: ['type=cacheonly'],
        },
      },
    });
    expect(relinked).toEqual(new Set(['app']));
  });

  it('replaces nothing in a target without sibling links', () => {
    const { definition: checked, relinked } = getCheckDefinition(definition, ['base', 'other'], '/s');
    expect(Object.keys(checked.target)).toEqual(['base', 'other']);
    expect(checked.target.base).toEqual({
      context: 'apps/base',
      dockerfile: 'Dockerfile',
      platforms: ['linux/amd64'],
      output: ['type=cacheonly'],
    });
    expect(relinked.size).toBe(0);
  });
});
