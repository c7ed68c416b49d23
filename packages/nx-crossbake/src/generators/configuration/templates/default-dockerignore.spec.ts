import { compileDockerignore, keepsOut, parseDockerignore } from '../../../lib/dockerfile/dockerignore-matcher';
import { dockerignore } from './default-dockerignore';

describe('dockerignore', () => {
  it('keeps the host node_modules out of a Node context', () => {
    expect(dockerignore('node').split('\n')).toContain('node_modules');
  });

  it('keeps locally built binaries out of a Go context', () => {
    const lines = dockerignore('go').split('\n');
    expect(lines).toContain('bin');
    expect(lines).not.toContain('node_modules');
  });

  it.each(['node', 'go'] as const)('keeps .git and .env files out, and ends with a newline (%s)', (kind) => {
    const text = dockerignore(kind);
    expect(text.split('\n')).toEqual(expect.arrayContaining(['.git', '.env', '.env.*']));
    expect(text.endsWith('\n')).toBe(true);
  });

  it.each(['node', 'go'] as const)('keeps out what this machine writes in the folder: dist, tmp, .nx (%s)', (kind) => {
    const patterns = compileDockerignore(parseDockerignore(dockerignore(kind)));
    expect(['dist', 'tmp', '.nx', 'src'].filter((folder) => keepsOut(patterns, folder))).toEqual(['dist', 'tmp', '.nx']);
  });
});
