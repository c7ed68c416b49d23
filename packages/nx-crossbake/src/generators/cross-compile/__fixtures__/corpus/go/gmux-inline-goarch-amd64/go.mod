module github.com/atkinsonbg/go-gmux-db-testcontainers

go 1.14

require (
	github.com/atkinsonbg/go-gmux-proper-unit-testing v0.0.0-20201207013411-b89b7393705d
	github.com/cenkalti/backoff/v4 v4.0.2
	github.com/docker/go-connections v0.4.0
	github.com/gorilla/mux v1.7.4
	github.com/kelseyhightower/envconfig v1.4.0
	github.com/lib/pq v1.7.0
	github.com/testcontainers/testcontainers-go v0.9.0
)
