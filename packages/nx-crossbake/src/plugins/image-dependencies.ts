import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DependencyType, type CreateDependencies, type FileMap, type RawProjectGraphDependency } from '@nx/devkit';
import { readWorkspaceImagesCached } from '../lib/graph/dockerfile-cache';
import { findImageDependencies } from '../lib/graph/workspace-images';

/** The plugin's own version, which keys the Dockerfile cache (this file sits two folders below package.json, in src/ and dist/ alike). */
const PLUGIN_VERSION = (() => {
  try {
    return String((JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown }).version);
  } catch {
    return 'unknown';
  }
})();

/**
 * `<Nx's workspace data folder>/nx-crossbake-dockerfiles.hash`, where Nx's own plugins keep their caches. Nx
 * exports no public name for that folder (@nx/devkit 22.7 and 24.0 export only `cacheDir`), so this is a
 * deep import, checked before use: if a later Nx moves it, the plugin just runs without a cache.
 */
function cacheFileFor(workspaceRoot: string): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a deep import that may be gone in a later Nx: loaded only when present
    const { workspaceDataDirectoryForWorkspace } = require('nx/src/utils/cache-directory') as {
      workspaceDataDirectoryForWorkspace?: unknown;
    };
    if (typeof workspaceDataDirectoryForWorkspace !== 'function') return undefined;
    // Nx 24 throws when NX_WORKSPACE_DATA_DIRECTORY names a folder others could write.
    return join((workspaceDataDirectoryForWorkspace as (root: string) => string)(workspaceRoot), 'nx-crossbake-dockerfiles.hash');
  } catch {
    return undefined;
  }
}

/** The hash Nx holds for a file: among the project's own files first, else anywhere in the workspace (indexed once, if ever asked). */
function fileHashes(fileMap: FileMap | undefined) {
  let all: Map<string, string> | undefined;
  const index = () => {
    all = new Map((fileMap?.nonProjectFiles ?? []).map((f) => [f.file, f.hash]));
    for (const files of Object.values(fileMap?.projectFileMap ?? {})) for (const f of files) all.set(f.file, f.hash);
    return all;
  };
  return (project: string, file: string) =>
    fileMap?.projectFileMap?.[project]?.find((f) => f.file === file)?.hash ?? (all ?? index()).get(file);
}

/**
 * Image dependencies for the project graph: project A depends on project B when A's Dockerfile builds FROM
 * (or copies from) an image B's multiarch target may produce, templated tags included and whatever the tag
 * A pins (see findImageDependencies: the graph is conservative). `nx graph` shows the edge and `nx affected`
 * follows it, so changing a base image rebuilds what is built FROM it.
 *
 * Never throws for what one project holds: Nx would answer every command in the workspace with "Failed to
 * process project graph". A target it cannot read just has no image edges; its executor reports why.
 *
 * What each Dockerfile refers to is cached in Nx's workspace data folder, keyed by the Dockerfile's hash from
 * Nx's file map and the target's options (see readWorkspaceImagesCached), so a graph computed again without
 * the daemon reads only the Dockerfiles that changed.
 */
export const createDependencies: CreateDependencies = (_options, context) => {
  const images = readWorkspaceImagesCached(context.projects, {
    file: cacheFileFor(context.workspaceRoot),
    version: PLUGIN_VERSION,
    readFile: (file) => readFileSync(join(context.workspaceRoot, file), 'utf8'),
    hashOf: fileHashes(context.fileMap),
  });
  return findImageDependencies(images).map(({ source, target, image }): RawProjectGraphDependency => {
    // The Dockerfile that refers to the image (a project's multiarch targets may read different ones).
    const sourceFile = images.find((i) => i.name === source && i.dockerfileRefs.includes(image))!.dockerfile;
    // A static dependency must name a file of its source project; a Dockerfile kept elsewhere gives an implicit one.
    const owned = context.fileMap?.projectFileMap?.[source]?.some((f) => f.file === sourceFile);
    return owned ? { source, target, type: DependencyType.static, sourceFile } : { source, target, type: DependencyType.implicit };
  });
};
