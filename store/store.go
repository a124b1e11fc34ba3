// Package store is the only code that speaks Cypher. It keeps castgraph's
// nodes and relationships in Neo4j: migrations, reads in read transactions,
// writes in write transactions, every value passed as a parameter.
//
// Labels and relationship types are spliced into Cypher only from the
// castgraph registry, never from request strings; everything else is a
// parameter. It must not know about HTTP or GraphQL.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
)

// Config says how to reach Neo4j. URI may be bolt:// or neo4j:// (routing).
type Config struct {
	URI, User, Password, Database string
}

// Store is a connection pool to one Neo4j database. It is safe for concurrent
// use and holds no state besides the driver, so any number of servers may
// share one database.
type Store struct {
	driver   neo4j.DriverWithContext
	database string
	log      *slog.Logger
	// statements counts the Cypher statements run in transactions, so that
	// tests can bound what a request costs.
	statements atomic.Int64
}

// Statements returns how many Cypher statements this store has run in transactions.
func (s *Store) Statements() int64 { return s.statements.Load() }

// countingTx counts the statements run through a managed transaction.
type countingTx struct {
	neo4j.ManagedTransaction
	n *atomic.Int64
}

func (t countingTx) Run(ctx context.Context, cypher string, params map[string]any) (neo4j.ResultWithContext, error) {
	t.n.Add(1)
	return t.ManagedTransaction.Run(ctx, cypher, params)
}

// Open connects to Neo4j and checks that it answers.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.Default()
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""), func(c *config.Config) {
		// A request should fail fast with UNAVAILABLE rather than hang while
		// the driver retries against a dead database for its default 30 s.
		c.MaxTransactionRetryTime = 5 * time.Second
		c.ConnectionAcquisitionTimeout = 5 * time.Second
		c.SocketConnectTimeout = 3 * time.Second
	})
	if err != nil {
		return nil, castgraph.Errorf(castgraph.EINVALID, "NEO4J_URI", "cannot use Neo4j URI %q: %v", cfg.URI, err)
	}
	if err := driver.VerifyConnectivity(ctx); err != nil {
		_ = driver.Close(ctx)
		return nil, castgraph.Errorf(castgraph.EUNAVAILABLE, "NEO4J_URI", "Neo4j at %s does not answer: %v", cfg.URI, err)
	}
	return &Store{driver: driver, database: cfg.Database, log: log}, nil
}

// Close closes the pool.
func (s *Store) Close(ctx context.Context) error { return s.driver.Close(ctx) }

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	_, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
		_, err := tx.Run(ctx, "RETURN 1", nil)
		return 0, err
	})
	return err
}

// read runs work in a managed read transaction (retried on transient errors,
// routed to a reader in a cluster).
func read[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.database, AccessMode: neo4j.AccessModeRead})
	defer session.Close(ctx)
	v, err := session.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return work(countingTx{tx, &s.statements})
	})
	if err != nil {
		var zero T
		return zero, s.mapError(err)
	}
	return v.(T), nil
}

// write runs work in a managed write transaction: all of it commits or none.
func write[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.database, AccessMode: neo4j.AccessModeWrite})
	defer session.Close(ctx)
	v, err := session.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return work(countingTx{tx, &s.statements})
	})
	if err != nil {
		var zero T
		return zero, s.mapError(err)
	}
	return v.(T), nil
}

// mapError turns driver errors into castgraph errors with codes; domain errors
// raised inside a transaction pass through unchanged.
func (s *Store) mapError(err error) error {
	var domain *castgraph.Error
	if errors.As(err, &domain) {
		return domain
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return castgraph.Errorf(castgraph.EUNAVAILABLE, "", "the request was cancelled or timed out")
	}
	var retries *neo4j.TransactionExecutionLimit
	if neo4j.IsConnectivityError(err) || errors.As(err, &retries) {
		s.log.Error("neo4j unreachable", "err", err)
		return castgraph.Errorf(castgraph.EUNAVAILABLE, "", "the database is unreachable")
	}
	var neoErr *neo4j.Neo4jError
	if errors.As(err, &neoErr) {
		switch {
		case neoErr.Code == "Neo.ClientError.Schema.ConstraintValidationFailed":
			return castgraph.Errorf(castgraph.ECONFLICT, "", "a node with the same natural key exists already")
		case strings.HasPrefix(neoErr.Code, "Neo.TransientError."), strings.HasPrefix(neoErr.Code, "Neo.ClientError.Security."):
			s.log.Error("neo4j unavailable", "code", neoErr.Code, "err", neoErr.Msg)
			return castgraph.Errorf(castgraph.EUNAVAILABLE, "", "the database is unavailable (%s)", neoErr.Code)
		}
	}
	s.log.Error("store error", "err", err)
	return fmt.Errorf("store: %w", err)
}

// collect runs a statement and returns its records.
func collect(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}
