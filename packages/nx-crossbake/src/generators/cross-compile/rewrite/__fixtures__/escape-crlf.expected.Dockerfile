# escape=`
# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM golang:1.22 AS build-build
WORKDIR /src
ENV GOBIN=/opt/bin
ARG TARGETOS TARGETARCH TARGETVARIANT
ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH
RUN export GOARM="${TARGETVARIANT#v}"; go mod download `
    && go build -o /opt/bin/ .

FROM golang:1.22 AS build
WORKDIR /src
ENV GOBIN=/opt/bin
COPY --from=build-build /opt/bin/ /opt/bin/
CMD ["app"]
