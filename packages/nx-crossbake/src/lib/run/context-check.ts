import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { ServiceOptions } from '../options/service-options';
import { taskLabel } from '../results/summary';
import { ignoreFileFor } from '../facts/context-ignore';
import { BadPatternError, cleanPath, compileDockerignore, keepsOut, parseDockerignore } from '../dockerfile/dockerignore-matcher';

/**
 * Folders whose content changes on every run without any source changing. Sent with a build context, they
 * make `COPY . …` and every step after it run again each time. `dist` is judged by the plugin's own
 * reports only: Nx builds commonly COPY their output from `dist/`, which changes only with the sources.
 */
const CHURNING_FOLDERS: readonly { path: string; shown: string; atRoot: boolean }[] = [
  { path: '.nx', shown: '.nx/', atRoot: true }, // Nx's cache and workspace data
  { path: 'tmp', shown: 'tmp/', atRoot: false },
  { path: 'dist/nx-crossbake', shown: 'dist/ (dist/nx-crossbake/)', atRoot: true }, // our image.json reports
  { path: 'node_modules', shown: 'node_modules/', atRoot: false },
];

interface ContextLeak {
  context: string;
  /** The ignore file BuildKit reads for these tasks, workspace-relative, whether or not it exists. */
  ignoreFile: string;
  ignoreFileExists: boolean;
  /** What of CHURNING_FOLDERS the build would send, as shown to the user. */
  folders: string[];
  tasks: string[];
}

export interface ContextFs {
  exists: (path: string) => boolean;
  /** The file's text, or undefined when there is none. */
  read: (path: string) => string | undefined;
}

const realFs = (workspaceRoot: string): ContextFs => ({
  exists: (path) => existsSync(join(workspaceRoot, path)),
  read: (path) => {
    try {
      return readFileSync(join(workspaceRoot, path), 'utf8');
    } catch {
      return undefined;
    }
  },
});

/**
 * The churning folders each context would send, grouped by context and ignore file. The folders Nx and
 * the plugin write at the workspace root count for a root context even before they exist (a first run).
 * A malformed ignore file is BuildKit's to report (the build fails): nothing is claimed for it.
 */
export function findContextLeaks(
  services: readonly Pick<ServiceOptions, 'id' | 'project' | 'targetName' | 'context' | 'file'>[],
  fs: ContextFs,
): ContextLeak[] {
  const leaks = new Map<string, ContextLeak>();
  for (const service of services) {
    const context = cleanPath(service.context);
    const ignoreFile = ignoreFileFor(service, fs.exists);
    const key = `${context}\0${ignoreFile}`;
    const known = leaks.get(key);
    if (known) {
      known.tasks.push(taskLabel({ ...service, task: service.id }));
      continue;
    }
    const text = fs.read(ignoreFile);
    let patterns;
    try {
      patterns = compileDockerignore(parseDockerignore(text ?? ''));
    } catch (e) {
      if (e instanceof BadPatternError) continue;
      throw e;
    }
    const folders = CHURNING_FOLDERS.filter(
      (f) => ((f.atRoot && context === '.') || fs.exists(posix.join(context, f.path))) && !keepsOut(patterns, f.path),
    );
    leaks.set(key, {
      context,
      ignoreFile,
      ignoreFileExists: text !== undefined,
      folders: folders.map((f) => f.shown),
      tasks: [taskLabel({ ...service, task: service.id })],
    });
  }
  return [...leaks.values()].filter((l) => l.folders.length > 0);
}

/** One warning for the whole run, naming each context, its tasks, the folders and the file to add them to. */
export function formatContextWarning(leaks: readonly ContextLeak[]): string | undefined {
  if (leaks.length === 0) return undefined;
  const lines = leaks.map(
    (l) =>
      `  - context '${l.context}' (${l.tasks.join(', ')}): ${l.folders.join(', ')}, not excluded by ${l.ignoreFile}${l.ignoreFileExists ? '' : ' (there is none)'}`,
  );
  return (
    'nx-crossbake: these build contexts send folders that change on every run, so COPY of the context and every step after it run again each time:\n' +
    `${lines.join('\n')}\n` +
    '  Add them to that ignore file (`nx g nx-crossbake:init` adds .nx, tmp, dist/nx-crossbake and node_modules to the root .dockerignore).'
  );
}

/** Checks every context of the run once and logs one warning when any sends churning folders. */
export function warnChurningContexts(
  workspaceRoot: string,
  services: Parameters<typeof findContextLeaks>[0],
  log: (message: string) => void,
): void {
  const warning = formatContextWarning(findContextLeaks(services, realFs(workspaceRoot)));
  if (warning) log(warning);
}
