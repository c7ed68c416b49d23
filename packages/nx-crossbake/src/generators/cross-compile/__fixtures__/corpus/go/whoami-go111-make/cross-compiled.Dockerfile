# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM golang:1.11 AS builder-build
WORKDIR /go/whoami
COPY . .
ARG TARGETOS TARGETARCH TARGETVARIANT
ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH
RUN export GOARM="${TARGETVARIANT#v}"; make build

FROM golang:1.11 as builder
WORKDIR /go/whoami
COPY . .
COPY --from=builder-build /go/whoami/whoami /go/whoami/whoami

# Create a minimal container to run a Golang static binary
FROM scratch
COPY --from=builder /go/whoami/whoami .
ENTRYPOINT ["/whoami"]
EXPOSE 80
