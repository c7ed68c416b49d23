# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM golang:1.12 AS build

WORKDIR /go/src/app
COPY . .

RUN go get -d -v .
ARG TARGETOS TARGETARCH TARGETVARIANT
ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH
RUN export GOARM="${TARGETVARIANT#v}"; go build -o /go/bin/app -v .

FROM golang:1.12

WORKDIR /go/src/app
COPY . .

RUN go get -d -v .
COPY --from=build /go/bin/app /go/bin/app

ENTRYPOINT [ "app" ]