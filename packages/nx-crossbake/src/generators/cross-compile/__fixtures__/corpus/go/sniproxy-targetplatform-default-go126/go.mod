module github.com/mosajjal/sniproxy/v2

go 1.26.0

require (
	github.com/deathowl/go-metrics-prometheus v0.0.0-20221009205350-f2a1482ba35b
	github.com/folbricht/routedns v0.1.237
	github.com/golang-collections/collections v0.0.0-20130729185459-604e922904d3
	github.com/google/uuid v1.6.0
	github.com/gorilla/handlers v1.5.2
	github.com/knadh/koanf v1.5.0
	github.com/m13253/dns-over-https/v2 v2.3.10
	github.com/miekg/dns v1.1.73
	github.com/mosajjal/doqd v0.0.0-20250722230636-f2af367ae3f6
	github.com/oschwald/maxminddb-golang v1.13.1
	github.com/pkg/profile v1.7.0
	github.com/prometheus/client_golang v1.24.1
	github.com/rcrowley/go-metrics v0.0.0-20250401214520-65e299d6c5c9
	github.com/rs/zerolog v1.35.1
	github.com/spf13/cobra v1.10.2
	github.com/txthinking/socks5 v0.0.0-20260601051520-339b044ab0eb
	github.com/yl2chen/cidranger v1.0.2
	golang.org/x/net v0.58.0
	inet.af/tcpproxy v0.0.0-20231102063150-2862066fc2a9
)

require (
	github.com/0xERR0R/expiration-cache v0.2.0 // indirect
	github.com/RackSec/srslog v0.0.0-20180709174129-a4725f04ec91 // indirect
	github.com/beorn7/perks v1.0.1 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/cisco/go-hpke v0.0.0-20230407100446-246075f83609 // indirect
	github.com/cisco/go-tls-syntax v0.0.0-20200617162716-46b0cfb76b9b // indirect
	github.com/cloudflare/circl v1.6.5 // indirect
	github.com/cloudflare/odoh-go v1.0.1-0.20230926114050-f39fa019b017 // indirect
	github.com/felixge/fgprof v0.9.5 // indirect
	github.com/felixge/httpsnoop v1.1.0 // indirect
	github.com/fsnotify/fsnotify v1.10.1 // indirect
	github.com/google/pprof v0.0.0-20260802141513-ef3492d7dac3 // indirect
	github.com/hashicorp/golang-lru/v2 v2.0.7 // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/infobloxopen/go-trees v0.0.0-20221216143356-66ceba885ebc // indirect
	github.com/jtacoma/uritemplates v1.0.0 // indirect
	github.com/mattn/go-colorable v0.1.15 // indirect
	github.com/mattn/go-isatty v0.0.24 // indirect
	github.com/mitchellh/copystructure v1.2.0 // indirect
	github.com/mitchellh/mapstructure v1.5.0 // indirect
	github.com/mitchellh/reflectwalk v1.0.2 // indirect
	github.com/munnerz/goautoneg v0.0.0-20191010083416-a7dc8b61c822 // indirect
	github.com/patrickmn/go-cache v2.1.0+incompatible // indirect
	github.com/pion/dtls/v3 v3.1.5 // indirect
	github.com/pion/logging v0.2.4 // indirect
	github.com/pion/transport/v4 v4.1.0 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/prometheus/client_model v0.6.2 // indirect
	github.com/prometheus/common v0.70.1 // indirect
	github.com/prometheus/procfs v0.21.1 // indirect
	github.com/quic-go/qpack v0.6.0 // indirect
	github.com/quic-go/quic-go v0.61.0 // indirect
	github.com/redis/go-redis/v9 v9.22.0 // indirect
	github.com/spf13/pflag v1.0.10 // indirect
	github.com/txthinking/runnergroup v0.0.0-20250224021307-5864ffeb65ae // indirect
	github.com/yuin/gopher-lua v1.1.2 // indirect
	go.uber.org/atomic v1.11.0 // indirect
	golang.org/x/crypto v0.55.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
	golang.org/x/text v0.41.0 // indirect
	golang.org/x/tools v0.49.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
