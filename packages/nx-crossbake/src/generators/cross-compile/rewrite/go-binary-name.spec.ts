import { binaryName, execName } from './go-binary-name';

describe('execName', () => {
  // cmd/go's own table (internal/load/pkg_test.go, TestPkgDefaultExecName): import path, module mode, GOPATH mode.
  it.each([
    ['example.com/mycmd', 'mycmd', 'mycmd'],
    ['example.com/mycmd/v0', 'v0', 'v0'],
    ['example.com/mycmd/v1', 'v1', 'v1'],
    ['example.com/mycmd/v2', 'mycmd', 'v2'],
    ['example.com/mycmd/v3', 'mycmd', 'v3'],
    ['mycmd', 'mycmd', 'mycmd'],
    ['mycmd/v0', 'v0', 'v0'],
    ['mycmd/v1', 'v1', 'v1'],
    ['mycmd/v2', 'mycmd', 'v2'],
    ['v0', 'v0', 'v0'],
    ['v1', 'v1', 'v1'],
    ['v2', 'v2', 'v2'],
  ])('%s: %s in module mode, %s in GOPATH mode', (path, moduleMode, gopathMode) => {
    expect(execName(path, true)).toBe(moduleMode);
    expect(execName(path, false)).toBe(gopathMode);
  });

  // cmd/go's TestIsVersionElement, through the name it picks.
  it.each([
    ['v05', 'v05'],
    ['v9', 'm'],
    ['v10', 'm'],
    ['v11', 'm'],
    ['v', 'v'],
    ['vx', 'vx'],
  ])('m/%s is named %s in module mode', (element, name) => expect(execName(`m/${element}`, true)).toBe(name));
});

describe('binaryName', () => {
  const facts = (cwd: string | undefined, goMods: Record<string, string> = {}) => ({
    cwd,
    gopath: '/go',
    goModAt: (dir: string) => goMods[dir],
  });

  it("names the module root's package after the module path", () => {
    expect(binaryName(undefined, facts('/app', { '/app': 'module github.com/glanceapp/glance\n\ngo 1.24\n' }))).toBe('glance');
    expect(binaryName('.', facts('/src', { '/src': 'module "github.com/tsenart/vegeta/v12"\n' }))).toBe('vegeta');
  });

  it('names a package below the module root after its folder', () => {
    expect(binaryName('./cmd/server', facts('/app', { '/app': 'module example.com/svc/v2\n' }))).toBe('server');
    // cmd/go applies the major-version rule to any import path in module mode, not only a module's own.
    expect(binaryName(undefined, facts('/app/cmd/v2', { '/app': 'module example.com/svc\n' }))).toBe('cmd');
  });

  it('names a GOPATH-mode package after its folder under $GOPATH/src', () => {
    expect(binaryName(undefined, facts('/go/src/github.com/jwilder/dockerize'))).toBe('dockerize');
    expect(binaryName('.', facts('/go/src/app'))).toBe('app');
  });

  it('names an import path argument by its last element', () => {
    expect(binaryName('github.com/mailhog/MailHog', facts(undefined))).toBe('MailHog');
  });

  it('leaves unknown what the stage does not show', () => {
    expect(binaryName(undefined, facts('/app'))).toBeUndefined(); // no go.mod copied, not under GOPATH
    expect(binaryName(undefined, facts(undefined))).toBeUndefined();
    expect(binaryName('./...', facts('/app', { '/app': 'module m\n' }))).toBeUndefined();
    expect(binaryName('./cmd/$APP', facts('/app', { '/app': 'module m\n' }))).toBeUndefined();
  });
});
