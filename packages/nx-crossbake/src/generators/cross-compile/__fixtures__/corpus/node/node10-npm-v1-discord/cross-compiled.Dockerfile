# nx-crossbake:cross-compile: the install runs on the build machine; the lockfile proves node_modules the same on every platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM node:10 AS build

WORKDIR /app
COPY package*.json ./

RUN npm ci

FROM node:10

WORKDIR /app
COPY package*.json ./

COPY --from=build /app/node_modules /app/node_modules
COPY index.js ./

CMD [ "npm", "start" ]
