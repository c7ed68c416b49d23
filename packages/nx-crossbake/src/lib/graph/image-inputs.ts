/**
 * What changes an image, as Nx `inputs`: the project's files (its Dockerfile and build context) and, with `^`,
 * those of every project it depends on, among them the sibling images it is built FROM (our
 * createDependencies). Nx 24's `nx affected -t` selects a task only when a change reaches its inputs, so
 * without the `^` entry an image built FROM a changed base would be left on the old base. Explicit file
 * sets rather than the `default` named input, which workspaces redefine (to leave tests out, say).
 */
export const IMAGE_INPUTS: readonly string[] = ['{projectRoot}/**/*', '^{projectRoot}/**/*'];
