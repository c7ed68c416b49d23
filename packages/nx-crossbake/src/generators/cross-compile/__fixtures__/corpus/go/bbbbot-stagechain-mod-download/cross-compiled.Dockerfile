FROM golang as mod-download
WORKDIR /opt/build
COPY go.mod ./
COPY go.sum ./
RUN go mod download

# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM golang AS mod-download-build
WORKDIR /opt/build
COPY go.mod ./
COPY go.sum ./
RUN go mod download

FROM mod-download-build AS build-build
WORKDIR /opt/build
COPY ./ ./
ARG CGO_ENABLED=0
ARG TARGETOS TARGETARCH TARGETVARIANT
ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH
RUN export GOARM="${TARGETVARIANT#v}"; go build

FROM mod-download AS build
WORKDIR /opt/build
COPY ./ ./
ARG CGO_ENABLED=0
COPY --from=build-build /opt/build/balaboba-bot /opt/build/balaboba-bot

FROM alpine
ARG BIN
WORKDIR /opt/app
COPY --from=build /opt/build/$BIN ./$BIN
