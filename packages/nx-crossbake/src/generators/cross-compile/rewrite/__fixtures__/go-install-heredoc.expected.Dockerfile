# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM golang:1.22-bookworm AS tools-build
WORKDIR /src
COPY . .
ARG TARGETOS TARGETARCH TARGETVARIANT
ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH
RUN <<EOF
export GOARM="${TARGETVARIANT#v}"
set -e
go build -o /go/bin/ ./cmd/...
EOF

FROM golang:1.22-bookworm AS tools
WORKDIR /src
COPY . .
COPY --from=tools-build /go/bin/ /go/bin/
# the binaries are in /go/bin, which is on PATH
CMD ["server"]
