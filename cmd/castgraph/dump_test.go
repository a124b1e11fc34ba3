package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/data"
	"github.com/castgraph/castgraph/devdb"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// A dump loaded into an empty database gives the graph it was taken from:
// every node and relationship with every property, provenance included
// (sources, assertions, times), through the streaming load in batches, even
// when a first load was cut short. The test runs a Neo4j of its own, which it
// empties between the dump and the load.
func TestDump_LoadIntoAnEmptyDatabaseGivesTheSameGraph(t *testing.T) {
	storetest.Config(t) // skipped under -short, like every test that needs Neo4j
	ctx := context.Background()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	opts := devdb.Options{Home: t.TempDir(), BoltPort: port, Log: io.Discard}
	srv, err := devdb.Ensure(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = devdb.Stop(opts) })
	t.Setenv("NEO4J_URI", srv.URI)
	t.Setenv("NEO4J_USER", srv.User)
	t.Setenv("NEO4J_PASSWORD", srv.Password)
	s := storetest.MustOpenWith(t, store.Config{URI: srv.URI, User: srv.User, Password: srv.Password, Database: "neo4j"})

	// A graph with provenance of several sources, actors and times: the seed
	// and demo, then edits through the API by an editor.
	d, err := data.Demo()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, d); err != nil {
		t.Fatal(err)
	}
	editor := castgraph.WithActor(ctx, castgraph.Actor{Name: "dump-test", Via: "token", Role: castgraph.RoleEditor})
	name := "备份测试学会"
	society, err := s.Create(editor, castgraph.KindSociety, castgraph.NodeInput{Name: &name, Aliases: []string{"备份学会"}, Source: "dump test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Link(editor, store.Link{Type: castgraph.RelMemberOf, From: "expert/chen-liheng", To: society.ID, Props: map[string]any{"role": "理事"}, Source: "dump test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, &castgraph.Dataset{Source: "second source", Nodes: []castgraph.DatasetNode{
		{ID: society.ID, Kind: castgraph.KindSociety, Name: name, Source: "second source"}}}); err != nil {
		t.Fatal(err)
	}
	before := fingerprint(t, srv)

	file := filepath.Join(t.TempDir(), "backup.json")
	log := storetest.Logger()
	start := time.Now()
	if err := dump(ctx, []string{"-quiet", file}, log); err != nil {
		t.Fatal(err)
	}
	t.Logf("dumped %d nodes in %v", before.nodes, time.Since(start))
	exec(t, srv, "MATCH (n) DETACH DELETE n") // an empty database, its schema kept

	// The load streams the file in batches (of 50 rows here, so many of
	// them), each committed on its own. A load cut short leaves the batches
	// before the cut written; loading again finishes it.
	whole, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.json")
	if err := os.WriteFile(cut, whole[:len(whole)*2/3], 0o600); err != nil {
		t.Fatal(err)
	}
	err = load(ctx, []string{"-batch", "50", "-quiet", cut}, log)
	if castgraph.ErrorCode(err) != castgraph.EINVALID || !strings.Contains(err.Error(), "relationships[") || !strings.Contains(err.Error(), "ends in the middle") {
		t.Fatalf("loading a cut dump: %v", err)
	}
	if partly := fingerprint(t, srv); partly.nodes != before.nodes || partly.rels == 0 || partly.rels >= before.rels {
		t.Fatalf("after the cut load: %d nodes, %d relationships; want all %d nodes and some of the %d relationships",
			partly.nodes, partly.rels, before.nodes, before.rels)
	}
	if err := load(ctx, []string{"-batch", "50", "-quiet", file}, log); err != nil {
		t.Fatal(err)
	}
	after := fingerprint(t, srv)
	if before.nodes < 100 || before.rels < 100 {
		t.Fatalf("the graph proves too little: %d nodes, %d relationships", before.nodes, before.rels)
	}
	if before.sum != after.sum {
		for i := range min(len(before.lines), len(after.lines)) {
			if before.lines[i] != after.lines[i] {
				t.Fatalf("the first difference:\n before %s\n after  %s", before.lines[i], after.lines[i])
			}
		}
		t.Fatalf("%d lines before, %d after", len(before.lines), len(after.lines))
	}
}

type graphPrint struct {
	sum         string
	nodes, rels int
	lines       []string
}

// fingerprint reads every entity and relationship with all its properties
// (the audit log, schema version and tokens are not the graph) in a fixed
// order, and hashes them.
func fingerprint(t *testing.T, srv *devdb.Server) graphPrint {
	t.Helper()
	var p graphPrint
	for _, q := range []string{
		"MATCH (n:Entity) RETURN n.id AS key, labels(n) AS labels, properties(n) AS props ORDER BY key",
		"MATCH (a:Entity)-[r]->(b:Entity) RETURN a.id + ' ' + type(r) + ' ' + b.id AS key, [] AS labels, properties(r) AS props ORDER BY key",
	} {
		for _, rec := range query(t, srv, q) {
			labels := fmt.Sprint(rec["labels"])
			props := rec["props"].(map[string]any)
			keys := make([]string, 0, len(props))
			for k := range props {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var b strings.Builder
			fmt.Fprintf(&b, "%v %s", rec["key"], labels)
			for _, k := range keys {
				v, _ := json.Marshal(props[k])
				fmt.Fprintf(&b, " %s=%s", k, v)
			}
			p.lines = append(p.lines, b.String())
		}
		if p.nodes == 0 {
			p.nodes = len(p.lines)
		}
	}
	p.rels = len(p.lines) - p.nodes
	h := sha256.New()
	for _, l := range p.lines {
		h.Write([]byte(l + "\n"))
	}
	p.sum = hex.EncodeToString(h.Sum(nil))
	return p
}

func query(t *testing.T, srv *devdb.Server, cypher string) []map[string]any {
	t.Helper()
	ctx := context.Background()
	driver, err := neo4j.NewDriverWithContext(srv.URI, neo4j.BasicAuth(srv.User, srv.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer driver.Close(ctx)
	res, err := neo4j.ExecuteQuery(ctx, driver, cypher, nil, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]map[string]any, len(res.Records))
	for i, r := range res.Records {
		out[i] = r.AsMap()
	}
	return out
}

func exec(t *testing.T, srv *devdb.Server, cypher string) { query(t, srv, cypher) }
