import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitAsMain, commitChange, git } from './support/git';
import { BASE_IMAGE, imageRef, run, runImage, Workspace } from './support/workspace';

const PLATFORMS = ['linux/amd64', 'linux/arm64'];

/** The bake file of the last bake the workspace ran. */
function lastBake(ws: Workspace): { target: Record<string, { contexts?: Record<string, string> }> } {
  const bakes = ws.bakeCalls();
  return JSON.parse(ws.read(bakes[bakes.length - 1].match(/--file (\S+)/)![1]));
}

describe('affected builds with images built FROM sibling images', () => {
  let ws: Workspace;
  const baseImage = imageRef('aff-base');

  beforeAll(() => {
    ws = new Workspace(
      'affected',
      [
        {
          name: 'base',
          root: 'services/base',
          dockerfile: `FROM ${BASE_IMAGE}\nCOPY version.txt /base-version\n`,
          files: { 'version.txt': 'v1\n' },
          options: { platforms: PLATFORMS, tags: [baseImage], push: true },
        },
        {
          name: 'api',
          root: 'services/api',
          dockerfile: `FROM ${baseImage}\nCMD ["cat", "/base-version"]\n`,
          options: { platforms: PLATFORMS, tags: [imageRef('aff-api')], push: true },
        },
        {
          name: 'worker',
          root: 'services/worker',
          dockerfile: `FROM ${BASE_IMAGE}\nCOPY job.sh /job.sh\n`,
          files: { 'job.sh': 'echo 1\n' },
          options: { platforms: PLATFORMS, tags: [imageRef('aff-worker')], push: true },
        },
        {
          name: 'web',
          root: 'services/web',
          dockerfile: `FROM ${BASE_IMAGE}\nCOPY index.html /www/index.html\n`,
          files: { 'index.html': '<h1>web</h1>\n' },
          options: { platforms: PLATFORMS, tags: [imageRef('aff-web')], push: true },
        },
      ],
      { plugins: ['nx-crossbake'], defaultBase: 'main' },
    );
    const builder = JSON.parse(ws.read('tools/builder/project.json'));
    builder.targets['docker-affected'] = { executor: 'nx-crossbake:affected' };
    ws.write('tools/builder/project.json', JSON.stringify(builder, null, 2));
    ws.write('.gitignore', 'node_modules\ndist\ntmp\n.nx\n.shim\n');
    commitAsMain(ws, 'services');
  });

  it('puts the api → base edge in the project graph', () => {
    expect(ws.nx(['graph', '--file=graph.json']).code).toBe(0);
    const graph = JSON.parse(ws.read('graph.json')).graph;
    expect(graph.dependencies.api).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'api', target: 'base' })]));
    expect(graph.dependencies.worker.map((d: { target: string }) => d.target)).not.toContain('base');
  });

  it('change only base → one bake builds base and api, api FROM the fresh base', () => {
    commitChange(ws, 'change-base', 'services/base/version.txt', 'v2\n');
    const result = ws.nx(['run', 'builder:docker-affected', '--base=main', '--head=HEAD']);
    expect(result.code).toBe(0);
    expect(ws.bakeCalls()).toHaveLength(1);
    const bake = lastBake(ws);
    expect(Object.keys(bake.target).sort()).toEqual(['api', 'base']);
    expect(bake.target.api.contexts).toEqual({ [baseImage.replace(/:latest$/, '')]: 'target:base' });
    expect(runImage(imageRef('aff-api'), 'linux/arm64')).toBe('v2');
  });

  it('computes the same set as nx show projects --affected', () => {
    const shown = ws.nx(['show', 'projects', '--affected', '--base=main', '--head=HEAD', '-t', 'docker-multiarch', '--json']);
    expect(JSON.parse(shown.stdout.slice(shown.stdout.indexOf('['))).sort()).toEqual(['api', 'base']);
  });

  it('--print shows a valid bake file and the exact command, and builds nothing', () => {
    const before = ws.bakeCalls().length;
    const result = ws.nx(['run', 'builder:docker-affected', '--base=main', '--head=HEAD', '--print']);
    expect(result.code).toBe(0);
    expect(ws.bakeCalls()).toHaveLength(before);
    const json = result.stdout.slice(result.stdout.indexOf('{\n'), result.stdout.indexOf('\n}\n') + 2);
    const printed = run('bash', ['-c', 'docker buildx bake --print -f - 2>/dev/null'], { cwd: ws.dir, input: json });
    expect(printed.code).toBe(0);
    expect(Object.keys(JSON.parse(printed.stdout).target).sort()).toEqual(['api', 'base']);
    expect(result.stdout).toMatch(
      /^docker buildx --builder nx-crossbake bake --file \/\S+\/runs\/[^/]+\/docker-bake\.json --metadata-file \S+ --progress plain$/m,
    );
  });

  it('--print names the docker binary CROSSBAKE_DOCKER names, and runs none', () => {
    const docker = join(mkdtempSync(join(tmpdir(), 'crossbake-docker-')), 'docker');
    symlinkSync(run('bash', ['-c', 'command -v docker']).stdout.trim(), docker);
    const before = { bakes: ws.bakeCalls().length, docker: ws.dockerCalls().length };
    const result = ws.nx(['run', 'builder:docker-affected', '--base=main', '--head=HEAD', '--print'], { CROSSBAKE_DOCKER: docker });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${docker} buildx --builder nx-crossbake bake --file `);
    expect(result.stdout).not.toMatch(/^docker buildx/m);
    // The shim first on PATH logs every `docker` it runs: none was.
    expect({ bakes: ws.bakeCalls().length, docker: ws.dockerCalls().length }).toEqual(before);
  });

  it('change only worker → only worker', () => {
    commitChange(ws, 'change-worker', 'services/worker/job.sh', 'echo 2\n');
    const before = ws.bakeCalls().length;
    const result = ws.nx(['run', 'builder:docker-affected', '--base=main', '--head=HEAD']);
    expect(result.code).toBe(0);
    expect(ws.bakeCalls()).toHaveLength(before + 1);
    expect(Object.keys(lastBake(ws).target)).toEqual(['worker']);
  });

  it('no change → nothing built, no buildx started', () => {
    git(ws, 'checkout', '-q', 'main');
    const before = ws.dockerCalls().length;
    const started = Date.now();
    const result = ws.nx(['run', 'builder:docker-affected', '--base=main', '--head=HEAD']);
    process.stderr.write(`[e2e] nothing-affected run: ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    expect(result.code).toBe(0);
    // Nx 22 selects whole projects (Nx 24's task selection is nx-versions.e2e.ts's).
    expect(result.output).toMatch(
      /no project with a 'docker-multiarch' target is affected \(main\.\.\.HEAD; Nx 22\.\d+\.\d+, projects\): nothing to build/,
    );
    expect(ws.dockerCalls()).toHaveLength(before);
  });

  it('nx run-many links base and dependent in one bake too', () => {
    const result = ws.nx(['run-many', '-t', 'docker-multiarch', '--projects=base,api']);
    expect(result.code).toBe(0);
    expect(lastBake(ws).target.api.contexts).toEqual({ [baseImage.replace(/:latest$/, '')]: 'target:base' });
    expect(runImage(imageRef('aff-api'), 'linux/amd64')).toBe('v1');
  });
});
