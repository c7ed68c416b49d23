import { crossCompileDockerfile } from './cross-compile';
import { contextOf } from '../../../../test-support/build-context';

const PLATFORMS = ['linux/amd64', 'linux/arm64'];
const lines = (...text: string[]) => `${text.join('\n')}\n`;
const DOC = 'node_modules/nx-crossbake/docs/cross-compile.md';
const BUILD_MARK = `# nx-crossbake:cross-compile: the install and the nx build run once, on the build machine; only the build's output leaves this stage (${DOC})`;
const DEPS_MARK = `# nx-crossbake:cross-compile: the production dependencies, installed for each target platform, for the stages that copy node_modules (${DOC})`;
// What the deps stage reads of the context: a package.json without lifecycle scripts, and the lockfile.
const MANIFEST = '{"name":"shop","dependencies":{"ms":"2.1.3"}}';
const NPM_FILES = { 'package.json': MANIFEST, 'package-lock.json': '{"lockfileVersion":3}' };
const rewrite = (dockerfile: string, files: Record<string, string> = NPM_FILES) =>
  crossCompileDockerfile(dockerfile, { platforms: PLATFORMS, context: contextOf(files) });

// The layout Nx's Node docs and docker-compose files write: everything installed and built at the root.
const BUILD = [
  'FROM node:20 AS build',
  'WORKDIR /app',
  'COPY package.json package-lock.json ./',
  'RUN npm ci',
  'COPY . .',
  'RUN npx nx build api',
];
const RUNTIME = (...copies: string[]) => ['', 'FROM node:20-slim', 'WORKDIR /app', ...copies, 'CMD ["node", "main.js"]'];
const reasonOf = (dockerfile: string, files?: Record<string, string>) => {
  const result = rewrite(dockerfile, files);
  expect(result.dockerfile).toBe(dockerfile);
  return result.skipped.find((s) => s.tool === 'nx build')?.reason;
};

