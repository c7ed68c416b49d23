import { commandLabel, countingExec, formatProcessCount, lineSplitter, type Exec } from './exec';

describe('commandLabel', () => {
  it.each([
    ['docker', ['buildx', '--builder', 'nx-crossbake', 'bake', '--file', 'b.json'], 'docker buildx bake'],
    ['docker', ['--context', 'nx-crossbake', 'buildx', 'bake', '--file', 'b.json'], 'docker buildx bake'],
    ['docker', ['buildx', '--builder', 'b', 'history', 'ls', '--format', 'json'], 'docker buildx history'],
    ['docker', ['buildx', 'inspect', '--bootstrap', 'b'], 'docker buildx inspect'],
    ['docker', ['info', '--format', '{{json .RegistryConfig}}'], 'docker info'],
    ['/opt/bin/docker', ['run', '--privileged', '--rm', 'binfmt', '--install', 'arm64'], 'docker run'],
    ['git', ['--literal-pathspecs', 'log', '--first-parent', '--', 'apps/a'], 'git log'],
    ['git', ['-c', 'core.quotepath=off', 'rev-parse', 'HEAD'], 'git rev-parse'],
    // CROSSBAKE_DOCKER naming another binary: the label says which ran
    ['/opt/docker-28/bin/docker-ce', ['buildx', '--builder', 'b', 'bake'], 'docker-ce buildx bake'],
  ])('%s %j → %s', (file, args, label) => expect(commandLabel(file, args)).toBe(label));
});

describe('countingExec', () => {
  it('counts every process started through it, by command, and passes everything on', async () => {
    const seen: string[][] = [];
    const inner: Exec = async (_file, args, options) => {
      seen.push([...args, options?.cwd ?? '']);
      return { exitCode: 0, stdout: 'ok', stderr: '' };
    };
    const counter = countingExec(inner);
    await counter.exec('git', ['rev-parse', 'HEAD'], { cwd: '/w' });
    await counter.exec('docker', ['buildx', '--builder', 'b', 'bake']);
    await counter.exec('docker', ['buildx', '--builder', 'b', 'bake']);
    expect(await counter.exec('docker', ['buildx', '--builder', 'b', 'history', 'ls'])).toMatchObject({ stdout: 'ok' });
    expect(seen[0]).toEqual(['rev-parse', 'HEAD', '/w']);
    expect(Object.fromEntries(counter.counts())).toEqual({ 'git rev-parse': 1, 'docker buildx bake': 2, 'docker buildx history': 1 });
  });
});

describe('formatProcessCount', () => {
  it.each([
    [
      { 'git rev-parse': 1, 'docker buildx bake': 1, 'docker buildx history': 1 },
      '2 besides the bake (git rev-parse 1, docker buildx history 1); 1 bake',
    ],
    [{ 'docker buildx bake': 3 }, '0 besides the bake; 3 bakes'],
    [{ 'docker buildx inspect': 2 }, '2 besides the bake (docker buildx inspect 2); 0 bakes'],
    [{ 'docker-ce info': 1, 'docker-ce buildx bake': 1 }, '1 besides the bake (docker-ce info 1); 1 bake'],
  ])('%j → %s', (counts, text) => expect(formatProcessCount(new Map(Object.entries(counts)))).toBe(text));
});

describe('lineSplitter', () => {
  it('tells each whole line once it is complete, across chunks and split characters, and the last one at the end', () => {
    const lines: string[] = [];
    const split = lineSplitter((line) => lines.push(line));
    const euro = Buffer.from('€');
    split.write(Buffer.from('#1 [a] one\n#1 DO'));
    expect(lines).toEqual(['#1 [a] one']);
    split.write(Buffer.concat([Buffer.from('NE 0.1s\r\nprice '), euro.subarray(0, 1)]));
    split.write(Buffer.concat([euro.subarray(1), Buffer.from('\nlast')]));
    expect(lines).toEqual(['#1 [a] one', '#1 DONE 0.1s', 'price €']);
    split.end();
    expect(lines).toEqual(['#1 [a] one', '#1 DONE 0.1s', 'price €', 'last']);
  });
});
