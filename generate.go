package castgraph

// The GraphQL schema's per-kind parts and gqlgen's code follow from the
// registry in kind.go and relation.go: after changing it, run `go generate .`
//go:generate go run ./cmd/schemagen -root .
//go:generate go run github.com/99designs/gqlgen generate --config gqlgen.yml
