import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DependencyType, type CreateDependencies, type RawProjectGraphDependency } from '@nx/devkit';
import { findImageDependencies, readWorkspaceImages } from '../lib/graph/workspace-images';

/**
 * Image dependencies for the project graph: project A depends on project B when A's Dockerfile builds FROM
 * (or copies from) an image B's multiarch target may produce, templated tags included and whatever the tag
 * A pins (see findImageDependencies: the graph is conservative). `nx graph` shows the edge and `nx affected`
 * follows it, so changing a base image rebuilds what is built FROM it.
 *
 * Never throws for what one project holds: Nx would answer every command in the workspace with "Failed to
 * process project graph". A target it cannot read just has no image edges; its executor reports why.
 */
export const createDependencies: CreateDependencies = (_options, context) => {
  const { images } = readWorkspaceImages(context.projects, (file) => readFileSync(join(context.workspaceRoot, file), 'utf8'));
  return findImageDependencies(images).map(({ source, target, image }): RawProjectGraphDependency => {
    // The Dockerfile that refers to the image (a project's multiarch targets may read different ones).
    const sourceFile = images.find((i) => i.name === source && i.dockerfileRefs.includes(image))!.dockerfile;
    // A static dependency must name a file of its source project; a Dockerfile kept elsewhere gives an implicit one.
    const owned = context.fileMap?.projectFileMap?.[source]?.some((f) => f.file === sourceFile);
    return owned ? { source, target, type: DependencyType.static, sourceFile } : { source, target, type: DependencyType.implicit };
  });
};
