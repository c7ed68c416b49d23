# nx-crossbake:cross-compile: only files leave this stage, into images that do not run Node or that have node_modules of their own: it builds once, on the build machine (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM node:16-alpine as builder

WORKDIR /app

COPY package.json .
COPY yarn.lock .

RUN yarn install --frozen-lockfile

COPY . .

ARG DEPLOY_URL
ENV DEPLOY_URL=${DEPLOY_URL}

RUN yarn build

FROM nginx:alpine

COPY --from=builder /app/dist ./usr/share/nginx/html
