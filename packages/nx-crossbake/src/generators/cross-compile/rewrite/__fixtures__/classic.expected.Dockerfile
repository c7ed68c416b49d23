# nx-crossbake:cross-compile: the compile runs on the build machine and cross-compiles for each target platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM golang:latest AS build
WORKDIR /app
COPY main.go .
ARG TARGETOS TARGETARCH TARGETVARIANT
ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH
RUN export GOARM="${TARGETVARIANT#v}"; go build -o main .

FROM golang:latest
WORKDIR /app
COPY main.go .
COPY --from=build /app/main /app/main
CMD ["./main"]
