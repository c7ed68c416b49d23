FROM ubuntu:24.04
RUN if [ -f Makefile ]; then make; fi
RUN (cd /src && CC=clang ./configure) && sudo -E make install
RUN env CGO_ENABLED=1 /usr/local/go/bin/go install ./... 2>&1 | tee /build.log
RUN ["go", "build", "-o", "/app", "."]
RUN ["/bin/sh", "-c", "yarn --frozen-lockfile && cc -o hello hello.c"]
RUN --mount=type=cache,target=/root/.cargo cargo +nightly build --release
