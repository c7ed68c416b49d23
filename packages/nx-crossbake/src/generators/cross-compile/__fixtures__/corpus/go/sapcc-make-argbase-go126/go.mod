module github.com/sapcc/swift-http-import

go 1.26

require (
	github.com/ProtonMail/go-crypto v1.4.1
	github.com/cactus/go-statsd-client/v6 v6.0.0
	github.com/gophercloud/gophercloud/v2 v2.14.0
	github.com/gophercloud/utils/v2 v2.0.0-20260820140002-321c0f238d1a
	github.com/klauspost/compress v1.19.2
	github.com/sapcc/go-api-declarations v1.25.0
	github.com/sapcc/go-bits v0.0.0-20260818140528-75bdd20c7867
	github.com/ulikunitz/xz v0.5.16
	go.xyrillian.de/gg v1.14.0
	go.xyrillian.de/schwift/v2 v2.2.1
	golang.org/x/net v0.58.0
	gopkg.in/yaml.v2 v2.4.0
	pault.ag/go/debian v0.21.0
)

require (
	github.com/cloudflare/circl v1.6.3 // indirect
	github.com/hashicorp/golang-lru/v2 v2.0.7 // indirect
	github.com/jpillora/longestcommon v0.0.0-20161227235612-adb9d91ee629 // indirect
	github.com/kr/pretty v0.1.0 // indirect
	github.com/kr/text v0.2.0 // indirect
	golang.org/x/crypto v0.55.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
	gopkg.in/check.v1 v1.0.0-20190902080502-41f04d3bba15 // indirect
	pault.ag/go/topsort v0.1.1 // indirect
)
