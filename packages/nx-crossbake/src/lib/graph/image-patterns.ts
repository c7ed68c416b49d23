import { parseImageRef } from '../docker/image-ref';
import { renderedProjectName, undoNxProjectName } from '../options/templates';

/**
 * `{projectName}` as normalize renders it in tags: `@acme/api` → `acme-api`. Nx itself substitutes
 * `{projectName}` in target options (project.json and targetDefaults) with the raw name before any plugin
 * or executor sees them, so a tag can also reach us as `registry/acme/@acme/api:1`.
 */

/** Which image references a tag option may produce: templates.ts placeholders match any text. */
export interface ImagePattern {
  /** Matches a normalized repository (ImageRef.repository). */
  repository: RegExp;
  /** Whether the repository is fixed text (no placeholder in it): then `repository` matches only `literal`. */
  literal?: string;
  /** Matches a tag; a tag option without one produces `latest`. */
  tag: RegExp;
}

// Stands for a placeholder while the template is parsed like a reference: a private-use character is
// none of the separators (`/`, `:`, `@`, `.`) that parseImageRef looks for.
const HOLE = '\uE000';
const PLACEHOLDER = /\{[^{}]*\}/g;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const holesAs = (text: string, wildcard: string) => new RegExp(`^${text.split(HOLE).map(escapeRegExp).join(wildcard)}$`);

/**
 * A tag option of `project`, placeholders and all (`registry.example.com/acme/{projectName}:{version}`), as a
 * pattern of the references it may produce. `{projectName}` is rendered; any other placeholder (known or
 * not) matches any text within one path component of the repository, or any tag in the tag part.
 */
export function parseTagPattern(template: string, project: string): ImagePattern {
  const rendered = undoNxProjectName(template, project).replace(/\{projectName\}/g, renderedProjectName(project));
  const ref = parseImageRef(rendered.replace(PLACEHOLDER, HOLE));
  const tag = ref.tag ?? 'latest';
  return {
    repository: holesAs(ref.repository, '[^/]+'),
    ...(!ref.repository.includes(HOLE) && { literal: ref.repository }),
    tag: holesAs(tag, '[\\w.-]+'),
  };
}
