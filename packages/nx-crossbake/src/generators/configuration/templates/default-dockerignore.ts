/**
 * .dockerignore for the project folder. Besides keeping the context small, it keeps out what would make a
 * cross-built image wrong: node_modules installed for the machine you work on.
 */
export function dockerignore(kind: 'node' | 'go'): string {
  const common = [
    '.git',
    '.dockerignore',
    'Dockerfile',
    '*.log',
    '.env',
    '.env.*',
    '# Written on this machine, not sources (the image builds its own output); they would undo the build cache.',
    'dist',
    'tmp',
    '.nx',
  ];
  const specific =
    kind === 'node'
      ? ['# Installed for this machine, not for the target platforms: the image installs its own.', 'node_modules', 'coverage']
      : ['# Binaries built on this machine: the image compiles its own for each platform.', 'bin'];
  return [...common, ...specific].join('\n') + '\n';
}
