// Package deploy holds the deployment files of SuggestFlow, none of them
// Go: the container image (Dockerfile), a Docker Compose stack
// (docker-compose.yml), Kubernetes manifests (k8s/), a systemd unit and an
// example policy file. README.md explains each layout.
//
// The package's tests parse every one of those files and check them against
// the code: that each SUGGESTFLOW_ variable they set is one the config
// package reads, that ports, probe paths and roles agree with the defaults
// and the HTTP routes, that the image runs as a non-root user, and that the
// policy files parse. A renamed variable or route therefore fails
// `go test ./deploy/` instead of a deployment.
package deploy
