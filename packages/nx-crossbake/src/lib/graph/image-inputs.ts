import { nxAbilities, type NxAbilities } from '../core/nx-version';

/**
 * What changes an image, as Nx `inputs`: the project's files (its Dockerfile and build context) and, with `^`,
 * those of every project it depends on, among them the sibling images it is built FROM (our
 * createDependencies). Nx 24's `nx affected -t` selects a task only when a change reaches its inputs, so
 * without the `^` entry an image built FROM a changed base would be left on the old base. Explicit file
 * sets rather than the `default` named input, which workspaces redefine (to leave tests out, say) — where Nx
 * takes them: before Nx 22.6 a `^` entry must name a named input, and `default` is the one every workspace has
 * (Nx defines it when nx.json does not).
 */
export function imageTargetInputs(abilities: Pick<NxAbilities, 'dependencyFileSets'> = nxAbilities()): string[] {
  return ['{projectRoot}/**/*', abilities.dependencyFileSets ? '^{projectRoot}/**/*' : '^default'];
}
