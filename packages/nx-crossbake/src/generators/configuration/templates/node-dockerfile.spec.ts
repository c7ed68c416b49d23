import { parseDockerfileInstructions } from '../../../lib/dockerfile/instructions';
import { parseDockerfileImageRefs } from '../../../lib/dockerfile/image-refs';
import { nodeDockerfile } from './node-dockerfile';

const text = nodeDockerfile({ project: '@acme/api', targetName: 'docker-multiarch' });
const instructions = parseDockerfileInstructions(text).instructions;
const froms = instructions.filter((i) => i.keyword === 'FROM').map((i) => i.args);
const runs = instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);

describe('nodeDockerfile', () => {
  it('names the project and the target that builds it', () => {
    expect(text).toContain('nx run @acme/api:docker-multiarch');
  });

  it('runs both npm stages on the build platform and only the runtime stage per target platform', () => {
    expect(froms).toEqual([
      '--platform=$BUILDPLATFORM node:${NODE_VERSION}-bookworm-slim AS build',
      '--platform=$BUILDPLATFORM node:${NODE_VERSION}-bookworm-slim AS prod-deps',
      'node:${NODE_VERSION}-bookworm-slim',
    ]);
  });

  it('installs production dependencies for the target with --os/--cpu, mapping Docker arch names to Node ones', () => {
    const install = runs.find((r) => r.includes('--omit=dev'))!;
    expect(install).toMatch(/npm ci --omit=dev --ignore-scripts --os="\$TARGETOS" --cpu="\$cpu"/);
    expect(install).toContain('amd64) cpu=x64');
    expect(install).toContain('386) cpu=ia32');
    expect(install).toContain('ppc64le) cpu=ppc64');
  });

  it('explains native modules and --cpu in a comment', () => {
    expect(text).toMatch(/# Native modules:/);
    expect(text).toMatch(/--cpu takes Node's names/);
  });

  it('copies node_modules only from the target-platform install, never the build one', () => {
    const copies = instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toContain('--from=prod-deps /app/node_modules ./node_modules');
    expect(runs).toContain('npm run build --if-present && rm -rf node_modules');
  });

  it('stops on packages whose install script was skipped, unless listed in INSTALL_SCRIPTS_OK', () => {
    expect(text).toContain("RUN node <<'CHECK'");
    expect(text).toContain('entry.hasInstallScript');
    expect(text).toContain('ARG INSTALL_SCRIPTS_OK=""');
  });

  it('is read by the plugin as building from the node image only', () => {
    expect(parseDockerfileImageRefs(text)).toEqual(['node:22-bookworm-slim']);
  });

  it('leaves no unexpanded template placeholders', () => {
    expect(text).not.toMatch(/undefined|\[object/);
  });
});
