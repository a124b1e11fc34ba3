// Package storetest gives tests a store on a real Neo4j: the one NEO4J_URI
// names, or the local development server (started when needed). It is for
// tests only and never mocks the database.
package storetest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/neo4jenv"
	"github.com/castgraph/castgraph/store"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

var (
	once   sync.Once
	cfg    store.Config
	cfgErr error
)

// Config returns the connection settings, starting the local Neo4j once per
// test binary. Under -short it skips the test: every test that needs Neo4j
// comes here (or through MustOpen), so `go test -short ./...` runs exactly the
// tests that need no database.
func Config(t testing.TB) store.Config {
	t.Helper()
	if testing.Short() {
		t.Skip("needs Neo4j (skipped under -short)")
	}
	once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		cfg, cfgErr = neo4jenv.Resolve(ctx, os.Stderr)
	})
	if cfgErr != nil {
		t.Fatalf("no Neo4j for the tests: %v", cfgErr)
	}
	return cfg
}

// MustOpen opens a migrated store and closes it when the test ends.
func MustOpen(t testing.TB) *store.Store {
	t.Helper()
	return MustOpenWith(t, Config(t))
}

// MustOpenWith opens a migrated store with the given settings.
func MustOpenWith(t testing.TB, c store.Config) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, c, Logger())
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

// Logger is a logger that keeps tests quiet unless CASTGRAPH_TEST_LOG is set.
func Logger() *slog.Logger {
	if os.Getenv("CASTGRAPH_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// run runs statements straight through a driver of their own, beneath
// the store: reads routed to readers, writes to the leader.
func run(t testing.TB, write bool, cypher string, params map[string]any) (*neo4j.EagerResult, error) {
	t.Helper()
	c := Config(t)
	ctx := context.Background()
	driver, err := neo4j.NewDriverWithContext(c.URI, neo4j.BasicAuth(c.User, c.Password, ""))
	if err != nil {
		return nil, err
	}
	defer driver.Close(ctx)
	opts := []neo4j.ExecuteQueryConfigurationOption{neo4j.ExecuteQueryWithDatabase(c.Database)}
	if !write {
		opts = append(opts, neo4j.ExecuteQueryWithReadersRouting())
	}
	return neo4j.ExecuteQuery(ctx, driver, cypher, params, neo4j.EagerResultTransformer, opts...)
}

// Query runs read-only Cypher straight through the driver, for tests that
// check what the database holds beneath the API.
func Query(t testing.TB, cypher string, params map[string]any) []map[string]any {
	t.Helper()
	res, err := run(t, false, cypher, params)
	if err != nil {
		t.Fatalf("query %q: %v", cypher, err)
	}
	out := make([]map[string]any, len(res.Records))
	for i, r := range res.Records {
		out[i] = r.AsMap()
	}
	return out
}

// Forget takes a test's run out of the shared database: what only sources
// holding tag asserted is deleted, what others asserted too loses those
// sources. Tests tag their sources (roster file names, dataset sources) so
// that they can clean up after themselves without touching anyone else's.
func Forget(t testing.TB, tag string) {
	t.Helper()
	for _, cypher := range []string{
		`MATCH ()-[r]->() WHERE all(s IN r.sources WHERE s CONTAINS $tag) AND size(r.sources) > 0 DELETE r`,
		`MATCH ()-[r]->() WHERE any(s IN r.sources WHERE s CONTAINS $tag) SET r.sources = [s IN r.sources WHERE NOT s CONTAINS $tag], r.assertions = [s IN coalesce(r.assertions, []) WHERE NOT s CONTAINS $tag]`,
		`MATCH (n:Entity) WHERE all(s IN n.sources WHERE s CONTAINS $tag) AND size(n.sources) > 0 DETACH DELETE n`,
		`MATCH (n:Entity) WHERE any(s IN n.sources WHERE s CONTAINS $tag) SET n.sources = [s IN n.sources WHERE NOT s CONTAINS $tag], n.assertions = [s IN coalesce(n.assertions, []) WHERE NOT s CONTAINS $tag]`,
	} {
		if _, err := run(t, true, cypher, map[string]any{"tag": tag}); err != nil {
			t.Errorf("cleanup %q: %v", tag, err)
		}
	}
}

// ForgetToken deletes a test's API token (tokens are outside the entity
// graph, which Forget cleans).
func ForgetToken(t testing.TB, name string) {
	t.Helper()
	if _, err := run(t, true, "MATCH (t:CastgraphToken {name: $name}) DELETE t", map[string]any{"name": name}); err != nil {
		t.Errorf("forget token %q: %v", name, err)
	}
}

// Exec runs Cypher that changes the database straight through the driver,
// for tests that shape the database beneath the store (such as dropping a
// constraint to see the store make it again).
func Exec(t testing.TB, cypher string, params map[string]any) {
	t.Helper()
	if _, err := run(t, true, cypher, params); err != nil {
		t.Fatalf("%q: %v", cypher, err)
	}
}

// SlowFilter loads an enterprise served by 2 000 experts (taken out when the
// test ends) and returns a filter on experts, as a GraphQL variable, that
// matches nothing and that Neo4j takes minutes to answer there: for each
// expert, whether an expert serving an enterprise served by an expert
// serving its enterprise has a name nobody has — 2 000³ paths. Tests of
// timeouts and cancellation run it.
func SlowFilter(t testing.TB, s *store.Store) map[string]any {
	t.Helper()
	enterprise := slowWorld(t, s)
	fellows := func(inner map[string]any) map[string]any {
		return map[string]any{"serves": map[string]any{"some": map[string]any{
			"id": map[string]any{"eq": enterprise}, "servedBy": map[string]any{"some": inner}}}}
	}
	return fellows(fellows(map[string]any{"name": map[string]any{"eq": "no such name"}}))
}

// SlowCond is SlowFilter as the store's condition.
func SlowCond(t testing.TB, s *store.Store) store.Cond {
	t.Helper()
	enterprise := slowWorld(t, s)
	fellows := func(inner store.Cond) store.Cond {
		return store.Related{Field: "serves", Quant: store.Some, Where: store.All{
			store.Compare{Prop: "id", Op: store.OpEq, Value: enterprise},
			store.Related{Field: "servedBy", Quant: store.Some, Where: inner}}}
	}
	return fellows(fellows(store.Compare{Prop: "name", Op: store.OpEq, Value: "no such name"}))
}

// slowWorld loads SlowFilter's enterprise and experts and returns the
// enterprise's id.
func slowWorld(t testing.TB, s *store.Store) string {
	t.Helper()
	tag := fmt.Sprintf("slow-filter-test-%d", time.Now().UnixNano())
	d := &castgraph.Dataset{Source: tag}
	enterprise := "enterprise/" + tag
	d.Nodes = append(d.Nodes, castgraph.DatasetNode{ID: enterprise, Kind: castgraph.KindEnterprise, Name: "慢查询测试企业 " + tag, Source: tag})
	for i := range 2000 {
		id := fmt.Sprintf("expert/%s-%d", tag, i)
		d.Nodes = append(d.Nodes, castgraph.DatasetNode{ID: id, Kind: castgraph.KindExpert, Name: fmt.Sprintf("慢查询专家 %s %d", tag, i), Source: tag})
		d.Relationships = append(d.Relationships, castgraph.DatasetRelship{Type: castgraph.RelServes, From: id, To: enterprise, Source: tag})
	}
	if _, err := s.Load(context.Background(), d); err != nil {
		t.Fatalf("load the slow world: %v", err)
	}
	t.Cleanup(func() { Forget(t, tag) })
	return enterprise
}
