/**
 * The `registries` option: the logins a project needs, each naming the environment variable that holds
 * its password (the value itself is never read here, nor ever written in project.json).
 */
import { show } from './coerce';
import type { Env } from '../process/exec';
import type { RegistryLogin } from '../docker/registries';

const FIELDS = ['url', 'username', 'passwordEnv'] as const;

/** Each entry checked field by field; only usable logins (complete, password variable set) are returned, each once. */
export function checkRegistryLogins(entries: readonly Record<string, unknown>[], env: Env, problems: string[]): RegistryLogin[] {
  const logins: RegistryLogin[] = [];
  entries.forEach((entry, index) => {
    const where = `registries[${index}]${typeof entry.url === 'string' ? ` (${entry.url})` : ''}`;
    const before = problems.length;
    for (const key of Object.keys(entry).filter((k) => !(FIELDS as readonly string[]).includes(k))) {
      problems.push(
        /pass(word)?|token|secret/i.test(key)
          ? `${where} has '${key}': never write a password in project.json; put it in an environment variable and name that in passwordEnv`
          : `${where} has an unknown field '${key}' (fields: ${FIELDS.join(', ')})`,
      );
    }
    for (const field of FIELDS) {
      const value = entry[field];
      if (typeof value !== 'string' || value.trim() === '') {
        problems.push(`${where} needs '${field}' as a non-empty string${value === undefined ? '' : ` (got ${show(value)})`}`);
      }
    }
    if (problems.length > before) return;
    const login = entry as unknown as RegistryLogin;
    if (env[login.passwordEnv] === undefined) {
      problems.push(`the password for ${login.url} is read from the environment variable ${login.passwordEnv}, which is not set`);
      return;
    }
    // Two different logins for one registry are refused for the whole run, across tasks (conflictingLogins).
    const same = logins.some((l) => l.url === login.url && l.username === login.username && l.passwordEnv === login.passwordEnv);
    if (!same) logins.push({ url: login.url, username: login.username, passwordEnv: login.passwordEnv });
  });
  return logins;
}
