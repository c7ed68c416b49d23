import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { commitAsMain, git } from './support/git';
import { BASE_IMAGE, imageRef, REGISTRY, RUN_ID, run, SETUP_OPTIONS, Workspace, type CommandResult } from './support/workspace';

/**
 * Reuse (docs/reuse.md), on the real CLI, builder and registry: an image whose content key the registry has is
 * not built again, on any runner; each input the key covers rebuilds exactly the images that read it. One
 * workspace and one git history for the whole file: each case changes it, commits, and runs every project.
 * Every claim is checked in the registry, not only in our logs.
 */
const PLATFORMS = ['linux/amd64', 'linux/arm64'];
// A builder of this file's own: removing it (a fresh runner) must not pull the shared one from under other tests.
const BUILDER = `reuse-${RUN_ID}`;
const PROJECTS = ['base', 'api', 'web', 'mnt', 'ext'] as const;
type Project = (typeof PROJECTS)[number];
const KEY_ANNOTATION = 'dev.nx-crossbake.content-key';
const image = (project: string, tag = 'latest') => imageRef(`reuse-${project}`, tag);
const repository = (project: string) => image(project).replace(/:latest$/, '');
const keyTag = (project: string, key: string) => image(project, `crossbake-${key}`);
/** The external image ext is built FROM: pushed here, then re-pushed with other content. */
const EXT_BASE = imageRef('ext', '1');
const tagsOf = (...tags: string[]) => tags.map((tag) => `${REGISTRY}/e2e-${RUN_ID}/reuse-{projectName}:${tag}`);

interface Report {
  status: string;
  digest?: string;
  contentKey?: string;
  reused?: boolean;
  reuseOff?: string;
  tags: string[];
  platforms: string[];
}
interface BakeTarget {
  tags?: string[];
  annotations?: string[];
  args?: Record<string, string>;
  contexts?: Record<string, string>;
}
interface Descriptor {
  digest: string;
  platform?: { os: string; architecture: string; variant?: string };
}
interface Index {
  manifests?: Descriptor[];
  annotations?: Record<string, string>;
}
interface Run {
  result: CommandResult;
  seconds: number;
  /** Every docker command the run started. */
  calls: string[];
  bakes: string[];
  /** The targets of the run's bake files, by name. */
  targets: Record<string, BakeTarget>;
  reports: Record<Project, Report>;
}

const timings: string[] = [];
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)}s`;

/** `nx …` on the suite's Nx 22 (as Workspace.nx runs it), without blocking: the servers of this file answer meanwhile. */
function nx(ws: Workspace, args: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ws.dir, 'node_modules/nx/dist/bin/nx.js'), ...args, '--output-style=static'], {
      cwd: ws.dir,
      env: {
        ...process.env,
        ...env,
        PATH: `${ws.dir}/.shim:${process.env.PATH}`,
        NX_DAEMON: 'false',
        NX_NO_CLOUD: 'true',
        FORCE_COLOR: '0',
        CI: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr, output: stripVTControlCharacters(`${stdout}\n${stderr}`) }));
  });
}

/** A manifest as the registry serves it (plain HTTP API): its digest, the sha256 of its bytes; undefined on 404. */
async function manifest(ref: string): Promise<{ digest: string; index: Index } | undefined> {
  const [, host, name, tag, digest] = /^([^/]+)\/([^:@]+)(?::([^@]+))?(?:@(.+))?$/.exec(ref)!;
  const response = await fetch(`http://${host}/v2/${name}/manifests/${digest ?? tag ?? 'latest'}`, {
    headers: {
      Accept: [
        'application/vnd.oci.image.index.v1+json',
        'application/vnd.docker.distribution.manifest.list.v2+json',
        'application/vnd.oci.image.manifest.v1+json',
        'application/vnd.docker.distribution.manifest.v2+json',
      ].join(', '),
    },
  });
  if (response.status === 404) return undefined;
  const bytes = Buffer.from(await response.arrayBuffer());
  if (!response.ok) throw new Error(`GET ${ref}: ${response.status} ${bytes.toString()}`);
  return { digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, index: JSON.parse(bytes.toString()) };
}

