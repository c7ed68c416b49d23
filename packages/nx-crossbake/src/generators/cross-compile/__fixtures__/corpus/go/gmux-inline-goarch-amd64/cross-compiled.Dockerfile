# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM golang:latest AS BUILD-build
RUN apt-get clean && \
    apt-get update && \
    apt-get install -y binutils upx
WORKDIR builddir
COPY . .
ARG TARGETOS TARGETARCH TARGETVARIANT
ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH
# nx-crossbake:cross-compile: GOARCH=amd64 dropped: the compile follows the target platform
RUN export GOARM="${TARGETVARIANT#v}"; CGO_ENABLED=0 GOOS=linux go build -ldflags="-s -w" -o go-gmux-db-testcontainers

FROM golang:latest as BUILD
RUN apt-get clean && \
    apt-get update && \
    apt-get install -y binutils upx
WORKDIR builddir
COPY . .
COPY --from=BUILD-build /go/builddir/go-gmux-db-testcontainers /go/builddir/go-gmux-db-testcontainers
# RUN upx --best --ultra-brute go-gmux-proper-unit-testing-api

FROM scratch
COPY --from=BUILD ./go/builddir/go-gmux-db-testcontainers .
ENTRYPOINT ["./go-gmux-db-testcontainers"]