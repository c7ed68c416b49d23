import { linkerProblem, parseGoCommand } from './go-command';

const words = (command: string) => command.split(' ');

describe('parseGoCommand', () => {
  it.each([
    ['go build -o main .', { subcommand: 'build', output: 'main', packages: ['.'] }],
    ['go build -o=/out/app ./cmd/app', { subcommand: 'build', output: '/out/app', packages: ['./cmd/app'] }],
    ['go build --o /out/ ./...', { subcommand: 'build', output: '/out/', packages: ['./...'] }],
    ['go build -trimpath -ldflags=-s -v -o app main.go', { subcommand: 'build', output: 'app', packages: ['main.go'] }],
    ['go build -tags netgo -o app .', { subcommand: 'build', output: 'app', packages: ['.'] }],
    ['go build -buildvcs false', { subcommand: 'build', packages: ['false'] }],
    ['go build -C cmd/x -o app', { subcommand: 'build', output: 'app', chdir: 'cmd/x', packages: [] }],
    ['/usr/local/go/bin/go install ./cmd/...', { subcommand: 'install', packages: ['./cmd/...'] }],
    ['go install example.com/x@v1.2.3', { subcommand: 'install', packages: ['example.com/x@v1.2.3'] }],
    ['go build -o app -- -weird', { subcommand: 'build', output: 'app', packages: ['-weird'] }],
  ])('reads %s', (command, expected) => {
    expect(parseGoCommand(words(command))).toEqual({ cgo: undefined, chdir: undefined, output: undefined, pie: false, ...expected });
  });

  it.each([
    ['go build -race -o app .', '-race needs cgo'],
    ['go build -msan .', '-msan needs cgo'],
    ['go build -buildmode=c-shared -o lib.so .', '-buildmode=c-shared needs cgo'],
    ['go build -buildmode plugin .', '-buildmode=plugin needs cgo'],
    ['go build -ldflags=-linkmode=external -o app .', '-linkmode external needs a C linker for the target'],
  ])('says %s needs cgo', (command, reason) => {
    expect(parseGoCommand(words(command))?.cgo).toBe(reason);
  });

  it.each(['go build -race=false .', 'go build -buildmode=pie .', 'go build -buildmode=exe .'])('%s needs no cgo', (command) => {
    expect(parseGoCommand(words(command))?.cgo).toBeUndefined();
  });

  it.each(['go mod download', 'go test ./...', 'go', 'gofmt -l .', 'cargo build', 'go vet'])('is not a build: %s', (command) => {
    expect(parseGoCommand(words(command))).toBeUndefined();
  });

  describe('-buildmode=pie, linked by Go itself only on some platforms (internal/platform.InternalLinkPIESupported)', () => {
    const pie = parseGoCommand(words('go build -buildmode=pie -o app .'))!;
    it.each([
      [['linux/amd64', 'linux/arm64'], undefined, undefined],
      [['linux/amd64', 'linux/arm64'], 21, undefined],
      [['linux/amd64', 'linux/arm/v7'], undefined, 'linux/arm/v7'],
      [['linux/amd64', 'linux/386', 'linux/s390x'], undefined, 'linux/386, linux/s390x'],
      // Before Go 1.15 every linux PIE was linked externally.
      [['linux/amd64', 'linux/arm64'], 14, 'linux/amd64, linux/arm64'],
    ])('%j on Go 1.%s: external for %s', (platforms, minor, external) => {
      const problem = linkerProblem(pie, platforms, minor);
      if (external === undefined) expect(problem).toBeUndefined();
      else expect(problem).toMatch(new RegExp(`^-buildmode=pie links with an external C linker for ${external} \\(`));
    });

    it('says nothing of a build without it', () => {
      expect(linkerProblem(parseGoCommand(words('go build -o app .'))!, ['linux/arm/v7'], undefined)).toBeUndefined();
    });
  });
});
