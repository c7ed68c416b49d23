FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends build-essential cmake make
WORKDIR /src
COPY . .
RUN ./configure --prefix=/usr/local && make -j"$(nproc)" && make install
RUN gcc -O2 -o /usr/local/bin/probe tools/probe.c; cmake --build build

FROM debian:bookworm-slim
COPY --from=build /usr/local /usr/local
