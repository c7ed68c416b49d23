# syntax=docker/dockerfile:1
FROM debian:bookworm AS build
RUN apt-get update \
 && apt-get install -y \
      golang \
      make \
# the toolchain above is all we need
 && echo "go build and make are only words here"
RUN <<EOF
set -eu
cd /src
go build -o /out/tool ./cmd/tool
make docs
EOF
RUN python3 <<EOF
import subprocess
subprocess.run(["make", "all"])
EOF
RUN cat <<EOF > /etc/motd
run cargo build yourself
EOF
RUN --mount=type=cache,target=/root/.cache \
    bash -e <<'SCRIPT'
  npm ci \
    --no-audit
SCRIPT

FROM debian:bookworm-slim
COPY --from=build /out/tool /usr/local/bin/tool