describe('the nx build split', () => {
  it('moves a build stage whose output alone leaves it: one --platform, nothing else changes', () => {
    const input = lines(...BUILD, ...RUNTIME('COPY --from=build /app/dist/apps/api ./'));
    const result = rewrite(input);
    expect(result.dockerfile).toBe(
      input.replace('FROM node:20 AS build', `${BUILD_MARK}\nFROM --platform=$BUILDPLATFORM node:20 AS build`),
    );
    expect(result.rewritten.map((r) => [r.line, r.tool, r.buildStage])).toEqual([
      [4, 'npm ci', 'build'],
      [6, 'nx build', 'build'],
    ]);
    expect(result.rewritten[1].notes).toEqual([expect.stringMatching(/^the stage runs once, on the build machine/)]);
    expect(result.skipped).toEqual([]);
  });

  it('gives a stage that copied node_modules a per-target stage of production dependencies, and renumbers later stage indexes', () => {
    const input = lines(
      'FROM node:20 AS build',
      'WORKDIR /app',
      '# the registry token',
      'COPY .npmrc package.json package-lock.json ./',
      'RUN --mount=type=cache,target=/root/.npm npm ci --no-audit && npm cache clean --force',
      'COPY . .',
      'RUN npx nx build api',
      '',
      'FROM node:20-slim',
      'WORKDIR /app',
      'COPY --from=build /app/dist/apps/api ./',
      'COPY --from=build /app/node_modules ./node_modules',
      'CMD ["node", "main.js"]',
      '',
      'FROM busybox AS debug',
      'COPY --from=1 /app /app',
    );
    const result = rewrite(input);
    expect(result.dockerfile).toBe(
      lines(
        BUILD_MARK,
        'FROM --platform=$BUILDPLATFORM node:20 AS build',
        'WORKDIR /app',
        '# the registry token',
        'COPY .npmrc package.json package-lock.json ./',
        'RUN --mount=type=cache,target=/root/.npm npm ci --no-audit && npm cache clean --force',
        'COPY . .',
        'RUN npx nx build api',
        '',
        DEPS_MARK,
        'FROM node:20 AS build-deps',
        'WORKDIR /app',
        '# the registry token',
        'COPY .npmrc package.json package-lock.json ./',
        'RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit && npm cache clean --force',
        '',
        'FROM node:20-slim',
        'WORKDIR /app',
        'COPY --from=build /app/dist/apps/api ./',
        'COPY --from=build-deps /app/node_modules ./node_modules',
        'CMD ["node", "main.js"]',
        '',
        'FROM busybox AS debug',
        'COPY --from=2 /app /app',
      ),
    );
    const nx = result.rewritten.find((r) => r.tool === 'nx build')!;
    expect(nx.notes[1]).toBe(
      "node_modules (line 12) now come from 'build-deps', which installs the production dependencies for each target: the image no longer holds the dev dependencies it copied from 'build'",
    );
  });

  it('says the packages are the same when the stage pruned to production after its build', () => {
    const input = lines(...BUILD, 'RUN npm prune --omit=dev', ...RUNTIME('COPY --from=build /app/node_modules ./node_modules'));
    const nx = rewrite(input).rewritten.find((r) => r.tool === 'nx build')!;
    expect(nx.notes[1]).toMatch(/the same packages the stage kept after its prune, built for the target$/);
  });

  it.each([
    ['pnpm', 'node:20', 'RUN pnpm install --frozen-lockfile', 'RUN pnpm install --prod --frozen-lockfile', 'pnpm-lock.yaml'],
    ['npm 6', 'node:14', 'RUN npm install', 'RUN npm install --production', 'package-lock.json'],
    // npm 7 and later take --production too, as an alias: the flag when the tag does not say which npm.
    ['an npm of an ARG tag', 'node:${NODE}', 'RUN npm ci', 'RUN npm ci --production', 'package-lock.json'],
    ['yarn 1', 'node:20', 'RUN yarn install --frozen-lockfile', 'RUN yarn install --production --frozen-lockfile', 'yarn.lock'],
  ])('writes the production flag of %s', (_, image, install, production, lockfile) => {
    const input = lines(
      'ARG NODE=20',
      `FROM ${image} AS build`,
      'WORKDIR /app',
      'COPY . .',
      install,
      'RUN npx nx build api',
      ...RUNTIME('COPY --from=build /app/node_modules ./node_modules'),
    );
    const files = { 'package.json': MANIFEST, [lockfile]: lockfile === 'yarn.lock' ? '# yarn lockfile v1\n' : '{}' };
    expect(rewrite(input, files).dockerfile).toContain(`FROM ${image} AS build-deps\nWORKDIR /app\nCOPY . .\n${production}\n`);
  });

  const DEPS = (...build: string[]) => lines(...build, ...RUNTIME('COPY --from=build /app/node_modules ./node_modules'));
  it.each([
    [
      'the image is the build stage',
      lines(...BUILD, 'CMD ["node", "dist/apps/api/main.js"]'),
      /^no later stage copies from it: .*split it by hand/,
    ],
    [
      'the workdir is copied whole',
      lines(...BUILD, ...RUNTIME('COPY --from=build /app /app')),
      /^line 10 copies \/app, which holds node_modules installed on the build machine/,
    ],
    [
      'part of node_modules is copied',
      lines(...BUILD, ...RUNTIME('COPY --from=build /app/node_modules/.bin ./bin')),
      /^line 10 copies \/app\/node_modules\/\.bin, node_modules installed on the build machine/,
    ],
    [
      'a glob can take node_modules',
      lines(...BUILD, ...RUNTIME('COPY --from=build /app/n* ./')),
      /^line 10 copies \/app\/n\*, which holds node_modules/,
    ],
    [
      'node_modules with other paths',
      lines(...BUILD, ...RUNTIME('COPY --from=build /app/dist /app/node_modules ./')),
      /^line 10 copies node_modules with other paths/,
    ],
    [
      'Prisma',
      lines(...BUILD.slice(0, 4), 'RUN npx prisma generate', ...BUILD.slice(4), ...RUNTIME('COPY --from=build /app/dist ./')),
      /^line 5 runs Prisma/,
    ],
    [
      'a Next standalone server',
      lines(...BUILD, ...RUNTIME('COPY --from=build /app/.next/standalone ./')),
      /a server build that carries node_modules traced/,
    ],
    [
      'the target platform is read',
      lines(...BUILD.slice(0, 2), 'ARG TARGETARCH', ...BUILD.slice(2), ...RUNTIME('COPY --from=build /app/dist ./')),
      /^line 3 reads the target platform/,
    ],
    [
      'node_modules from another stage',
      lines(
        'FROM node:20 AS deps',
        'WORKDIR /app',
        'COPY . .',
        'RUN npm ci',
        'FROM node:20 AS build',
        'WORKDIR /app',
        'COPY --from=deps /app/node_modules ./node_modules',
        'COPY . .',
        'RUN npx nx build api',
        ...RUNTIME('COPY --from=build /app/dist ./'),
      ),
      /^line 7 takes files from another stage or image, built for the target/,
    ],
    [
      'a mount of another stage',
      lines(
        'FROM node:20 AS deps',
        'RUN npm i -g pnpm',
        ...BUILD.slice(0, 5),
        'RUN --mount=type=bind,from=deps,target=/deps npx nx build api',
        ...RUNTIME('COPY --from=build /app/dist ./'),
      ),
      /^line 8 takes files from another stage or image/,
    ],
    [
      'a chain',
      lines(...BUILD, 'FROM build AS test', 'RUN npx nx test api', ...RUNTIME('COPY --from=build /app/dist ./')),
      /^stage 'test' is built FROM it/,
    ],
    [
      'a later stage tests with the node_modules it copies',
      lines(
        ...BUILD,
        'FROM node:20 AS test',
        'WORKDIR /app',
        'COPY --from=build /app/node_modules ./node_modules',
        'COPY . .',
        'RUN npx jest',
        ...RUNTIME('COPY --from=build /app/dist ./'),
      ),
      /^line 11 runs `npx jest` with the node_modules line 9 copies, which would hold production dependencies only/,
    ],
    ['a rebuild after the install', DEPS(...BUILD, 'RUN npm rebuild bcrypt'), /^line 7 changes node_modules after the install/],
    [
      'a RUN in node_modules after the install',
      DEPS(...BUILD, 'RUN cp -r dist/libs/shared node_modules/@org/shared'),
      /^line 7 works in node_modules/,
    ],
    [
      'a COPY into node_modules after the install',
      DEPS(...BUILD, 'COPY libs/shared node_modules/@org/shared'),
      /^line 7 copies into node_modules/,
    ],
    [
      'a package-manager command beside the nx build',
      DEPS(...BUILD.slice(0, 5), 'RUN npx nx build api && npm install left-pad'),
      /^line 6 runs `npm install left-pad` beside the nx build/,
    ],
    [
      'the install and the build in one RUN',
      DEPS(...BUILD.slice(0, 3), 'RUN npm ci && npx nx build api'),
      /^line 4 installs and builds in one RUN/,
    ],
    [
      'a wrapped install',
      DEPS(...BUILD.slice(0, 3), 'RUN nice -n 10 npm ci', ...BUILD.slice(4)),
      /^no install of the workspace in the stage reads as one/,
    ],
    [
      'a flag for dev dependencies',
      DEPS(...BUILD.slice(0, 3), 'RUN npm ci --include=dev', ...BUILD.slice(4)),
      /^line 4 asks for dev dependencies by a flag/,
    ],
    [
      'an install the flag cannot follow',
      DEPS(...BUILD.slice(0, 3), 'RUN npm --no-audit ci', ...BUILD.slice(4)),
      /^line 4: the production flag goes right after `npm ci`, which the RUN does not spell in shell form on one line/,
    ],
    // From the second review.
    [
      'a later install in the build output (generatePackageJson), copied whole',
      lines(...BUILD, 'WORKDIR /app/dist/apps/api', 'RUN npm ci --omit=dev', ...RUNTIME('COPY --from=build /app/dist/apps/api ./')),
      /^line 12 copies \/app\/dist\/apps\/api, which holds node_modules installed on the build machine/,
    ],
    [
      'a system binary',
      lines(...BUILD, 'RUN apt-get install -y tini', ...RUNTIME('COPY --from=build /usr/bin/tini /usr/bin/tini')),
      /^line 11 copies \/usr\/bin\/tini, a file of the image's system/,
    ],
    [
      'a COPY from an image',
      lines(
        ...BUILD.slice(0, 2),
        'COPY --from=ghcr.io/foo/protoc:1 /protoc /usr/bin/',
        ...BUILD.slice(2),
        ...RUNTIME('COPY --from=build /app/dist ./'),
      ),
      /^line 3 takes files from another stage or image/,
    ],
    [
      'a question to the machine',
      lines(...BUILD, 'RUN curl -o dumb-init https://x/dumb-init_$(uname -m)', ...RUNTIME('COPY --from=build /app/dumb-init ./')),
      /^line 7 asks the machine what it is/,
    ],
    [
      'a test stage in exec form',
      lines(...BUILD, '', 'FROM node:20-slim', 'WORKDIR /app', 'COPY --from=build /app/node_modules ./node_modules', 'RUN ["npx", "jest"]'),
      /^line 11 runs `\["npx", "jest"\]` with the node_modules line 10 copies/,
    ],
    [
      'a stage built FROM the runtime that tests',
      lines(
        ...BUILD,
        '',
        'FROM node:20-slim AS runtime',
        'WORKDIR /app',
        'COPY --from=build /app/node_modules ./node_modules',
        'FROM runtime AS test',
        'RUN ./node_modules/.bin/jest',
      ),
      /^line 12 runs `\.\/node_modules\/\.bin\/jest` with the node_modules line 10 copies/,
    ],
    [
      'a global install beside the project install',
      DEPS(...BUILD.slice(0, 3), 'RUN npm install -g nx && npm ci', ...BUILD.slice(4)),
      /^line 4 runs `npm install` or `npm ci` more than once \(a global tool's install beside it\?\)/,
    ],
    [
      'a relative WORKDIR',
      lines('FROM node:20 AS build', 'WORKDIR app', ...BUILD.slice(2), ...RUNTIME('COPY --from=build /app/dist ./')),
      /^line 4 installs where this rewrite cannot tell \(no absolute WORKDIR\)/,
    ],
  ])('refuses when %s, with the reason', (_, input, reason) => {
    expect(reasonOf(input)).toMatch(reason);
  });

  it.each([
    [
      'a lifecycle script',
      '{"scripts":{"prepare":"husky install"}}',
      /^package.json's `prepare` script runs at the production install too, without the dev dependencies it may need \(husky install\)/,
    ],
    ['@prisma/client', '{"dependencies":{"@prisma/client":"5.0.0"}}', /^package.json depends on @prisma\/client/],
    [
      'no lockfile',
      undefined,
      /^no npm-shrinkwrap.json or package-lock.json of the build context reaches line 4: .* \(line 10 copies its node_modules into a stage built per target\)$/,
    ],
    ['a package.json that is not an object', 'null', /^package.json is not a JSON object/],
    ['a Yarn 2+ lockfile', 'yarn', /Yarn 2\+ installs production dependencies with `yarn workspaces focus --production`/],
  ])('refuses the deps stage for %s', (_, manifest, reason) => {
    const yarn = manifest === 'yarn';
    const input = DEPS(...BUILD.slice(0, 3), yarn ? 'RUN yarn install --immutable' : 'RUN npm ci', ...BUILD.slice(4));
    const files: Record<string, string> =
      manifest === undefined
        ? { 'package.json': MANIFEST }
        : yarn
          ? { 'package.json': MANIFEST, 'yarn.lock': '__metadata:\n  version: 8\n' }
          : { ...NPM_FILES, 'package.json': manifest };
    expect(reasonOf(input.replace('package-lock.json', yarn ? 'yarn.lock' : 'package-lock.json'), files)).toMatch(reason);
  });

  it.each([
    ['a glob beside node_modules', 'COPY --from=build /app/package*.json ./'],
    ['the install and the build in one RUN, when node_modules stay behind', 'COPY --from=build /app/dist ./'],
  ])('moves the stage with %s', (_, copy) => {
    const input = lines(...BUILD.slice(0, 3), 'RUN npm ci && npx nx build api', ...RUNTIME(copy));
    expect(rewrite(input).dockerfile).toContain('FROM --platform=$BUILDPLATFORM node:20 AS build');
  });

  it("reads the lockfile and package.json an install bind-mounts, as Docker's Node guide writes it", () => {
    const mounted =
      'RUN --mount=type=bind,source=package.json,target=package.json --mount=type=bind,source=package-lock.json,target=package-lock.json npm ci';
    const input = DEPS('FROM node:20 AS build', 'WORKDIR /app', mounted, 'COPY . .', 'RUN npx nx build api');
    expect(rewrite(input).dockerfile).toContain(
      `FROM node:20 AS build-deps\nWORKDIR /app\n${mounted.replace('npm ci', 'npm ci --omit=dev')}\n`,
    );
  });

  it('moves a stage that installs a global tool before its WORKDIR', () => {
    const input = lines(
      'FROM node:20 AS build',
      'RUN npm install -g pnpm',
      ...BUILD.slice(1),
      ...RUNTIME('COPY --from=build /app/dist ./'),
    );
    expect(rewrite(input).dockerfile).toContain('FROM --platform=$BUILDPLATFORM node:20 AS build');
  });

  it('reads an install through a wrapper as no install, without failing', () => {
    const result = rewrite(lines('FROM node:20', 'WORKDIR /app', 'COPY . .', 'RUN sudo npm ci', 'CMD ["node", "."]'));
    expect(result.skipped.map((s) => s.tool)).toEqual(['npm ci']);
  });

  it('leaves a pinned stage as it is', () => {
    const input = lines(...BUILD, ...RUNTIME('COPY --from=build /app/dist ./')).replace(
      'FROM node:20 AS build',
      'FROM --platform=linux/arm64 node:20 AS build',
    );
    const result = rewrite(input);
    expect(result.dockerfile).toBe(input);
  });
});
