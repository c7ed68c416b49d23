module github.com/containous/whoami

require github.com/gorilla/websocket v1.2.0
