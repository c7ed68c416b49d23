#
# MailHog Dockerfile
#

# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM golang:1.18-alpine AS builder-build

# Install MailHog:
ARG TARGETOS TARGETARCH TARGETVARIANT
ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH
RUN export GOARM="${TARGETVARIANT#v}"; apk --no-cache add --virtual build-dependencies \
    git \
  && mkdir -p /root/gocode \
  && export GOPATH=/root/gocode \
  && go install github.com/mailhog/MailHog@latest
RUN d="/root/gocode/bin/${TARGETOS}_${TARGETARCH}"; if [ -d "$d" ]; then mv "$d"/* "/root/gocode/bin/" && rmdir "$d"; fi

FROM golang:1.18-alpine as builder

# Install MailHog:
COPY --from=builder-build /root/gocode/bin/MailHog /root/gocode/bin/MailHog
RUN apk --no-cache add --virtual build-dependencies \
    git && \
    mkdir -p /root/gocode && \
    export GOPATH=/root/gocode

FROM alpine:3
# Add mailhog user/group with uid/gid 1000.
# This is a workaround for boot2docker issue #581, see
# https://github.com/boot2docker/boot2docker/issues/581
RUN adduser -D -u 1000 mailhog

COPY --from=builder /root/gocode/bin/MailHog /usr/local/bin/

USER mailhog

WORKDIR /home/mailhog

ENTRYPOINT ["MailHog"]

# Expose the SMTP and HTTP ports:
EXPOSE 1025 8025