async function deleteManifest(ref: string, digest: string): Promise<void> {
  const [, host, name] = /^([^/]+)\/([^:@]+)/.exec(ref)!;
  const response = await fetch(`http://${host}/v2/${name}/manifests/${digest}`, { method: 'DELETE' });
  if (response.status !== 202) throw new Error(`DELETE ${name}@${digest}: ${response.status} ${await response.text()}`);
}

const platformsOf = (index: Index) =>
  (index.manifests ?? [])
    .map((m) => m.platform)
    .filter((p): p is NonNullable<typeof p> => !!p && p.os !== 'unknown')
    .map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/'))
    .sort();

/** The image config labels of one platform, as `imagetools inspect` reads them from the registry. */
function labels(ref: string, platform: string): Record<string, string> {
  const result = run('docker', ['buildx', 'imagetools', 'inspect', ref, '--format', '{{json .Image}}']);
  if (result.code !== 0) throw new Error(`imagetools inspect ${ref} failed:\n${result.output}`);
  const images = JSON.parse(result.stdout) as Record<string, { config: { Labels: Record<string, string> } }>;
  return images[platform].config.Labels;
}

/**
 * `imagetools create`, tried up to 3 times: copying an index across repositories of the rig's registry
 * (distribution 2.8) now and then fails with "blob unknown to registry", and works when tried again.
 */
function imagetools(...args: string[]): void {
  for (let attempt = 1; ; attempt++) {
    const result = run('docker', ['buildx', 'imagetools', 'create', ...args]);
    if (result.code === 0) return;
    if (attempt === 3) throw new Error(`imagetools create ${args.join(' ')} failed:\n${result.output}`);
    process.stderr.write(
      `[e2e] reuse: imagetools create ${args.join(' ')} failed (attempt ${attempt}), again:\n${result.output.slice(-600)}\n`,
    );
  }
}

/** An HTTP server on a free loopback port, for as long as the test needs it. */
async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; host: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, host: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * The rig's registry behind a proxy that refuses every lookup of a key tag (403 to GET and HEAD of a manifest
 * `crossbake-…`) and forwards everything else as it came, pushes included. The Host header is kept, so the
 * registry's upload locations name the proxy.
 */
function refusingProxy(refused: string[]) {
  return listen((req, res) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && /\/manifests\/crossbake-/.test(req.url ?? '')) {
      refused.push(`${req.method} ${req.url}`);
      res.writeHead(403, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'DENIED', message: 'the e2e proxy refuses lookups' }] }));
      return;
    }
    const [host, port] = REGISTRY.split(':');
    const upstream = request({ host, port: Number(port), method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (e) => res.destroy(e));
    req.pipe(upstream);
  });
}

