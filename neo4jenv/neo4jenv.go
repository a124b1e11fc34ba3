// Package neo4jenv decides which Neo4j a castgraph process talks to: the one
// that NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE name, or, when
// NEO4J_URI is unset, the local development server that devdb starts (or
// reuses). The server, the tools and the tests all ask here, so they agree.
package neo4jenv

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/castgraph/castgraph/devdb"
	"github.com/castgraph/castgraph/store"
)

// Resolve returns the connection settings; progress of a local start goes to log.
func Resolve(ctx context.Context, log io.Writer) (store.Config, error) {
	cfg := store.Config{
		URI:      os.Getenv("NEO4J_URI"),
		User:     Getenv("NEO4J_USER", "neo4j"),
		Password: os.Getenv("NEO4J_PASSWORD"),
		Database: Getenv("NEO4J_DATABASE", "neo4j"),
	}
	if err := readBounds(&cfg); err != nil {
		return cfg, err
	}
	if cfg.URI != "" {
		return cfg, nil
	}
	srv, err := devdb.Ensure(ctx, devdb.Options{Log: log})
	if err != nil {
		return cfg, err
	}
	cfg.URI, cfg.User, cfg.Password = srv.URI, srv.User, srv.Password
	return cfg, nil
}

// readBounds reads the store's execution bounds (store.Config) from
// CASTGRAPH_MAX_IN_FLIGHT, CASTGRAPH_READ_TIMEOUT and CASTGRAPH_WRITE_TIMEOUT.
func readBounds(cfg *store.Config) error {
	if s := os.Getenv("CASTGRAPH_MAX_IN_FLIGHT"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return fmt.Errorf("CASTGRAPH_MAX_IN_FLIGHT must be a whole number above 0, not %q", s)
		}
		cfg.MaxInFlight = n
	}
	for env, to := range map[string]*time.Duration{"CASTGRAPH_READ_TIMEOUT": &cfg.ReadTimeout, "CASTGRAPH_WRITE_TIMEOUT": &cfg.WriteTimeout} {
		if s := os.Getenv(env); s != "" {
			d, err := time.ParseDuration(s)
			if err != nil || d <= 0 {
				return fmt.Errorf("%s must be a duration such as 15s, not %q", env, s)
			}
			*to = d
		}
	}
	return nil
}

// Getenv returns the environment variable, or fallback when it is unset or empty.
func Getenv(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
