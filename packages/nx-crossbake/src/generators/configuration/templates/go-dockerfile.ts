/**
 * A Go Dockerfile that cross-compiles: the Go toolchain runs on the build machine and writes a static
 * binary for each target (GOOS/GOARCH), so no platform is built under QEMU emulation.
 */
export function goDockerfile(run: { project: string; targetName: string }): string {
  return `# syntax=docker/dockerfile:1
# Image of ${run.project}: \`nx run ${run.project}:${run.targetName}\` builds it for every platform of the target.
#
# The compiler runs on the build machine's own platform ($BUILDPLATFORM) and cross-compiles for each
# target from TARGETOS/TARGETARCH: no QEMU emulation, so every platform builds at native speed.

# Match the go directive of go.mod.
ARG GO_VERSION=1.25

FROM --platform=$BUILDPLATFORM golang:\${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum* ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG TARGETOS
ARG TARGETARCH
ARG TARGETVARIANT
# CGO_ENABLED=0: cgo would need a C cross-compiler per target; a pure-Go static binary needs none and runs
# on a base image without libc. GOARM comes from the variant (linux/arm/v7 gives 7) and is empty elsewhere.
# Builds the main package at the root of the context; for ./cmd/<name>, change the last argument.
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \\
    CGO_ENABLED=0 GOOS="$TARGETOS" GOARCH="$TARGETARCH" GOARM="\${TARGETVARIANT#v}" \\
    go build -trimpath -ldflags="-s -w" -o /out/app .

# Runtime, one per target platform: a static base with CA certificates and a non-root user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
`;
}
