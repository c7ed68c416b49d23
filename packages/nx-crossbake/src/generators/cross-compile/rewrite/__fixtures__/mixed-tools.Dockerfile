FROM node:20 AS web
WORKDIR /web
COPY package*.json ./
RUN npm ci
RUN make assets

FROM golang:1.22 AS api
WORKDIR /src
COPY . .
RUN go build -o /out/api . && strip /out/api

FROM debian:bookworm-slim
COPY --from=web /web/dist /srv
COPY --from=api /out/api /api
