import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adviseOnEmulation, formatEmulationAdvice, type EmulationAdvice } from './emulation-advisor';

const FIXTURES = join(__dirname, '__fixtures__');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const lines = (...text: string[]) => text.join('\n');
const EMULATED = ['linux/arm64', 'linux/arm/v7'];

/** Findings as `<line> <tool>`, which is what a reader checks a Dockerfile against. */
const findings = (dockerfile: string, emulated: readonly string[] = EMULATED) =>
  adviseOnEmulation(dockerfile, emulated).map((advice) => `${advice.line} ${advice.tool}`);

// The corpus: each fixture with the steps that would run on an emulated CPU.
const CORPUS: Array<[file: string, expected: string[]]> = [
  ['go-naive.Dockerfile', ['7 go build']],
  ['go-cross.Dockerfile', []],
  ['rust-naive.Dockerfile', ['4 cargo build', '4 cargo install']],
  ['node-naive.Dockerfile', ['4 npm ci']],
  ['node-cross.Dockerfile', []],
  ['python-sdist.Dockerfile', ['4 pip install']],
  ['python-only-binary.Dockerfile', []],
  ['java-naive.Dockerfile', ['4 mvn', '6 mvn']],
  ['java-cross.Dockerfile', []],
  ['c-make.Dockerfile', ['5 make', '6 gcc', '6 cmake']],
  ['copy-only-final.Dockerfile', []],
  ['continuation-heredoc.Dockerfile', ['9 go build', '9 make', '22 npm ci']],
  ['escape-directive.Dockerfile', ['5 dotnet publish']],
  ['false-positives.Dockerfile', []],
  ['wrappers.Dockerfile', ['2 make', '3 make', '4 go install', '5 go build', '6 yarn install', '6 cc', '7 cargo build']],
];

describe('adviseOnEmulation', () => {
  it.each(CORPUS)('%s', (file, expected) => {
    expect(findings(fixture(file))).toEqual(expected);
  });

  it('covers every fixture in the corpus', () => {
    expect(readdirSync(FIXTURES).sort()).toEqual(CORPUS.map(([file]) => file).sort());
  });

  it('says nothing when no platform is emulated', () => {
    for (const [file] of CORPUS) expect(adviseOnEmulation(fixture(file), [])).toEqual([]);
  });

  it('fills every field of a finding', () => {
    expect(adviseOnEmulation(fixture('go-naive.Dockerfile'), ['linux/arm64'])).toEqual<EmulationAdvice[]>([
      {
        line: 7,
        stage: 'build',
        tool: 'go build',
        instruction: 'CGO_ENABLED=0 go build -o /out/api ./cmd/api',
        hint: expect.stringContaining('GOOS=$TARGETOS GOARCH=$TARGETARCH go build'),
      },
    ]);
  });

  it('names an unnamed stage by its index', () => {
    expect(adviseOnEmulation(fixture('node-naive.Dockerfile'), EMULATED).map((a) => a.stage)).toEqual(['0']);
  });

  it('quotes the RUN as written, so a heredoc shows its opening', () => {
    expect(adviseOnEmulation(fixture('continuation-heredoc.Dockerfile'), EMULATED)[0]).toMatchObject({ line: 9, instruction: '<<EOF' });
  });

  it('cuts a long RUN to 80 characters, white space collapsed', () => {
    const long = adviseOnEmulation(lines('FROM alpine', `RUN make \\`, `    ${'x'.repeat(100)}`), EMULATED)[0].instruction;
    expect(long).toHaveLength(80);
    expect(long).toMatch(/^make x+…$/);
  });

  it('reports a tool once per RUN, however often it runs there', () => {
    expect(findings(lines('FROM alpine', 'RUN make && make install && make clean', 'RUN make'))).toEqual(['2 make', '3 make']);
  });

  describe('stages pinned to a platform', () => {
    const dockerfile = lines(
      'FROM --platform=linux/amd64 debian AS amd',
      'RUN make',
      'FROM --platform=linux/arm/v6 debian AS arm',
      'RUN make',
    );

    it('advises only where the pinned platform is emulated, by emulator family', () => {
      expect(findings(dockerfile, ['linux/arm/v7'])).toEqual(['4 make']);
      expect(findings(dockerfile, ['linux/amd64'])).toEqual(['2 make']);
      expect(findings(dockerfile, ['linux/arm64'])).toEqual([]);
    });
  });

  it('never throws on odd input', () => {
    for (const text of [
      '',
      'RUN make',
      'FROM',
      'FROM a\nRUN',
      'FROM a\nRUN <<',
      'FROM a\nRUN ["x"',
      'FROM a\nRUN <<EOF',
      '# escape=`\nFROM a\nRUN `',
    ]) {
      expect(() => adviseOnEmulation(text, EMULATED)).not.toThrow();
    }
  });
});

