package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/castgraph/castgraph/devdb"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	neo4jconfig "github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
)

// The benchmark Neo4j, as `castgraph generate -bench-db` sets it up
// (cmd/castgraph/generate.go): its own home beside .neo4j/, its own port and
// more memory than the development one.
const (
	benchHomeName  = ".neo4j-bench"
	benchBoltPort  = 7688
	benchHeap      = "4g"
	benchPageCache = "2g"

	// An enterprise and an expert that only the synthetic graph of seed 1 has.
	synthEnterprise = "enterprise/synth-1-018296"
	synthExpert     = "expert/synth-1-100000"
)

// conn says how to reach Neo4j.
type conn struct {
	URI, User, Password, Database string
}

type database struct {
	conn
	started bool
	stop    func()
	pid     int // the Neo4j process when it is the local benchmark one, else 0
}

// ensureDB is CASTGRAPH_BENCH_NEO4J_URI (with …_USER, …_PASSWORD,
// …_DATABASE) when set, as for the benchmarks of bench/, else the local
// benchmark Neo4j, started when needed. NEO4J_URI is deliberately ignored:
// it names the database the tests share.
func ensureDB(ctx context.Context, root string) (*database, error) {
	db := &database{conn: conn{
		URI:      os.Getenv("CASTGRAPH_BENCH_NEO4J_URI"),
		User:     envOr("CASTGRAPH_BENCH_NEO4J_USER", "neo4j"),
		Password: os.Getenv("CASTGRAPH_BENCH_NEO4J_PASSWORD"),
		Database: envOr("CASTGRAPH_BENCH_NEO4J_DATABASE", "neo4j"),
	}, stop: func() {}}
	if db.URI != "" {
		logf("using the Neo4j at %s (CASTGRAPH_BENCH_NEO4J_URI)", db.URI)
		return db, nil
	}
	opts := benchDevDB(root)
	srv, err := devdb.Ensure(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("the benchmark Neo4j: %w", err)
	}
	db.URI, db.User, db.Password, db.started, db.pid = srv.URI, srv.User, srv.Password, srv.Started, srv.Pid
	if srv.Started {
		logf("started the benchmark Neo4j at %s (home %s); it is stopped at the end unless -keep-db", srv.URI, srv.Home)
		db.stop = func() {
			logf("stopping the benchmark Neo4j this run started")
			if err := devdb.Stop(opts); err != nil {
				logf("stopping the benchmark Neo4j: %v", err)
			}
		}
	} else {
		logf("using the running benchmark Neo4j at %s", srv.URI)
	}
	return db, nil
}

func benchDevDB(root string) devdb.Options {
	opts := devdb.Options{Home: filepath.Join(root, benchHomeName), BoltPort: benchBoltPort, Log: os.Stderr}
	if os.Getenv("CASTGRAPH_NEO4J_HEAP") == "" {
		opts.HeapSize = benchHeap
	}
	if os.Getenv("CASTGRAPH_NEO4J_PAGECACHE") == "" {
		opts.PageCacheSize = benchPageCache
	}
	return opts
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// floorTarget asks the questions of the mix as hand-written Cypher, through
// the Go driver in read transactions as castgraph's store does: the floor
// that no GraphQL server on this database can beat.
type floorTarget struct {
	driver   neo4j.DriverWithContext
	database string
}

func openFloor(ctx context.Context, c conn) (*floorTarget, error) {
	driver, err := neo4j.NewDriverWithContext(c.URI, neo4j.BasicAuth(c.User, c.Password, ""), func(cfg *neo4jconfig.Config) {
		cfg.MaxConnectionPoolSize = 300
	})
	if err != nil {
		return nil, err
	}
	if err := driver.VerifyConnectivity(ctx); err != nil {
		_ = driver.Close(ctx)
		return nil, fmt.Errorf("Neo4j at %s does not answer: %w", c.URI, err)
	}
	return &floorTarget{driver: driver, database: c.Database}, nil
}

func (f *floorTarget) close() { _ = f.driver.Close(context.Background()) }

func (f *floorTarget) name() string { return "floor" }

// rows runs one statement in a read transaction and returns all its records.
func (f *floorTarget) rows(ctx context.Context, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	return f.ask(ctx, func(tx neo4j.ManagedTransaction) ([]*neo4j.Record, error) {
		return collectRows(ctx, tx, cypher, params)
	})
}

// ask runs work in a read transaction, as castgraph's store reads.
func (f *floorTarget) ask(ctx context.Context, work func(tx neo4j.ManagedTransaction) ([]*neo4j.Record, error)) ([]*neo4j.Record, error) {
	session := f.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: f.database, AccessMode: neo4j.AccessModeRead})
	defer session.Close(ctx)
	recs, err := session.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) { return work(tx) })
	if err != nil {
		return nil, err
	}
	return recs.([]*neo4j.Record), nil
}

