import { renderTemplate, type TemplateValues } from './templates';
import { imageReferenceProblem } from './validators';

// One path component of a repository name, as github.com/distribution/reference allows it.
const SEPARATOR_RUN = /[._-]+/g;
const isValidSeparator = (s: string) => s === '.' || s === '_' || s === '__' || /^-+$/.test(s);

/**
 * An Nx project name as an image repository path: lower case, `@acme/api` → `acme-api`, `Web App` → `web-app`.
 * Valid names stay as they are; separators docker rejects (`a..b`, `a._b`) become `-`, so the result is
 * always a valid name. Throws when nothing usable is left, so the caller can ask for an explicit image.
 */
export function repositoryNameOf(project: string): string {
  const name = project
    .toLowerCase()
    .replace(/^@/, '')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(SEPARATOR_RUN, (run) => (isValidSeparator(run) ? run : '-'))
    .replace(/^[._-]+|[._-]+$/g, '');
  if (name === '') throw new Error(`project '${project}' gives no usable image name: pass one with --image`);
  return name;
}

/** `<registry>/<repository>:latest`, or `<repository>:latest` without a registry. */
export function defaultImageTag(project: string, registry?: string): string {
  const prefix = registry?.trim().replace(/\/+$/, '');
  return `${prefix ? `${prefix}/` : ''}${repositoryNameOf(project)}:latest`;
}

// Values every placeholder could take, to check the rest of a tag template before any run.
const SAMPLE: TemplateValues = {
  projectName: 'p',
  version: '1.0.0',
  branch: 'main',
  sha: '0'.repeat(40),
  shortSha: '0000000',
  date: '20260101',
};

/**
 * Why `ref` cannot tag an image, templates included (`registry/acme/{projectName}:{shortSha}`, as `tags`
 * takes them): an unknown placeholder, or what docker's grammar refuses once the placeholders have values.
 */
export function tagTemplateProblem(ref: string): string | undefined {
  const problems: string[] = [];
  const rendered = renderTemplate(ref, SAMPLE, 'tag', problems);
  if (problems.length > 0) return problems[0];
  const why = imageReferenceProblem(rendered);
  return why === undefined ? undefined : `tag '${ref}' is not a valid image reference: ${why}`;
}

/** Throws with docker's grammar explained when `ref` (a tag template) cannot tag an image. */
export function assertImageTag(ref: string, hint: string): void {
  const problem = tagTemplateProblem(ref);
  if (problem) throw new Error(`${problem} (${hint})`);
}

/** The repository of a tag as written (registry host kept): `r.example.com:5000/acme/api:1` → `r.example.com:5000/acme/api`. */
export const repositoryOf = (tag: string) => {
  const at = tag.indexOf('@');
  const named = at < 0 ? tag : tag.slice(0, at);
  const colon = named.lastIndexOf(':');
  return colon > named.lastIndexOf('/') ? named.slice(0, colon) : named;
};
