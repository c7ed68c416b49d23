module github.com/tsuru/nginx-operator

go 1.13

require (
	github.com/go-logr/logr v0.1.0
	github.com/stretchr/testify v1.4.0
	github.com/tsuru/config v0.0.0-20200717192526-2a9a0efe5f28
	k8s.io/api v0.18.6
	k8s.io/apimachinery v0.18.6
	k8s.io/client-go v0.18.6
	sigs.k8s.io/controller-runtime v0.6.2
)