describe('reuse: an unchanged image is never rebuilt nor re-pushed', () => {
  let ws: Workspace;
  let stateDir = process.env.CROSSBAKE_STATE_DIR!;
  let myV = '1';
  /** Each project's report of the last run that keyed it: what the next run is compared with. */
  const last = {} as Record<Project, Report>;
  const servers: Server[] = [];

  const commit = (message: string) => {
    git(ws, 'add', '-A');
    git(ws, 'commit', '-q', '-m', message);
  };
  const editProject = (project: Project, options: Record<string, unknown>) => {
    const path = `apps/${project}/project.json`;
    const json = JSON.parse(ws.read(path));
    Object.assign(json.targets['docker-multiarch'].options, options);
    ws.write(path, JSON.stringify(json, null, 2));
  };

  /** `nx run-many -t docker-multiarch`, what it started, and every project's report. */
  async function runAll(): Promise<Run> {
    const before = ws.dockerCalls().length;
    const started = Date.now();
    const result = await nx(ws, ['run-many', '-t', 'docker-multiarch'], { MY_V: myV, CROSSBAKE_STATE_DIR: stateDir });
    const took = (Date.now() - started) / 1000;
    if (result.code !== 0) throw new Error(`nx run-many failed:\n${result.output}`);
    const calls = ws.dockerCalls().slice(before);
    const bakes = calls.filter((c) => /(^| )buildx( --builder \S+)? bake /.test(c));
    const targets = Object.assign({}, ...bakes.map((b) => JSON.parse(ws.read(ws.bakeFile(b))).target)) as Record<string, BakeTarget>;
    const reports = Object.fromEntries(
      PROJECTS.map((p) => [p, JSON.parse(ws.read(`dist/nx-crossbake/apps/${p}/docker-multiarch/image.json`)) as Report]),
    ) as Record<Project, Report>;
    return { result, seconds: took, calls, bakes, targets, reports };
  }

  /** The registry has what a keyed report says: its index under the key tag, carrying the key, and every tag on it. */
  async function expectPublished(project: Project, report: Report): Promise<void> {
    const key = await manifest(keyTag(project, report.contentKey!));
    expect([project, key?.digest, key?.index.annotations?.[KEY_ANNOTATION]]).toEqual([project, report.digest, report.contentKey]);
    expect([project, platformsOf(key!.index)]).toEqual([project, [...report.platforms].sort()]);
    for (const tag of report.tags) expect([tag, (await manifest(tag))?.digest]).toEqual([tag, report.digest]);
  }

  /**
   * Each project's outcome: `reused` (same key, same digest, not baked), `built` (a new key, or the same one when
   * in `sameKey`, baked under its key tag), or `off` (built and pushed as without reuse, no key).
   */
  async function expectOutcome(r: Run, expected: Record<Project, 'built' | 'reused' | 'off'>, sameKey: Project[] = []): Promise<void> {
    const got = Object.fromEntries(
      PROJECTS.map((p) => [
        p,
        r.reports[p].reused ? 'reused' : r.reports[p].contentKey ? 'built' : r.reports[p].reuseOff ? 'off' : 'other',
      ]),
    );
    // Compared with the run before; recorded first, so a failed case leaves the next one its own ground.
    const previous = { ...last };
    for (const p of PROJECTS) if (r.reports[p].contentKey) last[p] = r.reports[p];
    if (JSON.stringify(got) !== JSON.stringify(expected)) process.stderr.write(`[e2e] reuse: unexpected outcome:\n${r.result.output}\n`);
    expect(got).toEqual(expected);
    expect(Object.keys(r.targets).sort()).toEqual(PROJECTS.filter((p) => expected[p] !== 'reused').sort());
    for (const p of PROJECTS) {
      const now = r.reports[p];
      if (expected[p] === 'off') continue;
      expect(r.result.output).toMatch(new RegExp(`^${p}\\s+${expected[p] === 'reused' ? 'reused' : 'pushed'}\\s`, 'm'));
      if (previous[p] && expected[p] === 'reused')
        expect([p, now.contentKey, now.digest]).toEqual([p, previous[p].contentKey, previous[p].digest]);
      if (previous[p] && expected[p] === 'built')
        expect([p, 'key changed', now.contentKey !== previous[p].contentKey]).toEqual([p, 'key changed', !sameKey.includes(p)]);
      if (expected[p] === 'built') {
        // Baked under its key tag only, the index annotated with the key; the tags are pointed after.
        expect([p, r.targets[p].tags, r.targets[p].annotations]).toEqual([
          p,
          [keyTag(p, now.contentKey!)],
          [`index:${KEY_ANNOTATION}=${now.contentKey}`],
        ]);
      }
      await expectPublished(p, now);
    }
  }

  /** Runs a case, and says how long it took. */
  const timed = async (label: string, body: () => Promise<void>) => {
    const started = Date.now();
    try {
      await body();
    } finally {
      timings.push(`${label}: ${seconds(started)}`);
    }
  };

  beforeAll(() => {
    imagetools('-t', EXT_BASE, BASE_IMAGE);
    const ignore = '.dockerignore\nproject.json\n';
    ws = new Workspace(
      'reuse',
      [
        {
          name: 'base',
          root: 'apps/base',
          dockerfile: `FROM ${BASE_IMAGE}\nCOPY motd /motd\n`,
          files: { motd: 'one\n', '.dockerignore': ignore },
          options: {},
        },
        {
          name: 'api',
          root: 'apps/api',
          dockerfile: `FROM ${image('base')}\nCOPY api.txt /api.txt\n`,
          files: { 'api.txt': 'api one\n', '.dockerignore': ignore },
          options: {},
        },
        {
          name: 'web',
          root: 'apps/web',
          dockerfile: `FROM ${BASE_IMAGE}\nCOPY . /www\n`,
          files: {
            'index.html': '<h1>one</h1>\n',
            'notes.md': 'not sent\n',
            'extra.md': 'let in later\n',
            '.dockerignore': `${ignore}*.md\n`,
          },
          options: {},
        },
        {
          // The one RUN of the file: native platform only.
          name: 'mnt',
          root: 'apps/mnt',
          dockerfile: `FROM ${BASE_IMAGE}\nARG V\nARG W\nCOPY hello.txt /hello.txt\nRUN --mount=type=bind,source=data.txt,target=/d cat /d\n`,
          files: { 'hello.txt': 'hello\n', 'data.txt': 'data one\n', '.dockerignore': ignore },
          options: { platforms: ['linux/amd64'], 'build-args': ['V=$MY_V', 'W=1'] },
        },
        {
          name: 'ext',
          root: 'apps/ext',
          dockerfile: `FROM ${EXT_BASE}\nCOPY e.txt /e.txt\n`,
          files: { 'e.txt': 'e\n', '.dockerignore': ignore },
          options: {},
        },
      ],
      // Tags in nx.json: outside every build context, so adding one changes no project's inputs.
      {
        targetDefaults: { 'docker-multiarch': { options: { platforms: PLATFORMS, tags: tagsOf('latest'), push: true, builder: BUILDER } } },
      },
      { ...SETUP_OPTIONS, builder: BUILDER },
    );
    ws.write('.gitignore', 'node_modules\ndist\ntmp\n.nx\n.shim\n');
    commitAsMain(ws, 'five services');
  });

  afterAll(() => {
    for (const server of servers) server.close();
    run('docker', ['buildx', 'rm', '--force', BUILDER]);
    if (stateDir !== process.env.CROSSBAKE_STATE_DIR) rmSync(stateDir, { recursive: true, force: true });
    process.stderr.write(`\n[e2e] reuse timings:\n  ${timings.join('\n  ')}\n`);
  });

  it('1: a first run pushes every image under its key; a fresh runner reuses them all, with no builder and no bake', () =>
    timed('1 first run, then a fresh runner', async () => {
      const first = await runAll();
      expect(first.bakes).toHaveLength(1);
      await expectOutcome(first, { base: 'built', api: 'built', web: 'built', mnt: 'built', ext: 'built' });
      // api is built FROM its sibling in the same bake
      expect(first.targets.api.contexts).toEqual({ [repository('base')]: 'target:base' });

      // A fresh runner: no builder, no state of earlier runs, no reports.
      expect(run('docker', ['buildx', 'rm', BUILDER]).code).toBe(0);
      stateDir = mkdtempSync(join(tmpdir(), 'crossbake-e2e-reuse-state-'));
      rmSync(join(ws.dir, 'dist'), { recursive: true, force: true });
      const fresh = await runAll();
      await expectOutcome(fresh, { base: 'reused', api: 'reused', web: 'reused', mnt: 'reused', ext: 'reused' });
      expect(fresh.bakes).toEqual([]);
      expect(fresh.calls.filter((c) => /buildx (--builder \S+ )?(create|inspect|bake)\b/.test(c))).toEqual([]);
      expect(run('docker', ['buildx', 'inspect', BUILDER]).code).not.toBe(0);
      // the plugin's last line (Nx prints its own after it)
      expect(
        fresh.result.stdout
          .split('\n')
          .filter((l) => l.startsWith('nx-crossbake: '))
          .pop(),
      ).toMatch(/^nx-crossbake: 0 bake\(s\) in /);
      process.stderr.write(`[e2e] reuse: fresh runner ${fresh.seconds.toFixed(1)}s, docker calls: ${JSON.stringify(fresh.calls)}\n`);
    }));

  it('2: a commit outside every context adding a {shortSha} tag: the new tags name the old digests', () =>
    timed('2 new commit, new tag', async () => {
      ws.write('README.md', 'outside every context\n');
      const nxJson = JSON.parse(ws.read('nx.json'));
      nxJson.targetDefaults['docker-multiarch'].options.tags = tagsOf('latest', '{shortSha}');
      ws.write('nx.json', JSON.stringify(nxJson, null, 2));
      commit('a {shortSha} tag');
      const sha = git(ws, 'rev-parse', '--short', 'HEAD');
      const r = await runAll();
      await expectOutcome(r, { base: 'reused', api: 'reused', web: 'reused', mnt: 'reused', ext: 'reused' });
      expect(r.bakes).toEqual([]);
      for (const p of PROJECTS) {
        const tag = r.reports[p].tags.find((t) => t !== image(p));
        expect(tag).toMatch(new RegExp(`:${sha}[0-9a-f]*$`));
        expect([tag, (await manifest(tag!))?.digest]).toEqual([tag, last[p].digest]);
      }
    }));

  it('3: a changed context file, a file read only by RUN --mount, a re-pushed external base: each rebuilt, the rest reused', () =>
    timed('3 context file, bind-mounted file, external base moved', async () => {
      ws.write('apps/web/index.html', '<h1>two</h1>\n');
      ws.write('apps/mnt/data.txt', 'data two\n');
      commit('context and bind mount');
      imagetools('-t', EXT_BASE, `${repository('base')}@${last.base.digest}`);
      const r = await runAll();
      await expectOutcome(r, { base: 'reused', api: 'reused', web: 'built', mnt: 'built', ext: 'built' });
    }));

  it('3: a file newly let in by .dockerignore, a build arg from $MY_V, other platforms: each rebuilt', () =>
    timed('3 .dockerignore, $ENV build arg, platforms', async () => {
      ws.write('apps/web/.dockerignore', '.dockerignore\nproject.json\n*.md\n!extra.md\n');
      editProject('ext', { platforms: ['linux/amd64'] });
      commit('dockerignore, platforms');
      myV = '2';
      const r = await runAll();
      await expectOutcome(r, { base: 'reused', api: 'reused', web: 'built', mnt: 'built', ext: 'built' });
      expect(r.targets.mnt.args?.V).toBe('2');
      expect((await manifest(image('ext')))!.index.manifests!.filter((m) => m.platform?.os === 'linux')).toHaveLength(1);
      // what the edit let in is in the image now
      expect(await lastLayerPaths(image('web'), 'amd64')).toContain('www/extra.md');
    }));

  it('3: a changed sibling base: the base and its dependent rebuilt, the rest reused', () =>
    timed('3 sibling base changed', async () => {
      ws.write('apps/base/motd', 'two\n');
      commit('base');
      const r = await runAll();
      await expectOutcome(r, { base: 'built', api: 'built', web: 'reused', mnt: 'reused', ext: 'reused' });
      expect(r.targets.api.contexts).toEqual({ [repository('base')]: 'target:base' });
    }));

  it('3: provenance mode=max, a literal build arg, a key tag over-written by another tool: each rebuilt', () =>
    timed('3 provenance, literal build arg, key tag over-written', async () => {
      editProject('web', { provenance: 'mode=max' });
      editProject('mnt', { 'build-args': ['V=$MY_V', 'W=2'] });
      commit('provenance, W');
      imagetools('-t', keyTag('ext', last.ext.contentKey!), BASE_IMAGE);
      const r = await runAll();
      // base and api, rebuilt by the run before, are reused: nothing they read changed since
      await expectOutcome(r, { base: 'reused', api: 'reused', web: 'built', mnt: 'built', ext: 'built' }, ['ext']);
      expect(r.targets.mnt.args?.W).toBe('2');
    }));

  it('4: a change .dockerignore excludes is reused with the same revision; a dependent of a reused base is built FROM it', () =>
    timed('4 excluded change, dependent of a reused base', async () => {
      const revision = labels(image('web'), 'linux/amd64')['org.opencontainers.image.revision'];
      expect(revision).toMatch(/^[0-9a-f]{40}$/);
      ws.write('apps/web/notes.md', 'still not sent\n');
      ws.write('apps/api/api.txt', 'api two\n');
      commit('excluded note, api');
      const r = await runAll();
      await expectOutcome(r, { base: 'reused', api: 'built', web: 'reused', mnt: 'reused', ext: 'reused' });
      expect(labels(image('web'), 'linux/amd64')['org.opencontainers.image.revision']).toBe(revision);
      expect(revision).not.toBe(git(ws, 'rev-parse', 'HEAD'));
      // base is not rebuilt: api is built FROM the very image the registry has
      expect(r.targets.api.contexts).toEqual({
        [repository('base')]: `docker-image://${repository('base')}@${last.base.digest}`,
      });
    }));

  it('3: the key tag deleted, a per-platform manifest deleted: rebuilt under the same key', () =>
    timed('3 key tag deleted, child manifest deleted', async () => {
      // The rig's registry (distribution 2.8) deletes by digest only: the key tag goes, with every tag on that index.
      await deleteManifest(image('web'), last.web.digest!);
      expect(await manifest(keyTag('web', last.web.contentKey!))).toBeUndefined();
      const child = platformDigest((await manifest(image('mnt')))!.index, 'amd64');
      await deleteManifest(image('mnt'), child);
      expect(await manifest(`${repository('mnt')}@${child}`)).toBeUndefined();
      const r = await runAll();
      await expectOutcome(r, { base: 'reused', api: 'reused', web: 'built', mnt: 'built', ext: 'reused' }, ['web', 'mnt']);
      expect(await manifest(`${repository('mnt')}@${child}`)).toBeDefined();
    }));

  it('5: a registry that refuses lookups: its images are built as before, with one warning naming it', () =>
    timed('5 lookups refused', async () => {
      const refused: string[] = [];
      const proxy = await refusingProxy(refused);
      servers.push(proxy.server);
      const proxied = (p: string) => `${proxy.host}/e2e-${RUN_ID}/reuse-${p}:proxied`;
      editProject('web', { tags: [proxied('web')] });
      editProject('mnt', { tags: [proxied('mnt')] });
      commit('through the proxy');
      const r = await runAll();
      await expectOutcome(r, { base: 'reused', api: 'reused', web: 'off', mnt: 'off', ext: 'reused' });
      const warnings = r.result.output.split('\n').filter((l) => l.includes('could not look images up in'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`could not look images up in ${proxy.host} `);
      expect(refused.length).toBeGreaterThanOrEqual(2);
      for (const p of ['web', 'mnt'] as const) {
        expect(r.result.output).toMatch(new RegExp(`^${p}\\s+pushed\\s`, 'm'));
        expect([r.targets[p].tags, r.targets[p].annotations]).toEqual([[proxied(p)], undefined]);
        // pushed through the proxy, read straight from the registry
        const pushed = await manifest(proxied(p).replace(proxy.host, REGISTRY));
        expect([p, pushed?.digest]).toEqual([p, r.reports[p].digest]);
      }
      git(ws, 'checkout', 'HEAD~1', '--', 'apps/web/project.json', 'apps/mnt/project.json');
      commit('no proxy');
    }));

  it('3: ADD <url> turns reuse off for its task, and the summary says why', () =>
    timed('3 ADD <url>', async () => {
      let served = 0;
      const files = await listen((_req, res) => {
        served++;
        res.end('fetched at build time\n');
      });
      servers.push(files.server);
      const url = `http://${files.host}/hello.txt`;
      ws.write('apps/ext/Dockerfile', `FROM ${EXT_BASE}\nCOPY e.txt /e.txt\nADD ${url} /hello.txt\n`);
      commit('ADD <url>');
      const r = await runAll();
      await expectOutcome(r, { base: 'reused', api: 'reused', web: 'reused', mnt: 'reused', ext: 'off' });
      expect(r.result.output).toContain(`reuse off for ext: the key cannot pin down ADD ${url} (line 3)`);
      expect(r.result.output).toMatch(/^ext\s+pushed\s/m);
      // Not keyed: baked under its own tags, without the key annotation
      expect([r.targets.ext.tags, r.targets.ext.annotations]).toEqual([r.reports.ext.tags, undefined]);
      expect(served).toBeGreaterThan(0);
      for (const tag of r.reports.ext.tags) expect([tag, (await manifest(tag))?.digest]).toEqual([tag, r.reports.ext.digest]);
    }));

  it('6: two runs at once, both missing a fresh key, end with one digest per image on every tag', () =>
    timed('6 two concurrent runs', async () => {
      const salt = { CROSSBAKE_REUSE_SALT: `race-${RUN_ID}` };
      const before = ws.bakeCalls().length;
      const args = ['run-many', '-t', 'docker-multiarch', '--projects=base,api,web'];
      const env = { MY_V: myV, CROSSBAKE_STATE_DIR: stateDir, ...salt };
      const runs = await Promise.all([nx(ws, args, env), nx(ws, args, env)]);
      for (const r of runs) if (r.code !== 0) throw new Error(`a concurrent run failed:\n${r.output}`);
      // Usually both miss the key (their lookups come before either pushes) and both bake. A run that Nx starts
      // late may find what the other pushed and reuse it, for some projects or all: each image is still pushed by
      // at least one run, and the end is the same, one digest on every tag.
      const bakes = ws.bakeCalls().length - before;
      expect([1, 2]).toContain(bakes);
      for (const p of ['base', 'api', 'web']) {
        const status = runs.map((r) => new RegExp(`^${p}\\s+(pushed|reused)\\s`, 'm').exec(r.output)?.[1]);
        expect([p, status.includes('pushed'), status.includes(undefined)]).toEqual([p, true, false]);
      }
      process.stderr.write(`[e2e] reuse race: ${bakes} bakes\n`);
      const summaries = runs.map((r) => r.output.match(/^(base|api|web)\s+pushed\s+\S+\s+(\w+)/gm));
      process.stderr.write(`[e2e] reuse race: ${JSON.stringify(summaries)}\n`);
      for (const p of ['base', 'api', 'web'] as const) {
        const report = JSON.parse(ws.read(`dist/nx-crossbake/apps/${p}/docker-multiarch/image.json`)) as Report;
        expect(report.contentKey).not.toBe(last[p].contentKey);
        const key = await manifest(keyTag(p, report.contentKey!));
        expect(key?.index.annotations?.[KEY_ANNOTATION]).toBe(report.contentKey);
        for (const tag of report.tags) expect([tag, (await manifest(tag))?.digest]).toEqual([tag, key?.digest]);
      }
    }));
});

/** The paths in the last layer of a platform's image (a gzip tar, BuildKit's default), read from the registry. */
async function lastLayerPaths(ref: string, architecture: string): Promise<string[]> {
  const repo = ref.replace(/:[^:/]+$/, '');
  const platform = await manifest(`${repo}@${platformDigest((await manifest(ref))!.index, architecture)}`);
  const layers = (platform!.index as { layers: { digest: string }[] }).layers;
  const [, host, name] = /^([^/]+)\/(.+)$/.exec(repo)!;
  const blob = await fetch(`http://${host}/v2/${name}/blobs/${layers[layers.length - 1].digest}`);
  const tar = gunzipSync(Buffer.from(await blob.arrayBuffer()));
  const text = (from: number, length: number) =>
    tar
      .subarray(from, from + length)
      .toString()
      .replace(/\0.*$/s, '');
  const paths: string[] = [];
  // 512-byte headers: the name at 0, the size (octal) at 124; the content follows, padded to 512.
  for (
    let at = 0;
    at + 512 <= tar.length && tar[at] !== 0;
    at += 512 + Math.ceil(parseInt(text(at + 124, 12).trim() || '0', 8) / 512) * 512
  )
    paths.push(text(at, 100));
  return paths;
}

/** The digest of a platform's image manifest in an index. */
function platformDigest(index: Index, architecture: string): string {
  return index.manifests!.find((m) => m.platform?.os === 'linux' && m.platform.architecture === architecture)!.digest;
}
