import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { DependencyType, type CreateDependencies, type RawProjectGraphDependency } from '@nx/devkit';
import { parseDockerfileImageRefs } from '../lib/graph/dockerfile-refs';
import { findImageDependencies, type ProjectImages } from '../lib/graph/image-dependencies';
import { parseKeyValues } from '../lib/options/validators';
import type { MultiarchExecutorSchema } from '../executors/multiarch/schema';
import { MULTIARCH_EXECUTOR } from '../executor-names';

/**
 * Image dependencies for the project graph: project A depends on project B when A's Dockerfile builds
 * FROM (or copies from) the image B's multiarch target produces, whatever the tag. `nx graph` shows the
 * edge and `nx affected` follows it, so changing a base image rebuilds what is built FROM it.
 */
export const createDependencies: CreateDependencies = (_options, context) => {
  const projects: ProjectImages[] = [];
  const dockerfiles = new Map<string, string>();
  for (const [name, config] of Object.entries(context.projects)) {
    for (const target of Object.values(config.targets ?? {})) {
      if (target.executor !== MULTIARCH_EXECUTOR) continue;
      const options = (target.options ?? {}) as MultiarchExecutorSchema;
      const file = posix.normalize(options.file ?? posix.join(config.root, 'Dockerfile'));
      const path = join(context.workspaceRoot, file);
      if (!existsSync(path)) continue;
      const buildArgs = parseKeyValues('build-args', options['build-args'] ?? [], []);
      projects.push({ name, images: options.tags ?? [], dockerfileRefs: parseDockerfileImageRefs(readFileSync(path, 'utf8'), buildArgs) });
      dockerfiles.set(name, file);
    }
  }

  return findImageDependencies(projects).edges.map(({ source, target }): RawProjectGraphDependency => {
    const sourceFile = dockerfiles.get(source)!;
    // A static dependency must name a file of its source project; a Dockerfile kept elsewhere gives an implicit one.
    const owned = context.fileMap.projectFileMap[source]?.some((f) => f.file === sourceFile);
    return owned ? { source, target, type: DependencyType.static, sourceFile } : { source, target, type: DependencyType.implicit };
  });
};
