/**
 * The options that reach inside the build (arguments, secrets, ssh, named contexts, attestations),
 * checked and put in the form bake takes. Pure: the environment is passed in.
 */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * `$VAR` / `${VAR}` in build-arg values come from the environment, as in a shell; `$$` is a literal `$`.
 * A variable that is not set is a problem, not an empty string: a silently empty VERSION ships.
 */
export function interpolate(where: string, value: string, env: Env, problems: string[]): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, braced?: string, bare?: string) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare)!;
    const found = env[name];
    if (found === undefined) {
      problems.push(`${where} uses $${name}, which is not set in the environment (write $$ for a literal $)`);
      return match;
    }
    return found;
  });
}

const csv = (spec: string) => Object.fromEntries(spec.split(',').map((kv) => [kv.slice(0, kv.indexOf('=') < 0 ? kv.length : kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));

/**
 * Secrets as buildx specs. Only references (an environment variable or a file) are accepted, so a value
 * can never land in project.json, the bake file or a log; a missing variable is a problem before building.
 * Files are checked with the other inputs (checkBuildInputs).
 */
export function normalizeSecrets(secrets: string[], secretFiles: string[], env: Env, problems: string[]): string[] {
  const specs: string[] = [];
  for (const spec of secrets) {
    const fields = csv(spec);
    if (!spec.includes('id=')) {
      problems.push(
        `secret '${spec.split('=')[0]}' is not of the form id=<id>,env=<VARIABLE> or id=<id>,src=<file>: ` +
          'keep the value in an environment variable or a file, never in project.json',
      );
    } else if (fields.env === undefined && fields.src === undefined) {
      problems.push(`secret '${fields.id}' names no source: add env=<VARIABLE> or src=<file>`);
    } else if (fields.env !== undefined && env[fields.env] === undefined) {
      problems.push(`secret '${fields.id}' reads the environment variable ${fields.env}, which is not set`);
    } else {
      specs.push(spec);
    }
  }
  for (const entry of secretFiles) {
    const eq = entry.indexOf('=');
    if (eq <= 0) problems.push(`secret-files entry '${entry}' is not of the form ID=path`);
    else specs.push(`id=${entry.slice(0, eq)},src=${entry.slice(eq + 1)}`);
  }
  return specs;
}

/** Workspace-relative files the secrets read (checked to exist before building). */
export const secretSourceFiles = (secrets: readonly string[]) => secrets.map((s) => csv(s).src).filter((src): src is string => !!src);

/** Provenance and SBOM as bake `attest` entries. */
export function attestations(provenance: string | undefined, sbom: boolean, problems: string[]): string[] {
  const attest: string[] = [];
  if (provenance === 'false') attest.push('type=provenance,disabled=true');
  else if (provenance === 'true') attest.push('type=provenance');
  else if (provenance === 'mode=min' || provenance === 'mode=max') attest.push(`type=provenance,${provenance}`);
  else if (provenance !== undefined) problems.push(`provenance '${provenance}' is not one of false, true, mode=min, mode=max`);
  if (sbom) attest.push('type=sbom');
  return attest;
}
