# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM golang:1.26.6-alpine3.23 AS builder-build

WORKDIR /app
COPY . /app
ARG TARGETOS TARGETARCH TARGETVARIANT
ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH
RUN export GOARM="${TARGETVARIANT#v}"; CGO_ENABLED=0 go build .

FROM golang:1.26.6-alpine3.23 AS builder

WORKDIR /app
COPY . /app
COPY --from=builder-build /app/glance /app/glance

FROM alpine:3.23
WORKDIR /app
COPY --from=builder /app/glance .

EXPOSE 8080/tcp
ENTRYPOINT ["/app/glance", "--config", "/app/config/glance.yml"]
