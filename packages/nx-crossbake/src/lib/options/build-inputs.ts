/**
 * The options that reach inside the build (arguments, secrets, ssh, named contexts, attestations),
 * checked and put in the form bake takes. Pure: the environment is passed in.
 */
import { csvPair, parseCsv } from '../core/csv';
import type { Env } from '../process/exec';

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

/** A secret spec's fields (buildx's Secret.UnmarshalText), or undefined when buildx could not read it. */
function secretFields(spec: string): Record<string, string> | undefined {
  const csv = parseCsv(spec);
  if (csv.error !== undefined) return undefined;
  const fields: Record<string, string> = {};
  for (const field of csv.fields) {
    const eq = field.indexOf('=');
    if (eq < 0) return undefined;
    fields[field.slice(0, eq).toLowerCase()] = field.slice(eq + 1);
  }
  return fields;
}

const SECRET_KEYS = ['type', 'id', 'src', 'source', 'env'];
/** Where a secret's value comes from, as buildx reads `type=env,src=X` (an environment variable) too. */
const secretSource = (f: Record<string, string>) =>
  f.type === 'env' ? { env: f.env ?? f.src ?? f.source } : { env: f.env, file: f.src ?? f.source };

/**
 * Secrets as buildx specs. Only references (an environment variable or a file) are accepted, so a value
 * can never land in project.json, the bake file or a log; a missing variable is a problem before building.
 * A spec buildx cannot read would stop the whole bake, so it is this project's problem here. Problems name
 * the secret by its id (or the key before a value written by mistake, or its position), never by the whole
 * spec, which may hold a value.
 * Files are checked with the other inputs (checkBuildInputs).
 */
export function normalizeSecrets(secrets: string[], secretFiles: string[], env: Env, problems: string[]): string[] {
  const specs: string[] = [];
  const form = 'id=<id>,env=<VARIABLE> or id=<id>,src=<file>';
  secrets.forEach((spec, index) => {
    const fields = secretFields(spec);
    // Named by its id, or the key before a value written by mistake; a bare word may be the value itself.
    const id = fields?.id ?? /(?:^|,)id=([^,"]*)/.exec(spec)?.[1] ?? (spec.includes('=') ? spec.split(/[=,]/)[0] : undefined);
    const secret = id === undefined ? `secret #${index + 1}` : `secret '${id}'`;
    const source = fields && secretSource(fields);
    if (parseCsv(spec).error !== undefined) {
      problems.push(
        `${secret} is not CSV as buildx reads it: check its quotes (a field with a comma is written "key=value", a quote inside it "")`,
      );
    } else if (!fields || fields.id === undefined || Object.keys(fields).some((k) => !SECRET_KEYS.includes(k))) {
      problems.push(`${secret} is not of the form ${form}: keep the value in an environment variable or a file, never in project.json`);
    } else if (fields.type !== undefined && fields.type !== 'env' && fields.type !== 'file') {
      problems.push(`${secret} has type '${fields.type}': expected file or env`);
    } else if (!source?.env && !source?.file) {
      problems.push(`${secret} names no source: add env=<VARIABLE> or src=<file>`);
    } else if (source.env && env[source.env] === undefined) {
      problems.push(`${secret} reads the environment variable ${source.env}, which is not set`);
    } else {
      specs.push(spec);
    }
  });
  for (const entry of secretFiles) {
    const eq = entry.indexOf('=');
    if (eq <= 0 || eq === entry.length - 1) problems.push(`secret-files entry '${entry}' is not of the form ID=path`);
    else specs.push(`${csvPair('id', entry.slice(0, eq))},${csvPair('src', entry.slice(eq + 1))}`);
  }
  return specs;
}

/** The files the secrets read, as written (relative to the workspace root, or absolute): checked to exist before building. */
export const secretSourceFiles = (secrets: readonly string[]): string[] =>
  secrets.flatMap((spec) => {
    const fields = secretFields(spec);
    const file = fields && secretSource(fields).file;
    return file ? [file] : [];
  });

/** Provenance and SBOM as bake `attest` entries; `provenance` as written (true/false arrive as text). */
export function attestations(provenance: string | undefined, sbom: boolean, problems: string[]): string[] {
  const attest: string[] = [];
  if (provenance === 'false') attest.push('type=provenance,disabled=true');
  else if (provenance === 'true') attest.push('type=provenance');
  else if (provenance === 'mode=min' || provenance === 'mode=max') attest.push(`type=provenance,${provenance}`);
  else if (provenance !== undefined) problems.push(`provenance '${provenance}' is not one of false, true, mode=min, mode=max`);
  if (sbom) attest.push('type=sbom');
  return attest;
}
