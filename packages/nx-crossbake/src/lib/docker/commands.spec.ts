import { getBakeCommand, getBuildxVersionCommand, getDriverStatusCommand, getHistoryListCommand } from './commands';

describe('docker argv builders', () => {
  it.each([
    [getBuildxVersionCommand(), ['buildx', 'version']],
    [getDriverStatusCommand(), ['info', '--format', '{{json .DriverStatus}}']],
    [getHistoryListCommand(undefined), ['buildx', 'history', 'ls', '--format', 'json']],
    [getHistoryListCommand('crossbake'), ['buildx', 'history', 'ls', '--builder', 'crossbake', '--format', 'json']],
    [
      getBakeCommand({ bakeFile: 'tmp/b.json', metadataFile: 'tmp/m.json' }),
      ['buildx', 'bake', '--file', 'tmp/b.json', '--metadata-file', 'tmp/m.json', '--progress', 'plain'],
    ],
    [
      getBakeCommand({ bakeFile: 'b.json', metadataFile: 'm.json', builder: 'crossbake' }),
      ['buildx', 'bake', '--builder', 'crossbake', '--file', 'b.json', '--metadata-file', 'm.json', '--progress', 'plain'],
    ],
  ])('%j', (argv, expected) => expect(argv).toEqual(expected));

  it('never selects a builder globally', () => {
    const all = [getBakeCommand({ bakeFile: 'b', metadataFile: 'm', builder: 'x' }), getHistoryListCommand('x')].flat();
    expect(all).not.toContain('use');
  });
});
