import { posix } from 'node:path';
import type { WorkspaceFs } from '../dockerfile/context-sources';
import { missingSourcesProblem } from './missing-sources';

/** A workspace of these files (folders implied by their paths). */
function workspace(files: string[]): WorkspaceFs {
  const folders = new Set(
    files.flatMap((f) =>
      f
        .split('/')
        .slice(0, -1)
        .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
    ),
  );
  folders.add('.');
  const entries = [...files, ...folders];
  return {
    exists: (path) => entries.includes(posix.normalize(path)),
    isDirectory: (path) => folders.has(posix.normalize(path)),
    list: (path) => {
      const dir = posix.normalize(path);
      return folders.has(dir) ? entries.filter((e) => e !== dir && posix.dirname(e) === dir).map((e) => posix.basename(e)) : [];
    },
  };
}

// The layout of a NestJS service in an Nx workspace, built from the workspace root as docker-compose files do.
const NEST = workspace([
  'package.json',
  'package-lock.json',
  'nx.json',
  'tsconfig.base.json',
  'apps/api/Dockerfile',
  'apps/api/src/main.ts',
]);
const ROOT_DOCKERFILE = `FROM node:20 AS build
WORKDIR /app
COPY package*.json ./
COPY nx.json tsconfig.base.json ./
COPY apps/api ./apps/api
RUN npm ci && npx nx build api

FROM node:20-slim
COPY --from=build /app/dist/apps/api /app
`;

describe('missingSourcesProblem', () => {
  it('names the sources the project folder lacks, their lines, and the root that has them all, as context and inputs', () => {
    expect(missingSourcesProblem(ROOT_DOCKERFILE, 'apps/api', 'apps/api/Dockerfile', NEST)).toBe(
      "apps/api/Dockerfile copies package*.json (line 3), nx.json (line 4), tsconfig.base.json (line 4), apps/api (line 5) from its build context 'apps/api', which does not have them; " +
        '"." (the workspace root) does: set the target\'s "context": "." (its "file" stays apps/api/Dockerfile), and add what the image reads from there to its "inputs" ' +
        '("{workspaceRoot}/package*.json", "{workspaceRoot}/nx.json", "{workspaceRoot}/tsconfig.base.json", "{workspaceRoot}/apps/api/**/*")',
    );
  });

  it('finds nothing to say when the context has every source', () => {
    expect(missingSourcesProblem(ROOT_DOCKERFILE, '.', 'apps/api/Dockerfile', NEST)).toBeUndefined();
    expect(missingSourcesProblem('FROM x\nCOPY src ./src\nCOPY . .\n', 'apps/api', 'apps/api/Dockerfile', NEST)).toBeUndefined();
  });

  it('reads sources as BuildKit does: a leading / or .. stays in the context, a wildcard matches one folder', () => {
    const dockerfile = 'FROM x\nCOPY /src/main.ts ../src/*.ts /app/\n';
    expect(missingSourcesProblem(dockerfile, 'apps/api', 'apps/api/Dockerfile', NEST)).toBeUndefined();
    expect(missingSourcesProblem('FROM x\nCOPY src/*.ts ./\n', 'apps/api', 'apps/api/Dockerfile', NEST)).toBeUndefined();
    expect(
      missingSourcesProblem(
        'FROM x\nCOPY src/*.js ./\n',
        'apps/api',
        'apps/api/Dockerfile',
        workspace(['apps/api/src/main.ts', 'src/main.js']),
      ),
    ).toContain('copies src/*.js (line 2)');
  });

  it('leaves to BuildKit a source found nowhere above the context (an earlier task may write it)', () => {
    expect(missingSourcesProblem('FROM x\nCOPY dist/apps/api /app\n', 'apps/api', 'apps/api/Dockerfile', NEST)).toBeUndefined();
    expect(missingSourcesProblem('FROM x\nCOPY nx.json dist/ ./\n', 'apps/api', 'apps/api/Dockerfile', NEST)).toContain(
      "copies nx.json (line 2) from its build context 'apps/api', which does not have it;",
    );
  });

  it('says nothing when no one folder above holds every source found above', () => {
    const ws = workspace(['apps/a.json', 'b.json', 'apps/api/Dockerfile']);
    expect(missingSourcesProblem('FROM x\nCOPY a.json b.json ./\n', 'apps/api', 'apps/api/Dockerfile', ws)).toBeUndefined();
  });

  it('names the nearest folder that holds them', () => {
    const ws = workspace(['apps/shared.json', 'apps/api/Dockerfile', 'shared.json']);
    expect(missingSourcesProblem('FROM x\nCOPY shared.json /\n', 'apps/api', 'apps/api/Dockerfile', ws)).toContain(
      `'apps/api', which does not have it; "apps" does: set the target's "context": "apps"`,
    );
  });

  it('does not judge --from, remote, heredoc or templated sources', () => {
    const dockerfile = [
      'FROM x',
      'COPY --from=build /app/nx.json /',
      'ADD https://example.com/nx.json /',
      'ADD git@github.com:acme/tools.git /tools',
      'COPY <<EOF /nx.json',
      '{}',
      'EOF',
      'ARG LOCK=package-lock.json',
      'COPY $LOCK ./',
      'COPY */package.json ./',
    ].join('\n');
    expect(missingSourcesProblem(dockerfile, 'apps/api', 'apps/api/Dockerfile', NEST)).toBeUndefined();
  });

  it('judges only the stages BuildKit builds for the target: the last stage and what it is built from', () => {
    const dockerfile = [
      'FROM node:20 AS dev',
      'COPY nx.json ./',
      'FROM node:20 AS deps',
      'COPY package.json ./',
      'FROM node:20 AS prod',
      'RUN --mount=type=bind,from=deps,target=/deps true',
      'COPY src ./src',
    ].join('\n');
    expect(missingSourcesProblem(dockerfile, 'apps/api', 'apps/api/Dockerfile', NEST)).toContain('copies package.json (line 4) from');
    expect(missingSourcesProblem(dockerfile, 'apps/api', 'apps/api/Dockerfile', NEST, 'dev')).toContain('copies nx.json (line 2) from');
    expect(missingSourcesProblem(dockerfile.replace('from=deps', 'from=$DEPS'), 'apps/api', 'apps/api/Dockerfile', NEST)).toBeUndefined();
    expect(missingSourcesProblem(dockerfile.replace(',from=deps', ''), 'apps/api', 'apps/api/Dockerfile', NEST)).toBeUndefined();
  });
});
