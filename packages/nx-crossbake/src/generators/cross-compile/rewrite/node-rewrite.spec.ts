import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adviseOnEmulation } from '../../../lib/advisor/emulation-advisor';
import { crossCompileDockerfile } from './cross-compile';
import type { PackageRecords } from '../../../lib/npm-registry/package-record';
import { contextOf } from '../../../../test-support/build-context';

const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
const lockFixture = (name: string) => readFileSync(join(__dirname, 'node', '__fixtures__', name), 'utf8');
const lines = (...text: string[]) => `${text.join('\n')}\n`;
const PURE = lockFixture('pure-js.package-lock.json');
const MANIFEST = '{"name":"app","version":"1.0.0","dependencies":{"ms":"2.1.3","debug":"4.3.7"}}';

const rewrite = (
  dockerfile: string,
  files: Record<string, string> = { 'package.json': MANIFEST, 'package-lock.json': PURE },
  outside?: string[],
) => crossCompileDockerfile(dockerfile, { platforms: PLATFORMS, context: contextOf(files, outside) });

const APP = lines('FROM node:20', 'WORKDIR /app', 'COPY package*.json ./', 'RUN npm ci', 'COPY . .', 'CMD ["node", "index.js"]');

describe('crossCompileDockerfile: Node installs', () => {
  it('moves npm ci to a $BUILDPLATFORM twin and copies node_modules back', () => {
    const result = rewrite(APP);
    expect(result.dockerfile).toBe(
      lines(
        '# nx-crossbake:cross-compile: the install runs on the build machine; the lockfile proves node_modules the same on every platform (node_modules/nx-crossbake/docs/cross-compile.md)',
        'FROM --platform=$BUILDPLATFORM node:20 AS build',
        'WORKDIR /app',
        'COPY package*.json ./',
        'RUN npm ci',
        '',
        'FROM node:20',
        'WORKDIR /app',
        'COPY package*.json ./',
        'COPY --from=build /app/node_modules /app/node_modules',
        'COPY . .',
        'CMD ["node", "index.js"]',
      ),
    );
    expect(result.rewritten).toEqual([{ line: 4, stage: '0', tool: 'npm ci', buildStage: 'build', notes: [] }]);
    expect(result.skipped).toEqual([]);
  });

  it("reads the lockfile a RUN bind-mounts from the context, as `docker init`'s Node template does", () => {
    const input = lines(
      'FROM node:20-alpine',
      'WORKDIR /usr/src/app',
      'RUN --mount=type=bind,source=package.json,target=package.json \\',
      '    --mount=type=bind,source=package-lock.json,target=package-lock.json \\',
      '    --mount=type=cache,target=/root/.npm \\',
      '    npm ci --omit=dev',
      'COPY . .',
      'CMD ["node", "index.js"]',
    );
    const result = rewrite(input);
    expect(result.skipped).toEqual([]);
    expect(result.dockerfile).toContain(
      'WORKDIR /usr/src/app\nCOPY --from=build /usr/src/app/node_modules /usr/src/app/node_modules\nCOPY . .\n',
    );
    // `npm install` may rewrite a lockfile, but a mounted one is not in the image: only node_modules comes back.
    const installed = rewrite(input.replace('npm ci', 'npm install'));
    expect(installed.rewritten).toHaveLength(1);
    expect(installed.dockerfile).not.toContain('package-lock.json /usr/src/app/package-lock.json');
    expect(
      rewrite(input, { 'package.json': MANIFEST, 'package-lock.json': lockFixture('esbuild.package-lock.json') }).skipped[0].reason,
    ).toMatch(/esbuild/);
  });

  it('leaves no install on the target platform, and a second run changes nothing', () => {
    const once = rewrite(APP).dockerfile;
    expect(adviseOnEmulation(once, PLATFORMS)).toEqual([]);
    expect(rewrite(once)).toEqual({ dockerfile: once, rewritten: [], skipped: [], kept: [] });
  });

  it('copies the lockfile back after an install that may rewrite it, with the owner USER gives', () => {
    const out = rewrite(
      lines(
        'FROM node:20',
        'WORKDIR /home/node/app',
        'COPY package.json package-lock.json ./',
        'USER node',
        'RUN npm install --omit=dev',
        'CMD ["node", "."]',
      ),
    ).dockerfile;
    expect(out).toContain(
      'USER node\nCOPY --from=build --chown=node /home/node/app/node_modules /home/node/app/node_modules\nCOPY --from=build --chown=node /home/node/app/package-lock.json /home/node/app/package-lock.json\nCMD',
    );
  });

  it('moves pnpm install of a 6.0 lockfile, follows cd, keeps cache mounts in the build stage', () => {
    const files = { 'web/package.json': MANIFEST, 'web/pnpm-lock.yaml': lockFixture('pure-js.pnpm-lock.yaml') };
    const out = rewrite(
      lines(
        'FROM node:20 AS web',
        'COPY web /src/web',
        'RUN --mount=type=cache,target=/root/.pnpm-store cd /src/web && pnpm install --frozen-lockfile',
        'RUN cd /src/web && pnpm run build',
      ),
      files,
    ).dockerfile;
    expect(out).toContain(
      'FROM --platform=$BUILDPLATFORM node:20 AS web-build\nCOPY web /src/web\nRUN --mount=type=cache,target=/root/.pnpm-store cd /src/web && pnpm install --frozen-lockfile\n',
    );
    expect(out).toContain(
      'COPY --from=web-build /src/web/node_modules /src/web/node_modules\nCOPY --from=web-build /src/web/pnpm-lock.yaml /src/web/pnpm-lock.yaml\nRUN cd /src/web && pnpm run build\n',
    );
  });

  it('moves an install next to commands that leave nothing', () => {
    expect(rewrite(APP.replace('RUN npm ci', 'RUN set -e && echo installing && npm ci')).rewritten).toHaveLength(1);
  });

  it('moves an install whose output goes to /dev/null', () => {
    expect(rewrite(APP.replace('RUN npm ci', 'RUN npm ci --no-audit > /dev/null 2>&1')).rewritten).toHaveLength(1);
  });

  describe('refuses, and leaves the Dockerfile as it was', () => {
    const install = (run = 'RUN npm ci', copy = 'COPY package*.json ./') =>
      lines('FROM node:20', 'WORKDIR /app', copy, run, 'CMD ["node", "."]');
    it.each([
      [
        'an install script (hasInstallScript)',
        install(),
        { 'package.json': MANIFEST, 'package-lock.json': lockFixture('bcrypt.package-lock.json') },
        /node_modules\/bcrypt runs an install script/,
      ],
      [
        'os/cpu-limited packages',
        install(),
        { 'package.json': MANIFEST, 'package-lock.json': lockFixture('esbuild.package-lock.json') },
        /@esbuild\/\* \(3 packages\) are each limited to one platform's os\/cpu/,
      ],
      [
        'package-lock v1',
        install(),
        { 'package.json': MANIFEST, 'package-lock.json': lockFixture('v1.package-lock.json') },
        /^apps\/web\/package-lock.json v1 does not record install scripts or os\/cpu limits, and the registry's record of 1 package was not read$/,
      ],
      [
        'yarn v1',
        install('RUN yarn install --frozen-lockfile', 'COPY package.json yarn.lock ./'),
        { 'package.json': MANIFEST, 'yarn.lock': lockFixture('yarn-v1.yarn.lock') },
        /^apps\/web\/yarn.lock v1 does not record install scripts or os\/cpu limits, and the registry's record of 1 package was not read$/,
      ],
      [
        'pnpm-lock 9.0',
        install('RUN pnpm install', 'COPY package.json pnpm-lock.yaml ./'),
        { 'package.json': MANIFEST, 'pnpm-lock.yaml': lockFixture('pnpm9.pnpm-lock.yaml') },
        /^apps\/web\/pnpm-lock.yaml 9.0 does not record install scripts, and the registry's record of 1 package was not read$/,
      ],
      [
        'a missing lockfile',
        install(),
        { 'package.json': MANIFEST },
        /no npm-shrinkwrap.json or package-lock.json reaches \/app from the build context/,
      ],
      [
        'npm install without a lockfile',
        install('RUN npm install'),
        { 'package.json': MANIFEST },
        /`npm install` without a lockfile resolves versions at build time/,
      ],
      [
        'a root postinstall',
        install(),
        { 'package.json': '{"scripts":{"postinstall":"node x.js"}}', 'package-lock.json': PURE },
        /^apps\/web\/package.json: package.json's `postinstall` script runs/,
      ],
      [
        "the project's own build in the RUN",
        install('RUN npm ci && npm run build'),
        { 'package.json': MANIFEST, 'package-lock.json': PURE },
        /also runs `npm run`/,
      ],
      [
        'output sent to a file',
        install('RUN npm ci > /var/log/npm.log'),
        { 'package.json': MANIFEST, 'package-lock.json': PURE },
        /the install writes to `\/var\/log\/npm.log`, which the final stage would not receive/,
      ],
      // The same judgement of the RUN's other commands as for Go (shell-effects.ts): a print is fine, a write is not.
      [
        'another command writing a file',
        install('RUN echo hi > /etc/motd && npm ci'),
        { 'package.json': MANIFEST, 'package-lock.json': PURE },
        /the RUN also writes `\/etc\/motd`, which the final stage would not receive \(it receives node_modules only\)/,
      ],
      [
        'mkdir in the RUN',
        install('RUN mkdir -p /app/cache && npm ci'),
        { 'package.json': MANIFEST, 'package-lock.json': PURE },
        /the RUN also writes `\/app\/cache`/,
      ],
      [
        'an unknown working directory',
        lines('FROM node:20', 'COPY package*.json /app/', 'RUN npm ci'),
        { 'package.json': MANIFEST, 'package-lock.json': PURE },
        /working directory of the install is unknown/,
      ],
    ])('%s', (_, dockerfile, files, reason) => {
      const result = rewrite(dockerfile, files as Record<string, string>);
      expect(result.dockerfile).toBe(dockerfile);
      expect(result.rewritten).toEqual([]);
      expect(result.skipped).toHaveLength(1);
      expect(result.skipped[0].reason).toMatch(reason);
    });

    it('a lockfile outside the build context, named', () => {
      const result = rewrite(install(), { 'package.json': MANIFEST }, ['package-lock.json']);
      expect(result.skipped[0].reason).toBe(
        'the lockfile package-lock.json is outside the build context (apps/web): the image never sees it, so nothing proves node_modules the same on every platform',
      );
    });

    it('without the build context', () => {
      const result = crossCompileDockerfile(APP, { platforms: PLATFORMS });
      expect(result.dockerfile).toBe(APP);
      expect(result.skipped[0].reason).toMatch(/the build context is not known/);
    });
  });

  it('moves a Go compile and an npm install of one stage into one build stage, the Go ENV before the compile only', () => {
    const out = rewrite(
      lines(
        'FROM golang:1.22',
        'WORKDIR /app',
        'COPY package*.json ./',
        'RUN npm ci',
        'COPY . .',
        'RUN go build -o /out/app .',
        'CMD ["/out/app"]',
      ),
    ).dockerfile;
    expect(out).toContain('RUN npm ci\nCOPY . .\nARG TARGETOS TARGETARCH TARGETVARIANT\nENV CGO_ENABLED=0');
    expect(out).toContain('COPY --from=build /app/node_modules /app/node_modules\nCOPY . .\nCOPY --from=build /out/app /out/app\n');
  });
});

