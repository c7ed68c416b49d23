# nx-crossbake:cross-compile: the install runs on the build machine; the lockfile proves node_modules the same on every platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM node:24.16.0-alpine AS build

ENV PNPM_HOME="$HOME/.local/share/pnpm"
ENV PNPM_VERSION="10.33.4"
ENV PATH="$PNPM_HOME:$PATH"
RUN wget -qO- https://get.pnpm.io/install.sh | ENV="$HOME/.shrc" SHELL="$(which sh)" sh -

WORKDIR /app
COPY . .
RUN pnpm install --prod

FROM node:24.16.0-alpine

ENV PNPM_HOME="$HOME/.local/share/pnpm"
ENV PNPM_VERSION="10.33.4"
ENV PATH="$PNPM_HOME:$PATH"
RUN wget -qO- https://get.pnpm.io/install.sh | ENV="$HOME/.shrc" SHELL="$(which sh)" sh -

WORKDIR /app
COPY . .
COPY --from=build /app/node_modules /app/node_modules
COPY --from=build /app/pnpm-lock.yaml /app/pnpm-lock.yaml

ENTRYPOINT ["pnpm", "start"]
