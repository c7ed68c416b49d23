/**
 * Packages known to put a binary for one platform into node_modules. Most of them do it through optional
 * dependencies limited by `os`/`cpu`/`libc` (esbuild's @esbuild/linux-arm64, rollup's
 * @rollup/rollup-linux-x64-gnu), which the lockfile check catches on its own; the rest through an install
 * script. They are named here as well because npm has written lockfiles that miss the other platforms'
 * optional entries altogether (npm/cli#4828): then nothing in the lockfile looks platform-bound, the
 * install on the build machine picks its own binary, and the image fails on every other platform at run time.
 * A match refuses the rewrite, whatever the lockfile says.
 */
const NAMES = new Set([
  'esbuild', // postinstall + @esbuild/<os>-<cpu>
  '@swc/core', // @swc/core-<os>-<cpu>[-gnu|-musl]
  'rollup', // rollup 4 loads @rollup/rollup-<os>-<cpu>[-gnu|-musl] at run time
  'sharp', // libvips, @img/sharp-<os>-<cpu> since 0.33, an install script before
  'lightningcss', // lightningcss-<os>-<cpu>
  'fsevents', // macOS only: refused only when the lockfile does not say so (neverOnLinux)
  'bufferutil', // node-gyp-build prebuilds
  'utf-8-validate',
  'bcrypt', // node-pre-gyp downloads a binary in its install script
  'sqlite3',
  'better-sqlite3',
  'canvas',
  'node-sass', // downloads libsass binding in postinstall
  're2',
  'cpu-features',
  'ssh2', // optional native crypto via cpu-features
  'bun', // @oven/bun-<os>-<cpu>
  'turbo', // turbo-<os>-<cpu>
  'nx', // loads its native binding, @nx/nx-<os>-<cpu>, at run time
  'prisma', // downloads query engines per platform
  '@prisma/engines',
  'playwright', // browsers per platform, downloaded by `playwright install`
  'puppeteer', // downloads Chromium in postinstall
  'electron', // downloads its binary in postinstall
  // Parents that load a binary from an optional package per os/cpu (<parent>-<os>-<cpu>): the children are
  // judged by the os/cpu/libc the lockfile records for them, not by their names (@img/colour is plain JS).
  '@tailwindcss/oxide',
  '@parcel/watcher',
  '@biomejs/biome',
  '@rspack/core',
  'unrs-resolver',
  'oxc-parser',
  'oxc-resolver',
  'oxc-transform',
]);

/** Why `name` is refused: it is on the list of packages that install a binary for one platform. */
export function isPlatformBinaryPackage(name: string): boolean {
  return NAMES.has(name);
}
