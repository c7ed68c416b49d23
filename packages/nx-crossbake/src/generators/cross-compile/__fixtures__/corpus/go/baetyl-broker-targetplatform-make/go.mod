module github.com/baetyl/baetyl-broker/v2

go 1.13

require (
	github.com/baetyl/baetyl-go/v2 v2.2.4-0.20220114042103-4ba035e5dfb7
	github.com/cockroachdb/pebble v0.0.0-20201130172119-f19faf8529d6
	github.com/docker/distribution v2.7.1+incompatible
	github.com/gogo/protobuf v1.3.1
	github.com/stretchr/testify v1.6.1
	google.golang.org/grpc v1.29.1
	gopkg.in/validator.v2 v2.0.0-20191107172027-c3144fdedc21
)
