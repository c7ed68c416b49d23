/**
 * Tag and label templates: `registry.example.com/acme/{projectName}:{version}`, `…:{branch}-{shortSha}`.
 * Pure: the values (git facts, the project's version, the date) are resolved once per run and passed in.
 */
/** `{projectName}` in an image name: `@acme/api` → `acme-api` (a scope's `@` and `/` cannot be in a repository path). */
export const renderedProjectName = (project: string): string => project.replace(/^@/, '').replace(/\//g, '-');

/**
 * Nx replaces its own `{projectName}` token in options with the raw name before any executor runs, so a
 * scoped project's `registry/acme/{projectName}:1` arrives as `registry/acme/@acme/api:1`: read back as ours.
 */
export const undoNxProjectName = (template: string, project: string): string =>
  renderedProjectName(project) === project ? template : template.split(project).join('{projectName}');

export interface TemplateValues {
  projectName: string;
  version?: string;
  sha?: string;
  shortSha?: string;
  /** Already sanitised for use in a tag. */
  branch?: string;
  /** UTC, YYYYMMDD. */
  date: string;
}

const WHY_MISSING: Record<string, string> = {
  version: 'the project has no version: add "version" to its package.json (or publish through nx release)',
  sha: 'the workspace is not a git repository (or has no commit yet)',
  shortSha: 'the workspace is not a git repository (or has no commit yet)',
  branch: 'no branch is checked out and CI names none (set BRANCH_NAME)',
};

const KNOWN = ['projectName', 'version', 'sha', 'shortSha', 'branch', 'date'];

/** `feature/Login_v2` → `feature-login_v2`: what a tag may hold (lower case for registries that demand it). */
export function sanitizeForTag(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128);
}

/** Replaces each `{name}`; an unknown name or a value that cannot be known here is a problem. */
export function renderTemplate(template: string, values: TemplateValues, where: string, problems: string[]): string {
  return template.replace(/\{([^{}]*)\}/g, (match, name: string) => {
    if (!KNOWN.includes(name)) {
      problems.push(`${where} '${template}' has an unknown placeholder {${name}} (known: ${KNOWN.map((k) => `{${k}}`).join(', ')})`);
      return match;
    }
    const value = values[name as keyof TemplateValues];
    if (value === undefined || value === '') {
      problems.push(`${where} '${template}' uses {${name}}, but ${WHY_MISSING[name] ?? 'it has no value here'}`);
      return match;
    }
    return value;
  });
}
