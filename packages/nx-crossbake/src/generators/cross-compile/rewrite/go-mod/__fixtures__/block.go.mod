module example.com/events

go 1.19

require golang.org/x/text v0.14.0

require (
	github.com/confluentinc/confluent-kafka-go/v2 v2.3.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
)
