import type { Exec } from '../docker/exec';
import type { ServiceOptions } from '../options/service-options';
import { getLastChangeCommand, imageInputPaths, parseLastChange, resolveSourceDates } from './source-date';

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
    expect(imageInputPaths('web:docker-multiarch', byId, links)).toEqual(['apps/web', 'apps/web/Dockerfile', 'apps/api', 'docker/api.Dockerfile', 'apps/base', 'apps/base/Dockerfile']);
    expect(imageInputPaths('base:docker-multiarch', byId, links)).toEqual(['apps/base', 'apps/base/Dockerfile']);
  });

  it('is the whole tree for a root context', () => {
    const root = service('r:docker-multiarch', '.', { file: 'apps/r/Dockerfile' });
    expect(imageInputPaths(root.id, new Map([[root.id, root]]), new Map())).toEqual(['.']);
  });
});

describe('parseLastChange', () => {
  it.each([
    ['1700000000 0123456789abcdef0123456789abcdef01234567\n', { epoch: 1700000000, revision: '0123456789abcdef0123456789abcdef01234567' }],
    ['1700000000\n', { epoch: 1700000000 }],
    ['', undefined],
    ['not a time', undefined],
    ['-5 abc', undefined],
  ])('%j → %j', (stdout, date) => expect(parseLastChange(stdout)).toEqual(date));
});

describe('resolveSourceDates', () => {
  const calls: string[][] = [];
  const git: Exec = async (_file, args) => {
    calls.push([...args]);
    const paths = args.slice(args.indexOf('--') + 1);
    return { exitCode: 0, stdout: paths.includes('apps/base') ? '1700000300 b4se\n' : '1700000100 0the\n', stderr: '' };
  };

  it('asks git for the last change of each task’s inputs', async () => {
    calls.length = 0;
    const dates = await resolveSourceDates(git, '/ws', [base, api, service('off:docker-multiarch', 'apps/off', { reproducible: false })], links, {});
    expect(Object.fromEntries(dates)).toEqual({ 'base:docker-multiarch': { epoch: 1700000300, revision: 'b4se' }, 'api:docker-multiarch': { epoch: 1700000300, revision: 'b4se' } });
    expect(calls).toContainEqual(getLastChangeCommand(['apps/base', 'apps/base/Dockerfile']));
    expect(calls).toHaveLength(2);
  });

  it('takes SOURCE_DATE_EPOCH from the environment without asking git', async () => {
    calls.length = 0;
    const dates = await resolveSourceDates(git, '/ws', [base, api], links, { SOURCE_DATE_EPOCH: '1234' });
    expect([...dates.values()]).toEqual([{ epoch: 1234 }, { epoch: 1234 }]);
    expect(calls).toEqual([]);
  });

  it('gives no date where git fails or knows no commit', async () => {
    const none: Exec = async () => ({ exitCode: 128, stdout: '', stderr: 'fatal: not a git repository' });
    expect((await resolveSourceDates(none, '/ws', [base], links, {})).size).toBe(0);
  });
});
