# escape=`
FROM golang:1.22 AS build
WORKDIR /src
ENV GOBIN=/opt/bin
RUN go mod download `
    && go install .
CMD ["app"]
