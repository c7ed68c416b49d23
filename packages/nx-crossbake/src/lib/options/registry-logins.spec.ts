import { checkRegistryLogins } from './registry-logins';

const env = { REGISTRY_PASSWORD: 'secret', OTHER_PASSWORD: 'other' };
const login = { url: '127.0.0.1:5001', username: 'crossbake', passwordEnv: 'REGISTRY_PASSWORD' };

function check(entries: Record<string, unknown>[]) {
  const problems: string[] = [];
  return { logins: checkRegistryLogins(entries, env, problems), problems };
}

describe('checkRegistryLogins', () => {
  it('keeps complete logins whose password variable is set, and one of two identical entries', () => {
    expect(check([login, { ...login }, { url: 'ghcr.io', username: 'ci', passwordEnv: 'OTHER_PASSWORD' }])).toEqual({
      logins: [login, { url: 'ghcr.io', username: 'ci', passwordEnv: 'OTHER_PASSWORD' }],
      problems: [],
    });
  });

  it('never reads or repeats the password itself', () => {
    expect(JSON.stringify(check([login]))).not.toContain('secret');
  });

  it.each<[Record<string, unknown>, string]>([
    [{ url: '127.0.0.1:5001', username: 'crossbake' }, "registries[0] (127.0.0.1:5001) needs 'passwordEnv' as a non-empty string"],
    [{ ...login, username: '' }, "needs 'username' as a non-empty string (got '')"],
    [{ ...login, url: 5001 }, "registries[0] needs 'url' as a non-empty string (got 5001)"],
    [
      { ...login, password: 'hunter2' },
      "has 'password': never write a password in project.json; put it in an environment variable and name that in passwordEnv",
    ],
    [{ ...login, user: 'ci' }, "has an unknown field 'user' (fields: url, username, passwordEnv)"],
    [
      { ...login, passwordEnv: 'NOT_SET_ANYWHERE' },
      'the password for 127.0.0.1:5001 is read from the environment variable NOT_SET_ANYWHERE, which is not set',
    ],
  ])('refuses %j', (entry, message) => {
    const { logins, problems } = check([entry]);
    expect(logins).toEqual([]);
    expect(problems).toEqual([expect.stringContaining(message)]);
    expect(problems.join()).not.toContain('hunter2');
  });

  it('leaves two logins to one registry to the run, which refuses them across every task (conflictingLogins)', () => {
    expect(check([login, { ...login, username: 'other' }])).toEqual({ logins: [login, { ...login, username: 'other' }], problems: [] });
  });
});
