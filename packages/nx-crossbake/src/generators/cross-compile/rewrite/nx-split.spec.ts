import { crossCompileDockerfile } from './cross-compile';
import { contextOf } from '../../../../test-support/build-context';

const PLATFORMS = ['linux/amd64', 'linux/arm64'];
const lines = (...text: string[]) => `${text.join('\n')}\n`;
const DOC = 'node_modules/nx-crossbake/docs/cross-compile.md';
const BUILD_MARK = `# nx-crossbake:cross-compile: the install and the nx build run once, on the build machine; only the build's output leaves this stage (${DOC})`;
const DEPS_MARK = `# nx-crossbake:cross-compile: the production dependencies, installed for each target platform, for the stages that copy node_modules (${DOC})`;
const rewrite = (dockerfile: string, files: Record<string, string> = {}) =>
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
    ['pnpm', 'RUN pnpm install --frozen-lockfile', 'RUN pnpm install --prod --frozen-lockfile', {}],
    ['npm 6', 'RUN npm install', 'RUN npm install --production', {}],
    [
      'yarn 1',
      'RUN yarn install --frozen-lockfile',
      'RUN yarn install --production --frozen-lockfile',
      { 'yarn.lock': '# yarn lockfile v1\n' },
    ],
  ])('writes the production flag of %s', (_, install, production, files) => {
    const image = _ === 'npm 6' ? 'node:14' : 'node:20';
    const input = lines(
      `FROM ${image} AS build`,
      'WORKDIR /app',
      'COPY . .',
      install,
      'RUN npx nx build api',
      ...RUNTIME('COPY --from=build /app/node_modules ./node_modules'),
    );
    expect(rewrite(input, files).dockerfile).toContain(`FROM ${image} AS build-deps\nWORKDIR /app\nCOPY . .\n${production}\n`);
  });

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
      /^line 10 copies \/app\/node_modules\/\.bin, part of node_modules/,
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
      /^line 7 copies node_modules from another stage, built per target/,
    ],
    [
      'a chain',
      lines(...BUILD, 'FROM build AS test', 'RUN npx nx test api', ...RUNTIME('COPY --from=build /app/dist ./')),
      /^stage 'test' is built FROM it/,
    ],
    [
      'a rebuild after the install',
      lines(...BUILD, 'RUN npm rebuild bcrypt', ...RUNTIME('COPY --from=build /app/node_modules ./node_modules')),
      /^line 7 changes node_modules after the install/,
    ],
    [
      'yarn without its lockfile',
      lines(...BUILD.slice(0, 3), 'RUN yarn install', ...BUILD.slice(4), ...RUNTIME('COPY --from=build /app/node_modules ./node_modules')),
      /cannot tell Yarn 1/,
    ],
  ])('refuses when %s, with the reason', (_, input, reason) => {
    expect(reasonOf(input)).toMatch(reason);
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
