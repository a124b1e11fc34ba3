// Package deploy holds the tests of how castgraph runs in production: the
// binary the Dockerfile builds (its flags, entrypoint and environment) served
// against a real Neo4j, the compose file's services and health checks, and a
// graceful shutdown on SIGTERM. No container engine is needed: the tests
// build and run the binary as the image would.
package deploy