describe('formatEmulationAdvice', () => {
  const advice = (line: number, stage: string, tool: string, hint: string): EmulationAdvice => ({
    line,
    stage,
    tool,
    instruction: tool,
    hint,
  });

  it('names the project, the platforms, each finding and where to read more', () => {
    const message = formatEmulationAdvice(
      'api',
      ['linux/arm64', 'linux/arm/v7'],
      [advice(7, 'build', 'go build', 'cross-compile with GOARCH'), advice(3, '0', 'make', 'use a cross toolchain')],
    );
    expect(message).toBe(
      lines(
        'api: 2 steps will run under QEMU emulation for linux/arm64, linux/arm/v7; compiling there is 2–50× slower than cross-compiling, and flaky on arm/v7:',
        '  Dockerfile:7 (build) go build: cross-compile with GOARCH',
        '  Dockerfile:3 (stage 0) make: use a cross toolchain',
        '  see node_modules/nx-crossbake/docs/builder.md#troubleshooting',
        '  to move the Go compiles to the build platform, run: nx g nx-crossbake:cross-compile --project=api',
      ),
    );
  });

  it('says "a step" for one finding', () => {
    expect(formatEmulationAdvice('web', ['linux/arm64'], [advice(4, '0', 'npm ci', 'h')]).split('\n')[0]).toMatch(
      /^web: a step will run under QEMU emulation for linux\/arm64;/,
    );
  });

  it('is empty when there is no advice', () => {
    expect(formatEmulationAdvice('api', ['linux/arm64'], [])).toBe('');
  });

  it('formats what the advisor found', () => {
    const message = formatEmulationAdvice('worker', ['linux/arm64'], adviseOnEmulation(fixture('rust-naive.Dockerfile'), ['linux/arm64']));
    expect(message.split('\n')).toEqual([
      expect.stringMatching(/^worker: 2 steps .* linux\/arm64;/),
      expect.stringMatching(/^ {2}Dockerfile:4 \(build\) cargo build: cross-compile .*--target/),
      expect.stringMatching(/^ {2}Dockerfile:4 \(build\) cargo install: cross-compile .*--target/),
      '  see node_modules/nx-crossbake/docs/builder.md#troubleshooting',
      '  to see which of these steps can move to the build platform, run: nx g nx-crossbake:cross-compile --project=worker --dry-run',
    ]);
  });

  it.each([
    [
      'npm ci',
      '  to move the Node installs to the build platform where the lockfile proves node_modules the same on every platform, run: nx g nx-crossbake:cross-compile --project=web (add --dry-run to see what it would do first)',
    ],
    [
      'pnpm install',
      '  to move the Node installs to the build platform where the lockfile proves node_modules the same on every platform, run: nx g nx-crossbake:cross-compile --project=web (add --dry-run to see what it would do first)',
    ],
    // What yarn.lock leaves out, the generator reads from the registry.
    [
      'yarn install',
      '  to move the Node installs to the build platform where the lockfile proves node_modules the same on every platform, run: nx g nx-crossbake:cross-compile --project=web (add --dry-run to see what it would do first)',
    ],
  ])('points %s at the generator, which decides from the lockfile', (tool, last) => {
    expect(
      formatEmulationAdvice('web:docker-multiarch', ['linux/arm64'], [advice(4, '0', tool, 'h')])
        .split('\n')
        .at(-1),
    ).toBe(last);
  });

  it('names the split of the stage for an nx build, by hand, after the generator line for the install beside it', () => {
    const split =
      '  the nx build moves to the build platform with a split of its stage into a build stage and a runtime stage, by hand: node_modules/nx-crossbake/docs/cross-compile.md#nx-builds-the-split';
    const nestjs =
      'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npx nx build api\nCMD ["node", "dist/apps/api/main.js"]\n';
    const found = adviseOnEmulation(nestjs, ['linux/arm64']);
    expect(found.map((a) => `${a.line} ${a.tool} ${a.copiedFrom}`)).toEqual(['4 npm ci undefined', '6 nx build false']);
    expect(formatEmulationAdvice('api:docker-multiarch', ['linux/arm64'], found).split('\n').slice(-2)).toEqual([
      '  to move the Node installs to the build platform where the lockfile proves node_modules the same on every platform, run: nx g nx-crossbake:cross-compile --project=api (add --dry-run to see what it would do first)',
      split,
    ]);
    // Alone, the nx build gets only the split.
    expect(
      formatEmulationAdvice('api', ['linux/arm64'], [advice(6, '0', 'nx build', 'h')])
        .split('\n')
        .at(-1),
    ).toBe(split);
  });

  it.each([
    ['by name', 'COPY --from=build /app/dist ./'],
    ['by index', 'COPY --from=0 /app/dist ./'],
  ])('sends an nx build whose stage a later stage copies from (%s) to the generator, its install with it', (_, copy) => {
    const nestjs = `FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npx nx build api\nFROM node:20-slim\n${copy}\nCMD ["node", "main.js"]\n`;
    const found = adviseOnEmulation(nestjs, ['linux/arm64']);
    expect(found.map((a) => `${a.line} ${a.tool} ${a.copiedFrom}`)).toEqual(['4 npm ci undefined', '5 nx build true']);
    expect(formatEmulationAdvice('api:docker-multiarch', ['linux/arm64'], found).split('\n').slice(-2)).toEqual([
      '  see node_modules/nx-crossbake/docs/builder.md#troubleshooting',
      '  to split the stage of the nx build (the install and the build run once, on the build platform; node_modules a later stage copies install per target, production dependencies only), run: nx g nx-crossbake:cross-compile --project=api (add --dry-run to see what it would do first)',
    ]);
  });

  describe('ends with the generator command for the task', () => {
    const go = [advice(7, 'build', 'go build', 'h')];
    it.each([
      ['api:docker-multiarch', 'nx g nx-crossbake:cross-compile --project=api'],
      ['@acme/api:docker-multiarch', 'nx g nx-crossbake:cross-compile --project=@acme/api'],
      ['@acme/api:image-debug', 'nx g nx-crossbake:cross-compile --project=@acme/api --target=image-debug'],
      ['api:image:production', 'nx g nx-crossbake:cross-compile --project=api --target=image'],
    ])('%s', (taskId, command) => {
      expect(formatEmulationAdvice(taskId, ['linux/arm64'], go).split('\n').at(-1)).toBe(
        `  to move the Go compiles to the build platform, run: ${command}`,
      );
    });
  });
});
