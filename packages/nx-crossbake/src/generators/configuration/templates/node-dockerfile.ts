/**
 * A Node.js Dockerfile that cross-builds: npm runs on the build machine and installs the target's
 * prebuilt binaries (--os/--cpu) instead of running under QEMU for every platform. The stage that
 * checks for install scripts exists because a skipped native build fails only at runtime on the target.
 */
export function nodeDockerfile(run: { project: string; targetName: string }): string {
  return `# syntax=docker/dockerfile:1
# Image of ${run.project}: \`nx run ${run.project}:${run.targetName}\` builds it for every platform of the target.
#
# Every npm step runs on the build machine's own platform ($BUILDPLATFORM), never under QEMU emulation,
# which is many times slower. Only the last stage is made per target platform, and it runs nothing.
#
# The build context (the project folder by default) needs package.json and package-lock.json. With one
# lockfile at the workspace root, build with Nx first (generatePackageJson) and point the target's
# \`context\` at the output, or set \`context\` to "." and adjust the COPY paths below.

ARG NODE_VERSION=22

# 1. Build, with every dependency installed for the build machine (bundlers and compilers included).
FROM --platform=$BUILDPLATFORM node:\${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY . .
# This node_modules is for the build machine: removed so none of it reaches the image.
RUN npm run build --if-present && rm -rf node_modules

# 2. Production dependencies for the TARGET platform, still installed natively on the build machine.
FROM --platform=$BUILDPLATFORM node:\${NODE_VERSION}-bookworm-slim AS prod-deps
ARG TARGETOS
ARG TARGETARCH
# Packages known to work without their install script, comma separated (set with the target's build-args).
ARG INSTALL_SCRIPTS_OK=""
WORKDIR /app
COPY package.json package-lock.json ./
# Native modules: npm picks a package's prebuilt binaries (optional dependencies such as
# @esbuild/linux-arm64 or @img/sharp-linux-arm64) for the platform npm runs on; --os and --cpu (npm >= 10.1)
# make it pick the target's. --cpu takes Node's names (x64, ia32, ppc64), not Docker's (amd64, 386, ppc64le).
# Both images are Debian (glibc); on Alpine add --libc=musl. Install scripts are skipped: one that compiles
# an addon with node-gyp or downloads a binary would do it for the build machine, and the image would fail
# on the target with "Exec format error" or "invalid ELF header".
RUN --mount=type=cache,target=/root/.npm \\
    case "$TARGETARCH" in amd64) cpu=x64 ;; 386) cpu=ia32 ;; ppc64le) cpu=ppc64 ;; *) cpu="$TARGETARCH" ;; esac; \\
    npm ci --omit=dev --ignore-scripts --os="$TARGETOS" --cpu="$cpu"
# So only pure-JS packages and prebuilt target binaries go on. A package whose install script was skipped
# stops the build here instead of shipping a broken image. Then: list it in INSTALL_SCRIPTS_OK if it ships
# prebuilt binaries for every platform; use a pure-JS alternative; or install production dependencies in a
# stage WITHOUT --platform=$BUILDPLATFORM (it runs under QEMU per platform: slower, but compiled right).
RUN node <<'CHECK'
const { existsSync } = require('node:fs');
const ok = (process.env.INSTALL_SCRIPTS_OK || '').split(',').map((name) => name.trim());
const lock = require('./package-lock.json');
const skipped = Object.entries(lock.packages || {})
  .filter(([path, entry]) => path !== '' && entry.hasInstallScript && existsSync(path))
  .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
  .filter((name) => !ok.includes(name));
if (skipped.length > 0) {
  console.error('Install scripts were skipped for ' + process.env.TARGETOS + '/' + process.env.TARGETARCH + ': ' + skipped.join(', '));
  process.exit(1);
}
CHECK

# 3. Runtime, one per target platform: it only copies files, so nothing runs under emulation.
FROM node:\${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app ./
COPY --from=prod-deps /app/node_modules ./node_modules
USER node
# \`node .\` starts the "main" of package.json; name the built entry instead if it differs (e.g. dist/main.js).
CMD ["node", "."]
`;
}