describe('crossCompileDockerfile: lockfiles that leave install facts to the registry', () => {
  const PURE_RECORDS: PackageRecords = { get: () => ({ installScript: false }) };
  const withRecords = (dockerfile: string, files: Record<string, string>, records = PURE_RECORDS) =>
    crossCompileDockerfile(dockerfile, { platforms: PLATFORMS, context: contextOf(files), records });
  const YARN_APP = (...copies: string[]) =>
    lines('FROM node:20', 'WORKDIR /app', ...copies, 'RUN yarn --frozen-lockfile', 'COPY . .', 'CMD ["node", "index.js"]');
  const BERRY = lines(
    '__metadata:',
    '  version: 6',
    '',
    '"ms@npm:2.1.3":',
    '  version: 2.1.3',
    '  resolution: "ms@npm:2.1.3"',
    '  linkType: hard',
  );

  it('moves a yarn v1 install the records prove, and copies node_modules and yarn.lock back', () => {
    const out = withRecords(YARN_APP('COPY package.json yarn.lock ./'), {
      'package.json': MANIFEST,
      'yarn.lock': lockFixture('yarn-v1.yarn.lock'),
    });
    expect(out.skipped).toEqual([]);
    expect(out.dockerfile).toContain(
      lines(
        'FROM node:20',
        'WORKDIR /app',
        'COPY package.json yarn.lock ./',
        'COPY --from=build /app/node_modules /app/node_modules',
        'COPY --from=build /app/yarn.lock /app/yarn.lock',
      ),
    );
  });

  it('refuses the install a record shows running a script, naming the package', () => {
    const out = withRecords(
      YARN_APP('COPY package.json yarn.lock ./'),
      { 'package.json': MANIFEST, 'yarn.lock': lockFixture('yarn-v1.yarn.lock') },
      { get: () => ({ installScript: true }) },
    );
    expect(out.skipped.map((s) => s.reason)).toEqual(['apps/web/yarn.lock v1: ms@2.1.3 runs an install script']);
  });

  it("moves a Berry install only with the node-modules linker: Plug'n'Play writes no node_modules", () => {
    const files = { 'package.json': MANIFEST, 'yarn.lock': BERRY, '.yarnrc.yml': 'nodeLinker: node-modules\n' };
    expect(withRecords(YARN_APP('COPY package.json yarn.lock .yarnrc.yml ./'), files).rewritten).toHaveLength(1);
    const pnp = withRecords(YARN_APP('COPY package.json yarn.lock ./'), files);
    expect(pnp.skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/^Yarn 2\+ installs with Plug'n'Play .* this rewrite moves node_modules only$/),
    ]);
  });
});

