# syntax=docker/dockerfile:1
ARG GO_VERSION=1.22
FROM alpine:3.20 AS certs
RUN apk add --no-cache ca-certificates

# Build the API.
# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS api-build
ENV GOFLAGS=-mod=mod
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
USER nobody
ARG TARGETOS TARGETARCH TARGETVARIANT
ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    export GOARM="${TARGETVARIANT#v}"; go build -trimpath -o /out/api ./cmd/api

FROM golang:${GO_VERSION} AS api
ENV GOFLAGS=-mod=mod
WORKDIR /src
COPY go.mod go.sum ./
COPY . .
USER nobody
COPY --from=api-build --chown=nobody /out/api /out/api
RUN echo built > /tmp/done
LABEL stage=api

FROM alpine:3.20
COPY --from=0 /etc/ssl/certs /etc/ssl/certs
COPY --from=2 /out/api /usr/local/bin/api
RUN --mount=type=bind,from=2,source=/src/config,target=/config cp /config/app.yaml /etc/app.yaml
USER 65532
ENTRYPOINT ["/usr/local/bin/api"]
