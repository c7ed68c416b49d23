FROM golang:1.22-bookworm AS tools
WORKDIR /src
COPY . .
RUN <<EOF
set -e
go install ./cmd/...
EOF
# the binaries are in /go/bin, which is on PATH
CMD ["server"]
