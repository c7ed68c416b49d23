FROM --platform=${BUILDPLATFORM} node:20-alpine AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --os=linux --cpu=arm64

FROM deps AS build
COPY . .
RUN npm ci && npm run build

FROM node:20-alpine
WORKDIR /app
RUN npm ci --ignore-scripts --omit=dev
COPY --from=build /app/dist ./dist
COPY --from=deps /app/node_modules ./node_modules
CMD ["node", "dist/main.js"]
