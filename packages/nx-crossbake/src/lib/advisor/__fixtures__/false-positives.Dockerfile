FROM alpine:3.20
RUN apk add --no-cache make gcc go cargo
RUN gomake all; remake; cmake-format --check CMakeLists.txt; makeself ./dist app.run
RUN echo "go build"; echo 'npm ci && make'
RUN go mod download && go test ./... && go vet ./... && cargo fetch
RUN npm run build && yarn build && pnpm run lint && dotnet restore
RUN pip download -r requirements.txt -d /wheels