describe('crossCompileDockerfile: a front-end stage moves whole', () => {
  const FRONT = (...rest: string[]) =>
    lines('FROM node:20 AS build', 'WORKDIR /app', 'COPY package*.json ./', 'RUN npm ci', 'COPY . .', 'RUN npm run build', ...rest);
  // esbuild binaries in the lockfile: the install alone could not move.
  const files = { 'package.json': MANIFEST, 'package-lock.json': lockFixture('esbuild.package-lock.json') };

  it('when only files leave it, into an image that does not run Node', () => {
    const input = FRONT('FROM nginx:alpine', 'COPY --from=build /app/dist /usr/share/nginx/html');
    const result = rewrite(input, files);
    expect(result.dockerfile).toBe(
      input.replace(
        'FROM node:20 AS build',
        '# nx-crossbake:cross-compile: only files leave this stage, into images that do not run Node or that have node_modules of their own: it builds once, on the build machine (node_modules/nx-crossbake/docs/cross-compile.md)\nFROM --platform=$BUILDPLATFORM node:20 AS build',
      ),
    );
    expect(result.rewritten).toEqual([
      {
        line: 4,
        stage: 'build',
        tool: 'npm ci',
        buildStage: 'build',
        notes: ['the whole stage runs once, on the build machine: only files leave it'],
      },
    ]);
  });

  it.each([
    ['a Node image takes its output', FRONT('FROM node:20-slim', 'COPY --from=build /app/dist /srv', 'CMD ["node", "/srv/server.js"]')],
    [
      'a server started with node takes it',
      FRONT('FROM alpine', 'COPY --from=build /app/.output /srv', 'ENTRYPOINT ["node", "/srv/index.mjs"]'),
    ],
    ['node_modules is copied', FRONT('FROM nginx', 'COPY --from=build /app /usr/share/nginx/html')],
    ['node_modules is copied by name', FRONT('FROM nginx', 'COPY --from=build /app/node_modules/x/dist /srv')],
    [
      'the stage reads the target',
      FRONT('FROM nginx', 'COPY --from=build /app/dist /srv').replace('WORKDIR /app', 'ARG TARGETARCH\nWORKDIR /app'),
    ],
    [
      'a later stage built FROM it is an image of its own',
      FRONT('FROM build AS test', 'RUN npm test', 'FROM nginx', 'COPY --from=build /app/dist /srv'),
    ],
    ['a later stage mounts it', FRONT('FROM nginx', 'RUN --mount=from=build,target=/b cp -r /b/app/dist /srv')],
    ['it is the image itself', FRONT()],
  ])('not when %s', (_name, input) => {
    expect(rewrite(input, files).dockerfile).toBe(input);
  });

  it('with the stages built FROM it, when each feeds a later stage, and a Node server installs its own node_modules', () => {
    const input = lines(
      'FROM node:20 AS base',
      'WORKDIR /app',
      'COPY package*.json ./',
      'RUN npm ci',
      'COPY . .',
      'FROM base AS web',
      'RUN npm run build:web',
      'FROM base AS server',
      'RUN npm run build:server',
      'FROM nginx AS site',
      'COPY --from=web /app/dist /usr/share/nginx/html',
      'FROM node:20-slim AS api',
      'WORKDIR /app',
      'COPY package*.json ./',
      'COPY --from=server /app/dist ./dist',
      'RUN npm ci --omit=dev',
      'CMD ["node", "dist/main.js"]',
    );
    const result = rewrite(input, files);
    expect(result.dockerfile).toContain(
      '# nx-crossbake:cross-compile: only files leave this stage, into images that do not run Node or that have node_modules of their own: it builds once, on the build machine (node_modules/nx-crossbake/docs/cross-compile.md)\nFROM --platform=$BUILDPLATFORM node:20 AS base\n',
    );
    // The chain takes base's platform: only its first FROM changes.
    expect(result.dockerfile).toContain('FROM base AS web\n');
    expect(result.rewritten[0]).toMatchObject({
      line: 4,
      notes: ["the whole stage (with 'web', 'server', built FROM it) runs once, on the build machine: only files leave it"],
    });
    // The server's own install is judged as any install: esbuild keeps it per target.
    expect(result.skipped).toEqual([expect.objectContaining({ line: 16, reason: expect.stringMatching(/esbuild/) })]);
    const withoutItsOwn = input.replace('RUN npm ci --omit=dev\n', '');
    expect(rewrite(withoutItsOwn, files).dockerfile).toBe(withoutItsOwn);
  });

  it('into a Node server whose node_modules comes from a stage of its own, but never a traced server build', () => {
    const input = FRONT(
      'FROM node:20 AS deps',
      'WORKDIR /app',
      'COPY package*.json ./',
      'RUN npm ci --omit=dev',
      'FROM node:20-slim',
      'COPY --from=deps /app/node_modules /srv/node_modules',
      'COPY --from=build /app/dist /srv/dist',
      'CMD ["node", "/srv/dist/server.js"]',
    );
    expect(rewrite(input, files).dockerfile).toContain('FROM --platform=$BUILDPLATFORM node:20 AS build\n');
    const standalone = input.replace('COPY --from=build /app/dist /srv/dist', 'COPY --from=build /app/.next/standalone /srv');
    expect(rewrite(standalone, files).dockerfile).not.toContain('FROM --platform=$BUILDPLATFORM node:20 AS build\n');
  });

  it('not into a Node server when the stage runs Prisma, whose generated client carries an engine', () => {
    const input = FRONT(
      'RUN npx prisma generate',
      'FROM node:20-slim',
      'WORKDIR /srv',
      'COPY package*.json ./',
      'RUN npm ci --omit=dev',
      'COPY --from=build /app/generated ./generated',
      'CMD ["node", "server.js"]',
    );
    expect(rewrite(input, files).dockerfile).not.toContain('FROM --platform=$BUILDPLATFORM node:20 AS build');
  });

  it("finds where an install without WORKDIR puts node_modules by its RUN's cd", () => {
    const stage = ['FROM node:20 AS build', 'COPY . /web', 'RUN cd /web && npm ci && npm run build', 'FROM nginx'];
    const files = rewrite(lines(...stage, 'COPY --from=build /web/dist /usr/share/nginx/html'));
    expect(files.dockerfile).toContain('FROM --platform=$BUILDPLATFORM node:20 AS build\n');
    // /web holds the build machine's node_modules.
    const all = lines(...stage, 'COPY --from=build /web /usr/share/nginx/html');
    expect(rewrite(all).dockerfile).toBe(all);
  });

  it('replaces a --platform=$TARGETPLATFORM already on its FROM: BuildKit takes one flag', () => {
    const input = FRONT('FROM nginx', 'COPY --from=build /app/dist /srv').replace(
      'FROM node:20 AS build',
      'FROM --platform=$TARGETPLATFORM node:20 AS build',
    );
    const out = rewrite(input, files).dockerfile;
    expect(out).toContain('\nFROM --platform=$BUILDPLATFORM node:20 AS build\n');
    expect(out).not.toContain('TARGETPLATFORM');
  });

  it('not a stage built FROM an earlier one: BuildKit would ignore the flag there', () => {
    const input = lines(
      'FROM node:20 AS base',
      'WORKDIR /app',
      'FROM base AS build',
      'COPY package*.json ./',
      'RUN npm ci',
      'RUN npm run build',
      'FROM nginx',
      'COPY --from=build /app/dist /srv',
    );
    expect(rewrite(input, files).dockerfile).not.toContain('FROM --platform=$BUILDPLATFORM base');
  });

  describe('with its node_modules, into a server, when the lockfile proves what the stage ends with', () => {
    // esbuild for the build only (dev), plain JavaScript for production.
    const devEsbuild = JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { name: 'app' },
        'node_modules/esbuild': { version: '0.24.0', hasInstallScript: true, dev: true },
        'node_modules/ms': { version: '2.1.3' },
      },
    });
    const PRUNED = (prune: string) =>
      lines(
        'FROM node:20 AS build',
        'WORKDIR /app',
        'COPY package*.json ./',
        'RUN npm ci',
        'COPY . .',
        'RUN npm run build',
        prune,
        'FROM gcr.io/distroless/nodejs20',
        'COPY --from=build /app/node_modules /app/node_modules',
        'COPY --from=build /app/dist /app/dist',
        'CMD ["/app/dist/index.js"]',
      );

    it.each(['RUN npm prune --omit=dev', 'RUN npm prune --production'])('after `%s`', (prune) => {
      const result = rewrite(PRUNED(prune), { 'package.json': MANIFEST, 'package-lock.json': devEsbuild });
      expect(result.dockerfile).toContain(
        '# nx-crossbake:cross-compile: files leave this stage, and node_modules its lockfile proves the same on every platform: it builds once, on the build machine (node_modules/nx-crossbake/docs/cross-compile.md)\nFROM --platform=$BUILDPLATFORM node:20 AS build\n',
      );
      expect(result.rewritten[0].notes).toEqual([
        'the whole stage runs once, on the build machine: what leaves it is files, and node_modules the lockfile proves the same on every platform',
      ]);
    });

    it.each([
      ['a dry run', 'RUN npm prune --omit=dev --dry-run'],
      ['a prune that may not run', 'RUN if [ "$NODE_ENV" = production ]; then npm prune --omit=dev; fi'],
      ['a prune whose failure is ignored', 'RUN npm prune --omit=dev || true'],
      ['a prune elsewhere', 'RUN cd /tmp && npm prune --omit=dev'],
      ['a package installed after the prune', 'RUN npm prune --omit=dev\nRUN npm install sharp'],
      ['Prisma generating its client', 'RUN npx prisma generate && npm prune --omit=dev'],
    ])('not after %s', (_name, prune) => {
      const input = PRUNED(prune);
      expect(rewrite(input, { 'package.json': MANIFEST, 'package-lock.json': devEsbuild }).dockerfile).toBe(input);
    });

    it('not with npm 6 (Node 14), which ignores --omit: npm ci --omit=dev there installs esbuild too', () => {
      const input = PRUNED('RUN npm prune --omit=dev').replaceAll('node:20', 'node:14');
      expect(rewrite(input, { 'package.json': MANIFEST, 'package-lock.json': devEsbuild }).dockerfile).toBe(input);
      const install = lines('FROM node:14', 'WORKDIR /app', 'COPY package*.json ./', 'RUN npm ci --omit=dev', 'CMD ["node", "."]');
      expect(rewrite(install, { 'package.json': MANIFEST, 'package-lock.json': devEsbuild }).skipped[0].reason).toMatch(/esbuild/);
      expect(rewrite(install.replace('node:14', 'node:20'), { 'package.json': MANIFEST, 'package-lock.json': devEsbuild }).skipped).toEqual(
        [],
      );
    });

    it('not when a traced server build leaves it, pruned or not', () => {
      const input = PRUNED('RUN npm prune --omit=dev').replace(
        'COPY --from=build /app/dist /app/dist',
        'COPY --from=build /app/.next/standalone /app',
      );
      expect(rewrite(input, { 'package.json': MANIFEST, 'package-lock.json': devEsbuild }).dockerfile).toBe(input);
    });

    it('not without the prune: esbuild is still in node_modules', () => {
      const input = PRUNED('RUN true');
      const result = rewrite(input, { 'package.json': MANIFEST, 'package-lock.json': devEsbuild });
      expect(result.dockerfile).toBe(input);
      expect(result.skipped[0].reason).toMatch(/node_modules\/esbuild runs an install script/);
    });

    it('not when production itself needs a per-platform package', () => {
      const prodEsbuild = devEsbuild.replace('"dev":true', '"dev":false');
      const input = PRUNED('RUN npm prune --omit=dev');
      const result = rewrite(input, { 'package.json': MANIFEST, 'package-lock.json': prodEsbuild });
      expect(prodEsbuild).not.toBe(devEsbuild);
      expect(result.dockerfile).toBe(input);
      expect(result.skipped[0].reason).toMatch(/node_modules\/esbuild runs an install script/);
    });
  });
});

