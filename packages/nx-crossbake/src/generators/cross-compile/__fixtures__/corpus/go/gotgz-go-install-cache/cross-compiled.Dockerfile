# syntax=docker/dockerfile:1
# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM golang:1.26.0-alpine AS compiler-build
WORKDIR /app
COPY . .
ARG TARGETOS TARGETARCH TARGETVARIANT
ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build export GOARM="${TARGETVARIANT#v}"; go build -o /go/bin/gotgz ./cmd/gotgz

FROM golang:1.26.0-alpine AS compiler
WORKDIR /app
COPY . .
COPY --from=compiler-build /go/bin/gotgz /go/bin/gotgz

FROM alpine:latest
COPY --from=compiler /go/bin/gotgz /usr/local/bin/
ENTRYPOINT [ "gotgz" ]
