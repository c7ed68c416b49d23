# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM golang:1-alpine AS builder-build

RUN apk --no-cache --no-progress add make git

WORKDIR /go/lego

ENV GO111MODULE on

# Download go modules
COPY go.mod .
COPY go.sum .
RUN go mod download

COPY . .
ARG TARGETOS TARGETARCH TARGETVARIANT
ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH
RUN export GOARM="${TARGETVARIANT#v}"; make build

FROM golang:1-alpine as builder

RUN apk --no-cache --no-progress add make git

WORKDIR /go/lego

ENV GO111MODULE on

# Download go modules
COPY go.mod .
COPY go.sum .

COPY . .
COPY --from=builder-build /go/lego/dist/lego /go/lego/dist/lego

FROM alpine:3
RUN apk update \
    && apk add --no-cache ca-certificates tzdata \
    && update-ca-certificates

COPY --from=builder /go/lego/dist/lego /usr/bin/lego

ENTRYPOINT [ "/usr/bin/lego" ]