func collectRows(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// question runs a query of the mix: its Cypher, or its own statements.
func (f *floorTarget) question(ctx context.Context, q *query, v int) ([]*neo4j.Record, error) {
	params := q.variants[v].params
	if q.floorRun != nil {
		return f.ask(ctx, func(tx neo4j.ManagedTransaction) ([]*neo4j.Record, error) { return q.floorRun(ctx, tx, params) })
	}
	return f.rows(ctx, q.cypher, params)
}

func (f *floorTarget) call(ctx context.Context, q *query, v int) (int, error) {
	_, err := f.question(ctx, q, v)
	return 0, err
}

// answer is the records as JSON values: {"rows": [{column: value}]}.
func (f *floorTarget) answer(ctx context.Context, q *query, v int) (any, error) {
	recs, err := f.question(ctx, q, v)
	if err != nil {
		return nil, err
	}
	rows := make([]any, 0, len(recs))
	for _, r := range recs {
		rows = append(rows, r.AsMap())
	}
	return jsonValue(map[string]any{"rows": rows})
}

// jsonValue round-trips v through JSON, so answers from the driver and from
// HTTP have the same Go types (float64 numbers, []any, map[string]any).
func jsonValue(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	return out, json.Unmarshal(b, &out)
}

// one returns the only record of a statement (or an error).
func (f *floorTarget) one(ctx context.Context, cypher string, params map[string]any) (*neo4j.Record, error) {
	recs, err := f.rows(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, fmt.Errorf("%d records from %s", len(recs), cypher)
	}
	return recs[0], nil
}

// ensureGraph loads the synthetic graph (seed 1) with `castgraph generate`
// when the database does not hold it.
func ensureGraph(ctx context.Context, root string, db *database, f *floorTarget) error {
	has := func() (bool, error) {
		rec, err := f.one(ctx, `OPTIONAL MATCH (e:Entity {id: $e}) OPTIONAL MATCH (x:Entity {id: $x})
			RETURN e IS NOT NULL AND x IS NOT NULL AS synth`, map[string]any{"e": synthEnterprise, "x": synthExpert})
		if err != nil {
			return false, err
		}
		v, _ := rec.Get("synth")
		return v == true, nil
	}
	ok, err := has()
	if err != nil || ok {
		return err
	}
	logf("%s holds no synthetic benchmark graph: loading it with `castgraph generate` (about a minute here)", db.URI)
	args := []string{"run", "./cmd/castgraph", "generate"}
	env := withoutEnv(os.Environ(), "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")
	if os.Getenv("CASTGRAPH_BENCH_NEO4J_URI") != "" {
		env = append(env, "NEO4J_URI="+db.URI, "NEO4J_USER="+db.User, "NEO4J_PASSWORD="+db.Password, "NEO4J_DATABASE="+db.Database)
	} else {
		args = append(args, "-bench-db")
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = root, env, os.Stderr, os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	logf("synthetic graph loaded in %s", time.Since(start).Round(time.Second))
	if ok, err = has(); err != nil || !ok {
		return errors.Join(err, errors.New("the synthetic graph is still missing after `castgraph generate`"))
	}
	return nil
}

func withoutEnv(env []string, names ...string) []string {
	out := env[:0:0]
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		keep := true
		for _, n := range names {
			if name == n {
				keep = false
			}
		}
		if keep {
			out = append(out, kv)
		}
	}
	return out
}
