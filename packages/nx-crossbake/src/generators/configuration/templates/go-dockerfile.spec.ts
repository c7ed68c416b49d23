import { parseDockerfileInstructions } from '../../../lib/dockerfile/instructions';
import { parseDockerfileImageRefs } from '../../../lib/dockerfile/image-refs';
import { goDockerfile } from './go-dockerfile';

const text = goDockerfile({ project: 'worker', targetName: 'image' });
const instructions = parseDockerfileInstructions(text).instructions;

describe('goDockerfile', () => {
  it('names the project and the target that builds it', () => {
    expect(text).toContain('nx run worker:image');
  });

  it('compiles on the build platform and assembles the runtime per target platform', () => {
    expect(instructions.filter((i) => i.keyword === 'FROM').map((i) => i.args)).toEqual([
      '--platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS build',
      'gcr.io/distroless/static-debian12:nonroot',
    ]);
  });

  it('cross-compiles a static binary for TARGETOS/TARGETARCH (and the arm variant)', () => {
    const build = instructions
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .find((r) => r.includes('go build'))!;
    expect(build).toContain('CGO_ENABLED=0 GOOS="$TARGETOS" GOARCH="$TARGETARCH" GOARM="${TARGETVARIANT#v}"');
    for (const arg of ['TARGETOS', 'TARGETARCH', 'TARGETVARIANT']) {
      expect(instructions).toContainEqual(expect.objectContaining({ keyword: 'ARG', args: arg }));
    }
  });

  it('is read by the plugin as building from the Go and distroless images', () => {
    expect(parseDockerfileImageRefs(text)).toEqual(['golang:1.25-bookworm', 'gcr.io/distroless/static-debian12:nonroot']);
  });
});
