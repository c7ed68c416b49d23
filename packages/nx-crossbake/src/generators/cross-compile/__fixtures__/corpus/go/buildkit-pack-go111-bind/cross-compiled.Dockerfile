# syntax=tonistiigi/dockerfile:runmount20181002

# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM golang:1.11-alpine AS build-build
WORKDIR /go/src/github.com/tonistiigi/buildkit-pack
RUN apk add --no-cache file
ARG TARGETOS TARGETARCH TARGETVARIANT
ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH
RUN --mount=target=. --mount=target=/root/.cache,type=cache \
  export GOARM="${TARGETVARIANT#v}"; CGO_ENABLED=0 go build -o /out/pack ./cmd/pack

FROM golang:1.11-alpine AS build
WORKDIR /go/src/github.com/tonistiigi/buildkit-pack
RUN apk add --no-cache file
COPY --from=build-build /out/pack /out/pack
RUN --mount=target=. --mount=target=/root/.cache,type=cache \
  file /out/pack | grep "statically linked"
  
FROM scratch
COPY --from=build /out/pack /bin/pack
ENTRYPOINT ["/bin/pack"]