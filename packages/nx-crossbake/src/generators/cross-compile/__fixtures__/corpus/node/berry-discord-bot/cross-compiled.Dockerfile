# nx-crossbake:cross-compile: the install runs on the build machine; the lockfile proves node_modules the same on every platform (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM node:18.16.1-alpine AS build

WORKDIR /usr/src/app

COPY package.json yarn.lock ./
COPY .yarn ./.yarn
COPY .yarnrc.yml ./
COPY .yarnrc ./

RUN yarn install

FROM node:18.16.1-alpine

WORKDIR /usr/src/app

COPY package.json yarn.lock ./
COPY .yarn ./.yarn
COPY .yarnrc.yml ./
COPY .yarnrc ./

COPY --from=build /usr/src/app/node_modules /usr/src/app/node_modules
COPY --from=build /usr/src/app/yarn.lock /usr/src/app/yarn.lock

COPY . .

CMD [ "yarn", "start" ]