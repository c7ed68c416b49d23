import { BASE_IMAGE, REGISTRY, RUN_ID, Workspace } from './support/workspace';

/**
 * The graph plugin never throws for what one project holds: with the plugin registered (odd plugin options
 * included) and projects whose options or Dockerfile cannot be read, every Nx command still works, and the
 * image edges of the healthy projects are still drawn, templated tags (from targetDefaults) included.
 * Nothing is built: only the project graph is exercised.
 */
describe('graph plugin: one bad project never breaks the workspace graph', () => {
  let ws: Workspace;
  const repository = `${REGISTRY}/e2e-${RUN_ID}`;
  const dependenciesOf = (graph: { dependencies: Record<string, { target: string }[]> }, project: string) =>
    graph.dependencies[project].map((d) => d.target).sort();

  beforeAll(() => {
    ws = new Workspace(
      'graph-robust',
      [
        {
          name: '@acme/base',
          root: 'services/base',
          dockerfile: 'FROM scratch\nCOPY base.txt /\n',
          files: { 'package.json': '{"name":"@acme/base","version":"1.0.0"}' },
          options: {},
        },
        // Pinned to a version of the templated tag: an edge in the graph (conservative).
        { name: 'api', root: 'services/api', dockerfile: `FROM ${repository}/acme-base:1.0.0\n`, options: {} },
        { name: 'worker', root: 'services/worker', dockerfile: `FROM ${BASE_IMAGE}\n`, options: {} },
        // A map for build-args is a form normalize accepts; a number for platforms is not (the executor refuses it).
        {
          name: 'broken',
          root: 'services/broken',
          dockerfile: `FROM ${repository}/acme-base:2\n`,
          options: { 'build-args': { A: 'b' }, platforms: 5 },
        },
        // Options the graph cannot read at all: no image edges for it, and nothing else changes.
        {
          name: 'garbled',
          root: 'services/garbled',
          dockerfile: `FROM ${repository}/acme-base\n`,
          options: { 'build-args': 5, tags: { a: 1 }, file: ['x'] },
        },
        // A Dockerfile that is a folder, and one that is not a Dockerfile at all.
        { name: 'folder', root: 'services/folder', files: { 'Dockerfile/README': 'not a Dockerfile\n' }, options: {} },
        { name: 'binary', root: 'services/binary', dockerfile: '\u0000\u0001FROM \\\n${ <<EOF\n\uFFFD', options: {} },
      ],
      {
        plugins: [{ plugin: 'nx-crossbake', options: { platforms: 7, registry: { not: 'a string' } } }],
        targetDefaults: { 'nx-crossbake:multiarch': { options: { tags: [`${repository}/{projectName}:{version}`], push: true } } },
      },
    );
    ws.write(
      'tools/hello/project.json',
      JSON.stringify({ name: 'hello', root: 'tools/hello', targets: { greet: { command: 'echo hello-from-greet' } } }),
    );
    // Its docker-multiarch target is inferred only, from the Dockerfile and the odd plugin options.
    ws.write('tools/hello/Dockerfile', 'FROM scratch\n');
  });

  it('nx show projects lists every project', () => {
    const result = ws.nx(['show', 'projects', '--json']);
    expect(result.output).not.toContain('Failed to process project graph');
    expect(result.code).toBe(0);
    const projects = JSON.parse(result.stdout.slice(result.stdout.indexOf('[')));
    expect(projects.sort()).toEqual(['@acme/base', 'api', 'binary', 'broken', 'builder', 'folder', 'garbled', 'hello', 'worker']);
  });

  it('nx run of an unrelated target still works', () => {
    const result = ws.nx(['run', 'hello:greet']);
    expect(result.code).toBe(0);
    expect(result.output).toContain('hello-from-greet');
  });

  it('nx graph draws api → base from the templated targetDefaults tag, and the edges of projects it can read', () => {
    const result = ws.nx(['graph', '--file=graph.json']);
    expect(result.code).toBe(0);
    const { graph } = JSON.parse(ws.read('graph.json'));
    expect(dependenciesOf(graph, 'api')).toEqual(['@acme/base']);
    expect(dependenciesOf(graph, 'broken')).toEqual(['@acme/base']);
    for (const project of ['garbled', 'folder', 'binary', 'worker', '@acme/base']) expect(dependenciesOf(graph, project)).toEqual([]);
  });

  it("keeps Dockerfile parses in Nx's workspace data folder: reused while unchanged, re-read when a Dockerfile changes, a corrupt cache ignored", () => {
    const cache = '.nx/workspace-data/nx-crossbake-dockerfiles.hash';
    const edges = () => {
      const result = ws.nx(['graph', '--file=graph.json']);
      expect(result.code).toBe(0);
      const { graph } = JSON.parse(ws.read('graph.json'));
      return { api: dependenciesOf(graph, 'api'), worker: dependenciesOf(graph, 'worker') };
    };
    expect(edges()).toEqual({ api: ['@acme/base'], worker: [] });
    const entries = () => JSON.parse(ws.read(cache)).entries as Record<string, { dockerfileRefs: string[] }>;
    expect(Object.values(entries()).some((e) => e.dockerfileRefs.includes(`${repository}/acme-base:1.0.0`))).toBe(true);

    // The worker now builds FROM the base: its hash changed, so the cached parse is not used.
    ws.write('services/worker/Dockerfile', `FROM ${repository}/acme-base:1.0.0\n`);
    expect(edges()).toEqual({ api: ['@acme/base'], worker: ['@acme/base'] });

    ws.write(cache, '{ not json');
    expect(edges()).toEqual({ api: ['@acme/base'], worker: ['@acme/base'] });
    expect(() => entries()).not.toThrow();
    ws.write('services/worker/Dockerfile', `FROM ${BASE_IMAGE}\n`);
  });

  it('keeps the options of a malformed project as written, for its executor to refuse', () => {
    const result = ws.nx(['show', 'project', 'broken', '--json']);
    expect(result.code).toBe(0);
    const target = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))).targets['docker-multiarch'];
    expect(target.options).toMatchObject({ platforms: 5, 'build-args': { A: 'b' }, push: true });
  });

  it('infers a target despite odd plugin options: platforms passed on as written, an unreadable registry not pushed, the report folder per target', () => {
    const result = ws.nx(['show', 'project', 'hello', '--json']);
    expect(result.code).toBe(0);
    const target = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))).targets['docker-multiarch'];
    expect(target.executor).toBe('nx-crossbake:multiarch');
    expect(target.outputs).toEqual(['{workspaceRoot}/dist/nx-crossbake/{projectRoot}/docker-multiarch']);
    expect(target.options).toMatchObject({ platforms: 7, outputs: ['type=cacheonly'] });
    expect(target.metadata.description).toMatch(/not pushed: the plugin option 'registry' is/);
  });
});
