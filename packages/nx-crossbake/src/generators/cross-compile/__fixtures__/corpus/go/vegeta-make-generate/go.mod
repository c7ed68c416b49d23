module github.com/tsenart/vegeta/v12

go 1.22

require (
	github.com/alecthomas/jsonschema v0.0.0-20220216202328-9eeeec9d044b
	github.com/bmizerany/perks v0.0.0-20230307044200-03f9df79da1e
	github.com/c2h5oh/datasize v0.0.0-20231215233829-aa82cc1e6500
	github.com/dgryski/go-gk v0.0.0-20200319235926-a69029f61654
	github.com/dgryski/go-lttb v0.0.0-20230207170358-f8fc36cdbff1
	github.com/google/go-cmp v0.6.0
	github.com/influxdata/tdigest v0.0.1
	github.com/mailru/easyjson v0.7.7
	github.com/miekg/dns v1.1.61
	github.com/prometheus/client_golang v1.19.1
	github.com/prometheus/prometheus v0.53.1
	github.com/rs/dnscache v0.0.0-20230804202142-fc85eb664529
	github.com/streadway/quantile v0.0.0-20220407130108-4246515d968d
	github.com/tsenart/go-tsz v0.0.0-20180814235614-0bd30b3df1c3
	golang.org/x/net v0.27.0
	pgregory.net/rapid v1.1.0
)

require (
	github.com/beorn7/perks v1.0.1 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/gogo/protobuf v1.3.2 // indirect
	github.com/golang/protobuf v1.5.4 // indirect
	github.com/grafana/regexp v0.0.0-20240518133315-a468a5bfb3bc // indirect
	github.com/iancoleman/orderedmap v0.3.0 // indirect
	github.com/josharian/intern v1.0.0 // indirect
	github.com/matttproud/golang_protobuf_extensions v1.0.4 // indirect
	github.com/munnerz/goautoneg v0.0.0-20191010083416-a7dc8b61c822 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/prometheus/client_model v0.6.1 // indirect
	github.com/prometheus/common v0.55.0 // indirect
	github.com/prometheus/procfs v0.15.1 // indirect
	golang.org/x/exp v0.0.0-20240119083558-1b970713d09a // indirect
	golang.org/x/mod v0.19.0 // indirect
	golang.org/x/sync v0.7.0 // indirect
	golang.org/x/sys v0.22.0 // indirect
	golang.org/x/text v0.16.0 // indirect
	golang.org/x/tools v0.23.0 // indirect
	google.golang.org/protobuf v1.34.2 // indirect
)
