# nx-crossbake:cross-compile: the install runs on the build machine; the lockfile proves node_modules the same on every platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM node:alpine AS build
WORKDIR /app
COPY package.json .
COPY yarn.lock .
RUN yarn --frozen-lockfile

FROM node:alpine
WORKDIR /app
COPY package.json .
COPY yarn.lock .
COPY --from=build /app/node_modules /app/node_modules
COPY --from=build /app/yarn.lock /app/yarn.lock
COPY . .
RUN yarn build