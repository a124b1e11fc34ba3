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

// Config says how to reach Neo4j (URI may be bolt:// or neo4j://, routing)
// and bounds the work sent there; zero values mean the defaults of gate.go.
type Config struct {
	URI, User, Password, Database string
	// MaxInFlight caps the transactions in flight (and sizes the pool).
	MaxInFlight int
	// QueueWait is how long a transaction may wait for a slot.
	QueueWait time.Duration
	// ReadTimeout and WriteTimeout bound one transaction, on the server.
	ReadTimeout, WriteTimeout time.Duration
}

func (c Config) withDefaults() Config {
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = DefaultMaxInFlight
	}
	if c.QueueWait <= 0 {
		c.QueueWait = DefaultQueueWait
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = DefaultReadTimeout
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	return c
}

// Store is a connection pool to one Neo4j database. It is safe for concurrent
// use and holds no state besides the driver, so any number of servers may
// share one database.
type Store struct {
	driver   neo4j.DriverWithContext
	database string
	log      *slog.Logger
	// inFlight admits at most Config.MaxInFlight transactions at once.
	inFlight                  gate
	queueWait                 time.Duration
	readTimeout, writeTimeout time.Duration
	// statements counts the Cypher statements run in transactions, so that
	// tests can bound what a request costs.
	statements atomic.Int64
	// bookmarks is shared by every session, so that this process reads its
	// own writes on any cluster member (bookmarks.go).
	bookmarks neo4j.BookmarkManager
	// observer hears of every statement (observe.go); nil when none does.
	observer atomic.Pointer[observerBox]
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
	cfg = cfg.withDefaults()
	driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""), func(c *config.Config) {
		// A request should fail fast with UNAVAILABLE rather than hang while
		// the driver retries against a dead database for its default 30 s.
		c.MaxTransactionRetryTime = 5 * time.Second
		c.ConnectionAcquisitionTimeout = 5 * time.Second
		c.SocketConnectTimeout = 3 * time.Second
		// The gate admits MaxInFlight transactions; a few more connections
		// serve migrations and index waits, which do not pass it.
		c.MaxConnectionPoolSize = cfg.MaxInFlight + 8
	})
	if err != nil {
		return nil, castgraph.Errorf(castgraph.EINVALID, "NEO4J_URI", "cannot use Neo4j URI %q: %v", cfg.URI, err)
	}
	if err := driver.VerifyConnectivity(ctx); err != nil {
		_ = driver.Close(ctx)
		return nil, castgraph.Errorf(castgraph.EUNAVAILABLE, "NEO4J_URI", "Neo4j at %s does not answer: %v", cfg.URI, err)
	}
	return &Store{driver: driver, database: cfg.Database, log: log,
		inFlight: make(gate, cfg.MaxInFlight), queueWait: cfg.QueueWait,
		readTimeout: cfg.ReadTimeout, writeTimeout: cfg.WriteTimeout,
		bookmarks: neo4j.NewBookmarkManager(neo4j.BookmarkManagerConfig{})}, nil
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
	v, err := transact(ctx, s, neo4j.AccessModeRead, s.readTimeout, work)
	if err != nil {
		return v, s.mapError(err)
	}
	return v, nil
}

// write runs work in a managed write transaction: all of it commits or none.
func write[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	v, err := transact(ctx, s, neo4j.AccessModeWrite, s.writeTimeout, work)
	if err != nil {
		return v, s.mapError(err)
	}
	return v, nil
}

// transact runs work in a managed transaction of the access mode once the
// gates let it (gate.go), with a timeout Neo4j enforces: limit, or what is
// left of the request's deadline. Errors come back as the driver gave them.
func transact[T any](ctx context.Context, s *Store, mode neo4j.AccessMode, limit time.Duration, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	var zero T
	leave, err := s.enterGates(ctx)
	if err != nil {
		return zero, err
	}
	defer leave()
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.database, AccessMode: mode,
		Bookmarks: sessionBookmarks(ctx), BookmarkManager: s.bookmarks})
	defer session.Close(context.WithoutCancel(ctx))
	// A cancelled context (the client left) makes the driver drop the
	// connection, and Neo4j then ends the transaction (bounds_test.go shows it).
	run := func(tx neo4j.ManagedTransaction) (any, error) { return work(countingTx{tx, &s.statements}) }
	if box := s.observer.Load(); box != nil {
		// Every statement of the transaction is named after the store
		// function that asked for it, and reported to the observer.
		name, write := statementName(), mode == neo4j.AccessModeWrite
		run = func(tx neo4j.ManagedTransaction) (any, error) {
			otx := &observedTx{ManagedTransaction: tx, n: &s.statements, obs: box.o, name: name, write: write}
			v, err := work(otx)
			otx.finishOpen(err)
			return v, err
		}
	}
	timeout := neo4j.WithTxTimeout(txTimeout(ctx, limit))
	var v any
	if mode == neo4j.AccessModeRead {
		v, err = session.ExecuteRead(ctx, run, timeout)
	} else {
		v, err = session.ExecuteWrite(ctx, run, timeout)
	}
	if err != nil {
		return zero, err
	}
	if mode == neo4j.AccessModeWrite {
		noteWrite(ctx, session)
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
	if timedOut(err) || errors.Is(err, context.DeadlineExceeded) {
		return castgraph.Errorf(castgraph.ETIMEOUT, "", "the request took longer than its time limit; ask for less")
	}
	if errors.Is(err, context.Canceled) {
		return castgraph.Errorf(castgraph.EUNAVAILABLE, "", "the request was cancelled")
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
		case neoErr.Code == "Neo.ClientError.Transaction.InvalidBookmark", neoErr.Code == "Neo.ClientError.Transaction.InvalidBookmarkMixture":
			return castgraph.Errorf(castgraph.EINVALID, "bookmark", "a bookmark is not one this database gave out")
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
