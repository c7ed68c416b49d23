ARG GO_VERSION=1.22
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
COPY . .
RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .

FROM build AS test
RUN go test ./...
RUN go install golang.org/x/vuln/cmd/govulncheck@latest && govulncheck ./...

FROM scratch
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
