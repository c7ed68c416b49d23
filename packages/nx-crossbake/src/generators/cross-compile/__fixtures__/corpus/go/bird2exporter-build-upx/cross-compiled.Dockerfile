# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM golang:1.17-alpine AS builder-build
LABEL maintainer="imlonghao <dockerfile@esd.cc>"
WORKDIR /builder
COPY . /builder
ARG TARGETOS TARGETARCH TARGETVARIANT
ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH
RUN export GOARM="${TARGETVARIANT#v}"; apk add upx && \
    go build -ldflags="-s -w" -o /app

FROM golang:1.17-alpine AS builder
LABEL maintainer="imlonghao <dockerfile@esd.cc>"
WORKDIR /builder
COPY . /builder
COPY --from=builder-build /app /app
RUN apk add upx && \
    upx --lzma --best /app

FROM alpine:latest
COPY --from=builder /app /
CMD ["/app"]