describe('crossCompileDockerfile: every problem of an install at once', () => {
  it("names the RUN's own problems and the lockfile's together", () => {
    const lock = JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/bcrypt': { version: '5.1.1', hasInstallScript: true } } });
    const result = rewrite(
      lines('FROM node:20', 'WORKDIR /app', 'COPY package*.json ./', 'RUN npm ci && npm uninstall bcrypt', 'CMD ["node", "."]'),
      {
        'package.json': MANIFEST,
        'package-lock.json': lock,
      },
    );
    expect(result.skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(
        /^the RUN also runs `npm uninstall`.*; and apps\/web\/package-lock.json v3: node_modules\/bcrypt runs an install script$/,
      ),
    ]);
  });

  it('gathers workspace links into one problem, after the per-platform ones', () => {
    const lock = JSON.stringify({
      lockfileVersion: 3,
      packages: {
        'packages/a': { name: 'a' },
        'packages/b': { name: 'b' },
        'node_modules/a': { resolved: 'packages/a', link: true },
        'node_modules/b': { resolved: 'packages/b', link: true },
        'node_modules/esbuild': { version: '0.24.0', hasInstallScript: true },
      },
    });
    const result = rewrite(APP, { 'package.json': MANIFEST, 'package-lock.json': lock });
    expect(result.skipped[0].reason).toBe(
      'apps/web/package-lock.json v3: node_modules/esbuild runs an install script; links 4 folders (packages/a, packages/b, node_modules/a, …) (a workspace or `file:` folder): their own node_modules and build output live outside node_modules',
    );
  });
});
