FROM rust:1.80 AS build
WORKDIR /app
COPY . .
RUN cargo build --release --locked && cargo install --path . --root /out

FROM debian:bookworm-slim
COPY --from=build /out/bin/app /usr/local/bin/app
CMD ["app"]
