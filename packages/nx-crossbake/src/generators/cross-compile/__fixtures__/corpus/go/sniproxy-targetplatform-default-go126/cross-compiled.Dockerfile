# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM golang:1.26-alpine AS build
LABEL maintainer="Ali Mosajjal <hi@n0p.me>"

ARG TARGETPLATFORM
ARG BUILDPLATFORM
ARG TARGETOS
ARG TARGETARCH

RUN apk add --no-cache git
RUN mkdir /app
ADD . /app/
WORKDIR /app/cmd/sniproxy
ENV CGO_ENABLED=0
# opt-in Go 1.26 experiments: runtime goroutine leak profile, and the v2
# encoding/json implementation. Both become the default in Go 1.27.
ENV GOEXPERIMENT=goroutineleakprofile,jsonv2
ARG TARGETOS TARGETARCH TARGETVARIANT
ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH
RUN export GOARM="${TARGETVARIANT#v}"; GOOS=${TARGETOS} GOARCH=${TARGETARCH} GOFLAGS=-buildvcs=false go build -ldflags "-s -w -X main.version=$(git describe --tags) -X main.commit=$(git rev-parse HEAD)" -o sniproxy .

FROM --platform=${TARGETPLATFORM:-linux/amd64} golang:1.26-alpine
LABEL maintainer="Ali Mosajjal <hi@n0p.me>"

ARG TARGETPLATFORM
ARG BUILDPLATFORM
ARG TARGETOS
ARG TARGETARCH

RUN apk add --no-cache git
RUN mkdir /app
ADD . /app/
WORKDIR /app/cmd/sniproxy
ENV CGO_ENABLED=0
# opt-in Go 1.26 experiments: runtime goroutine leak profile, and the v2
# encoding/json implementation. Both become the default in Go 1.27.
ENV GOEXPERIMENT=goroutineleakprofile,jsonv2
COPY --from=build /app/cmd/sniproxy/sniproxy /app/cmd/sniproxy/sniproxy
CMD ["/app/cmd/sniproxy/sniproxy"]

FROM scratch
COPY --from=1 /app/cmd/sniproxy/sniproxy /sniproxy
ENTRYPOINT ["/sniproxy"]
