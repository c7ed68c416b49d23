import { join } from 'node:path';
import type { ProjectGraph, Tree } from '@nx/devkit';
import { VersionActions } from 'nx/release';

/**
 * Version actions for image projects in `nx release` (nx.json `release.version.versionActions`:
 * `nx-crossbake/dist/release/version-actions`), so releasing an image needs no @nx/js: the version lives
 * in the project's package.json, where `{version}` in the tags reads it. Images have no dependency
 * manifests to update, and no registry Nx could read a version from.
 */
export default class ImageVersionActions extends VersionActions {
  validManifestFilenames = ['package.json'];

  private manifest(): string {
    return join(this.projectGraphNode.data.root, 'package.json');
  }

  async readCurrentVersionFromSourceManifest(tree: Tree): Promise<{ currentVersion: string; manifestPath: string } | null> {
    const path = this.manifest();
    if (!tree.exists(path)) return null;
    const version = (JSON.parse(tree.read(path, 'utf-8')!) as { version?: string }).version;
    return version ? { currentVersion: version, manifestPath: path } : null;
  }

  async readCurrentVersionFromRegistry(): Promise<{ currentVersion: string | null; logText: string } | null> {
    // An image registry has no notion of "the latest version": use the git-tag or disk resolver.
    return null;
  }

  async readCurrentVersionOfDependency(
    _tree: Tree,
    _graph: ProjectGraph,
    _dependency: string,
  ): Promise<{ currentVersion: string | null; dependencyCollection: string | null }> {
    return { currentVersion: null, dependencyCollection: null };
  }

  async updateProjectVersion(tree: Tree, newVersion: string): Promise<string[]> {
    const path = this.manifest();
    const manifest = tree.exists(path)
      ? (JSON.parse(tree.read(path, 'utf-8')!) as Record<string, unknown>)
      : { name: this.projectGraphNode.name };
    tree.write(path, `${JSON.stringify({ ...manifest, version: newVersion }, null, 2)}\n`);
    return [`✍️  New version ${newVersion} written to ${path} (the image tags read it as {version})`];
  }

  async updateProjectDependencies(): Promise<string[]> {
    return [];
  }
}
