# build stage
# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM golang:alpine AS build-build
RUN apk update && apk add git
ADD . /src
WORKDIR /src
ENV CGO_ENABLED=0
ARG TARGETOS TARGETARCH TARGETVARIANT
ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH
RUN export GOARM="${TARGETVARIANT#v}"; go build \
    -ldflags "-X github.com/jpillora/chisel/share.BuildVersion=$(git describe --abbrev=0 --tags)" \
    -o /tmp/bin

FROM golang:alpine AS build
RUN apk update && apk add git
ADD . /src
WORKDIR /src
ENV CGO_ENABLED=0
COPY --from=build-build /tmp/bin /tmp/bin
# run stage
FROM scratch
LABEL maintainer="dev@jpillora.com"
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
WORKDIR /app
COPY --from=build /tmp/bin /app/bin
ENTRYPOINT ["/app/bin"]