# nx-crossbake:cross-compile: only files leave this stage, into images that do not run Node or that have node_modules of their own: it builds once, on the build machine (node_modules/nx-crossbake/docs/cross-compile.md)
FROM --platform=$BUILDPLATFORM node:22 AS builder

WORKDIR /app

COPY ./ /app

ENV NODE_OPTIONS=--openssl-legacy-provider

ARG VITE_SITE_ID
# only set the environment variable if the build arg was provided
ENV VITE_SITE_ID=${VITE_SITE_ID:-}

RUN npm ci
RUN echo "$(date)" && \
    export $(cat /app/*.env | xargs) && \
    npm run build

FROM nginx:alpine-slim

COPY --from=builder /app/dist /usr/share/nginx/html

RUN echo 'server { \
    listen 80; \
    location / { \
        root /usr/share/nginx/html; \
        try_files $uri $uri/ /index.html; \
        add_header Cache-Control "public,max-age=0,must-revalidate"; \
    } \
}' > /etc/nginx/conf.d/default.conf
