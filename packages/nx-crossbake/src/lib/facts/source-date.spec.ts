import type { Exec } from '../process/exec';
import type { ServiceOptions } from '../options/service-options';
import { memoryStateStore } from '../core/state-file';
import { getLastChangesCommand } from '../git/last-changes';
import { imageInputPaths, resolveSourceDates } from './source-date';

const service = (id: string, context: string, overrides: Partial<ServiceOptions> = {}) =>
  ({ id, context, file: `${context}/Dockerfile`, reproducible: true, ...overrides }) as ServiceOptions;
const base = service('base:docker-multiarch', 'apps/base');
const api = service('api:docker-multiarch', 'apps/api', { file: 'docker/api.Dockerfile' });
const web = service('web:docker-multiarch', 'apps/web');
const byId = new Map([base, api, web].map((s) => [s.id, s]));
const links = new Map<string, Record<string, string>>([
  ['api:docker-multiarch', { '127.0.0.1:5000/acme/base': 'base:docker-multiarch' }],
  ['web:docker-multiarch', { '127.0.0.1:5000/acme/api': 'api:docker-multiarch' }],
]);

describe('imageInputPaths', () => {
  it('is the context and Dockerfile of the task and of every sibling it is built FROM, down the chain', () => {
    expect(imageInputPaths('web:docker-multiarch', byId, links)).toEqual([
      'apps/web',
      'apps/web/Dockerfile',
      'apps/api',
      'docker/api.Dockerfile',
      'apps/base',
      'apps/base/Dockerfile',
    ]);
    expect(imageInputPaths('base:docker-multiarch', byId, links)).toEqual(['apps/base', 'apps/base/Dockerfile']);
  });

  it('is the whole tree for a root context', () => {
    const root = service('r:docker-multiarch', '.', { file: 'apps/r/Dockerfile' });
    expect(imageInputPaths(root.id, new Map([[root.id, root]]), new Map())).toEqual(['.']);
  });

  it('names folders as git lists files under them', () => {
    const s = service('s:docker-multiarch', './apps/s/', { file: 'apps/s//Dockerfile' });
    expect(imageInputPaths(s.id, new Map([[s.id, s]]), new Map())).toEqual(['apps/s', 'apps/s/Dockerfile']);
  });
});

describe('resolveSourceDates', () => {
  const header = (epoch: number, sha: string) => `\x1e${epoch} ${sha.padEnd(40, '0')}\0\n`;
  // Newest first: web's folder, then base's, then api's Dockerfile.
  const walk = `${header(1700000500, 'aaa')}apps/web/index.html\0${header(1700000300, 'bbb')}apps/base/Dockerfile\0${header(1700000100, 'ccc')}docker/api.Dockerfile\0`;
  const git = (stdout = walk) => {
    const calls: string[][] = [];
    const stops: number[] = [];
    const exec: Exec = async (_file, args, options) => {
      calls.push([...args]);
      // Delivered in pieces, as a pipe would: the walk is stopped once every task has its answer.
      const pieces = stdout.match(/[^]{1,7}/g) ?? [];
      let sent = '';
      for (const piece of pieces) {
        sent += piece;
        if (options?.stopWhen?.(piece)) {
          stops.push(sent.length);
          return { exitCode: 143, stdout: sent, stderr: '', stopped: true };
        }
      }
      return { exitCode: 0, stdout, stderr: '' };
    };
    return { exec, calls, stops };
  };
  const sha = 'f'.repeat(40);

  it('asks one git process for the last change of every task’s inputs, and stops it once each has one', async () => {
    const { exec, calls, stops } = git(`${walk}${header(1600000000, 'ddd')}apps/web/old\0`);
    const dates = await resolveSourceDates(
      exec,
      '/ws',
      [base, api, service('off:docker-multiarch', 'apps/off', { reproducible: false })],
      links,
      {},
    );
    expect(Object.fromEntries(dates)).toEqual({
      'base:docker-multiarch': { epoch: 1700000300, revision: 'bbb'.padEnd(40, '0') },
      // api is built FROM base: base's change is its change too
      'api:docker-multiarch': { epoch: 1700000300, revision: 'bbb'.padEnd(40, '0') },
    });
    expect(calls).toEqual([getLastChangesCommand(['apps/base', 'apps/base/Dockerfile', 'apps/api', 'docker/api.Dockerfile'])]);
    // stopped within the base record: nothing older was read
    expect(stops).toHaveLength(1);
    expect(stops[0]).toBeLessThan(walk.indexOf('docker/api.Dockerfile'));
  });

  it('takes SOURCE_DATE_EPOCH from the environment without asking git', async () => {
    const { exec, calls } = git();
    const dates = await resolveSourceDates(exec, '/ws', [base, api], links, { SOURCE_DATE_EPOCH: '1234' });
    expect([...dates.values()]).toEqual([{ epoch: 1234 }, { epoch: 1234 }]);
    expect(calls).toEqual([]);
  });

  it('gives no date where git fails or knows no commit', async () => {
    const none: Exec = async () => ({ exitCode: 128, stdout: '', stderr: 'fatal: not a git repository' });
    expect((await resolveSourceDates(none, '/ws', [base], links, {})).size).toBe(0);
    const { exec } = git();
    expect((await resolveSourceDates(exec, '/ws', [service('new:docker-multiarch', 'apps/new')], links, {})).size).toBe(0);
  });

  it('asks nothing for a commit it already walked, and asks again for a new commit or new inputs', async () => {
    const state = memoryStateStore();
    const first = git();
    const dates = await resolveSourceDates(
      first.exec,
      '/ws',
      [base, web, service('new:docker-multiarch', 'apps/new')],
      links,
      {},
      { state, sha },
    );
    const again = git('');
    expect(
      await resolveSourceDates(again.exec, '/ws', [base, web, service('new:docker-multiarch', 'apps/new')], links, {}, { state, sha }),
    ).toEqual(dates);
    expect(again.calls).toEqual([]);

    const moreInputs = git();
    await resolveSourceDates(moreInputs.exec, '/ws', [base, api], links, {}, { state, sha });
    expect(moreInputs.calls).toEqual([getLastChangesCommand(['apps/api', 'docker/api.Dockerfile', 'apps/base', 'apps/base/Dockerfile'])]);

    const newCommit = git();
    await resolveSourceDates(newCommit.exec, '/ws', [base], links, {}, { state, sha: 'e'.repeat(40) });
    expect(newCommit.calls).toHaveLength(1);
    // Another workspace at the same commit has its own paths.
    const otherWorkspace = git();
    await resolveSourceDates(otherWorkspace.exec, '/other', [base], links, {}, { state, sha });
    expect(otherWorkspace.calls).toHaveLength(1);
  });

  it('keeps nothing learnt from a walk that failed', async () => {
    const state = memoryStateStore();
    const none: Exec = async () => ({ exitCode: 128, stdout: '', stderr: 'fatal: bad object' });
    await resolveSourceDates(none, '/ws', [base], links, {}, { state, sha });
    const { exec, calls } = git();
    expect((await resolveSourceDates(exec, '/ws', [base], links, {}, { state, sha })).size).toBe(1);
    expect(calls).toHaveLength(1);
  });
});
