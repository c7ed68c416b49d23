# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM golang:alpine AS build-build

RUN apk update && apk add make gcc musl-dev

RUN mkdir -p /go/src/github.com/nsqio/nsq
COPY    .    /go/src/github.com/nsqio/nsq
WORKDIR      /go/src/github.com/nsqio/nsq

ARG TARGETOS TARGETARCH TARGETVARIANT
ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH
RUN export GOARM="${TARGETVARIANT#v}"; CGO_ENABLED=0 make BLDDIR=/tmp/nsq PREFIX=/opt/nsq BLDFLAGS='-ldflags="-s -w"' install

FROM golang:alpine AS build

RUN apk update && apk add make gcc musl-dev

RUN mkdir -p /go/src/github.com/nsqio/nsq
COPY    .    /go/src/github.com/nsqio/nsq
WORKDIR      /go/src/github.com/nsqio/nsq

COPY --from=build-build /tmp/nsq/nsqd /tmp/nsq/nsqd
COPY --from=build-build /tmp/nsq/nsqlookupd /tmp/nsq/nsqlookupd
COPY --from=build-build /tmp/nsq/nsqadmin /tmp/nsq/nsqadmin
COPY --from=build-build /tmp/nsq/nsq_to_nsq /tmp/nsq/nsq_to_nsq
COPY --from=build-build /tmp/nsq/nsq_to_file /tmp/nsq/nsq_to_file
COPY --from=build-build /tmp/nsq/nsq_to_http /tmp/nsq/nsq_to_http
COPY --from=build-build /tmp/nsq/nsq_tail /tmp/nsq/nsq_tail
COPY --from=build-build /tmp/nsq/nsq_stat /tmp/nsq/nsq_stat
COPY --from=build-build /tmp/nsq/to_nsq /tmp/nsq/to_nsq
COPY --from=build-build /opt/nsq/bin/ /opt/nsq/bin/

FROM alpine:latest

EXPOSE 4150 4151 4160 4161 4170 4171

RUN mkdir -p /data
WORKDIR      /data

# Optional volumes (explicitly configure with "docker run -v ...")
# /data          - used by nsqd for persistent storage across restarts
# /etc/ssl/certs - for SSL Root CA certificates from host

COPY --from=build /opt/nsq/bin/ /usr/local/bin/
RUN ln -s /usr/local/bin/*nsq* / \
 && ln -s /usr/local/bin/*nsq* /bin/
