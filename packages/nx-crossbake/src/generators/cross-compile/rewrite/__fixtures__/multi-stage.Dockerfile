# syntax=docker/dockerfile:1
ARG GO_VERSION=1.22
FROM alpine:3.20 AS certs
RUN apk add --no-cache ca-certificates

# Build the API.
FROM golang:${GO_VERSION} AS api
ENV GOFLAGS=-mod=mod
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
USER nobody
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -o /out/api ./cmd/api
RUN echo built > /tmp/done
LABEL stage=api

FROM alpine:3.20
COPY --from=0 /etc/ssl/certs /etc/ssl/certs
COPY --from=1 /out/api /usr/local/bin/api
RUN --mount=type=bind,from=1,source=/src/config,target=/config cp /config/app.yaml /etc/app.yaml
USER 65532
ENTRYPOINT ["/usr/local/bin/api"]
