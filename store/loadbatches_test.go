package store_test

import (
	"context"
	"fmt"
	"iter"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
	"github.com/castgraph/castgraph/synth"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// unload takes a source out of the shared test database: what only it
// asserted is deleted, what others asserted too loses it from its sources.
func unload(t testing.TB, source string) {
	t.Helper()
	c := storetest.Config(t)
	ctx := context.Background()
	driver, err := neo4j.NewDriverWithContext(c.URI, neo4j.BasicAuth(c.User, c.Password, ""))
	if err != nil {
		t.Fatalf("driver: %v", err)
	}
	defer driver.Close(ctx)
	for _, cypher := range []string{
		`MATCH ()-[r]->() WHERE $s IN r.sources AND size(r.sources) = 1 DELETE r`,
		`MATCH ()-[r]->() WHERE $s IN r.sources SET r.sources = [x IN r.sources WHERE x <> $s]`,
		`MATCH (n:Entity) WHERE $s IN n.sources AND size(n.sources) = 1 DETACH DELETE n`,
		`MATCH (n:Entity) WHERE $s IN n.sources SET n.sources = [x IN n.sources WHERE x <> $s]`,
	} {
		if _, err := neo4j.ExecuteQuery(ctx, driver, cypher, map[string]any{"s": source}, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(c.Database)); err != nil {
			t.Fatalf("unloading %q: %v", source, err)
		}
	}
}

// bySource counts the nodes and relationships that list the source.
func bySource(t testing.TB, source string) (nodes, rels int64) {
	t.Helper()
	row := storetest.Query(t, `
		CALL { MATCH (n:Entity) WHERE $s IN n.sources RETURN count(n) AS nodes }
		CALL { MATCH ()-[r]->() WHERE $s IN r.sources RETURN count(r) AS rels }
		RETURN nodes, rels`, map[string]any{"s": source})[0]
	return row["nodes"].(int64), row["rels"].(int64)
}

func TestLoadBatches_SyntheticGraphLandsAndLoadingTwiceChangesNothing(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	g, err := synth.New(synth.Scaled(424242, 50)) // 2 000 experts, 600 enterprises, …
	if err != nil {
		t.Fatal(err)
	}
	unload(t, g.Source())
	t.Cleanup(func() { unload(t, g.Source()) })
	wantNodes, wantRels := g.Count()

	var progress []store.LoadStats
	stats, err := s.LoadBatches(ctx, g.Datasets(700), store.LoadOptions{
		BatchSize: 1000, Progress: func(st store.LoadStats) { progress = append(progress, st) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d nodes, %d relationships in %d batches", stats.Nodes, stats.Relationships, stats.Batches)
	if stats.Nodes != wantNodes || stats.Relationships != wantRels || stats.NodesCreated != wantNodes || stats.RelationshipsCreated != wantRels {
		t.Errorf("stats = %+v, want %d nodes and %d relationships, all created", stats, wantNodes, wantRels)
	}
	if want := (wantNodes + wantRels + 999) / 1000; stats.Batches != want || len(progress) != want {
		t.Errorf("%d batches, %d progress calls; want %d", stats.Batches, len(progress), want)
	}
	if nodes, rels := bySource(t, g.Source()); nodes != int64(wantNodes) || rels != int64(wantRels) {
		t.Errorf("the graph has %d nodes and %d relationships from %q, want %d and %d", nodes, rels, g.Source(), wantNodes, wantRels)
	}
	// Provenance and properties made it through.
	row := storetest.Query(t, `MATCH (e:Expert {id: $id})-[r:MEMBER_OF]->(:Society)
		RETURN e.description AS d, e.sources AS s, e.createdAt IS NOT NULL AND e.updatedAt IS NOT NULL AS stamped,
		       e.disambiguation AS dis, r.sources AS rs, r.createdAt IS NOT NULL AS rstamped, r.since IS NOT NULL AS since LIMIT 1`,
		map[string]any{"id": "expert/synth-424242-000001"})
	if len(row) != 1 || !strings.HasPrefix(row[0]["d"].(string), "【合成数据】") || !reflect.DeepEqual(row[0]["s"], []any{g.Source()}) ||
		row[0]["stamped"] != true || !reflect.DeepEqual(row[0]["rs"], []any{g.Source()}) || row[0]["rstamped"] != true || row[0]["since"] != true {
		t.Errorf("expert 1 = %v", row)
	}

	fingerprint := func() []map[string]any {
		return storetest.Query(t, `
			MATCH (n:Entity) WHERE $s IN n.sources
			OPTIONAL MATCH (n)-[r]->()
			WITH n, count(r) AS degree, max(r.updatedAt) AS relUpdated, collect(DISTINCT size(r.sources)) AS relSources
			RETURN labels(n)[0] + ':' + n.key AS key, n.id AS id, n.sources AS sources, toString(n.updatedAt) AS updated,
			       degree, toString(relUpdated) AS relUpdated, relSources
			ORDER BY id`, map[string]any{"s": g.Source()})
	}
	before := fingerprint()
	again, err := s.LoadBatches(ctx, g.Datasets(1000), store.LoadOptions{BatchSize: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if again.NodesCreated != 0 || again.RelationshipsCreated != 0 || again.Rows() != wantNodes+wantRels {
		t.Errorf("second load: %+v, want the same rows and nothing created", again)
	}
	if after := fingerprint(); !reflect.DeepEqual(before, after) {
		t.Errorf("the graph changed on the second load (%d nodes before, %d after)", len(before), len(after))
	}
}

// datasets makes a stream of the parts.
func datasets(parts ...*castgraph.Dataset) iter.Seq2[*castgraph.Dataset, error] {
	return func(yield func(*castgraph.Dataset, error) bool) {
		for _, p := range parts {
			if !yield(p, nil) {
				return
			}
		}
	}
}

// fixture makes ids, names and a source of its own for one test run.
type fixture struct {
	tag, source string
}

func newFixture(t *testing.T) fixture {
	tag := fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano())
	f := fixture{tag: tag, source: "test " + tag}
	unload(t, f.source)
	t.Cleanup(func() { unload(t, f.source) })
	return f
}

func (f fixture) id(kind, name string) string { return kind + "/" + f.tag + "-" + name }

func (f fixture) expert(name string) castgraph.DatasetNode {
	return castgraph.DatasetNode{ID: f.id("expert", name), Kind: castgraph.KindExpert, Name: name + " " + f.tag, Source: f.source}
}

func (f fixture) society(name string) castgraph.DatasetNode {
	return castgraph.DatasetNode{ID: f.id("society", name), Kind: castgraph.KindSociety, Name: name + " " + f.tag, Source: f.source}
}

func (f fixture) rel(t castgraph.RelType, from, to string) castgraph.DatasetRelship {
	return castgraph.DatasetRelship{Type: t, From: from, To: to, Source: f.source}
}

func TestLoadBatches_MissingIDFailsThatBatchOnlyAndNamesTheEntry(t *testing.T) {
	s := storetest.MustOpen(t)
	f := newFixture(t)
	first := &castgraph.Dataset{Nodes: []castgraph.DatasetNode{f.expert("a"), f.society("s")}}
	second := &castgraph.Dataset{
		Nodes: []castgraph.DatasetNode{f.expert("b")},
		Relationships: []castgraph.DatasetRelship{
			f.rel(castgraph.RelMemberOf, f.id("expert", "b"), f.id("society", "s")), // in the graph by then: fine
			f.rel(castgraph.RelMemberOf, f.id("expert", "a"), f.id("society", "nowhere")),
		},
	}
	// Batch 1: the three nodes; batch 2: both relationships.
	stats, err := s.LoadBatches(context.Background(), datasets(first, second), store.LoadOptions{BatchSize: 3})
	if err == nil {
		t.Fatal("loaded a relationship to a node that does not exist")
	}
	t.Log(err)
	if castgraph.ErrorCode(err) != castgraph.EINVALID {
		t.Errorf("code %s, want %s", castgraph.ErrorCode(err), castgraph.EINVALID)
	}
	missing := f.id("society", "nowhere")
	if msg := err.Error(); !strings.Contains(msg, "relationships[1].to") || !strings.Contains(msg, missing) || !strings.Contains(msg, "batch 2") {
		t.Errorf("the error does not name relationships[1].to, %s and batch 2: %v", missing, err)
	}
	if stats.Batches != 1 || stats.Nodes != 3 || stats.Relationships != 0 {
		t.Errorf("stats = %+v, want the first batch of 3 nodes", stats)
	}
	// The first batch stays; nothing of the second is written, not even its good relationship.
	if nodes, rels := bySource(t, f.source); nodes != 3 || rels != 0 {
		t.Errorf("%d nodes and %d relationships written, want the 3 nodes of the first batch", nodes, rels)
	}
}

func TestLoadBatches_RefersToNodesAlreadyInTheGraphAndChecksTheirKinds(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	f := newFixture(t)
	if _, err := s.Load(ctx, &castgraph.Dataset{Nodes: []castgraph.DatasetNode{f.expert("a"), f.society("s")}}); err != nil {
		t.Fatal(err)
	}
	later := &castgraph.Dataset{Relationships: []castgraph.DatasetRelship{f.rel(castgraph.RelMemberOf, f.id("expert", "a"), f.id("society", "s"))}}
	// Load keeps its rule: everything in the dataset.
	if _, err := s.Load(ctx, later); err == nil || !strings.Contains(err.Error(), "no node has id") {
		t.Errorf("Load accepted a relationship to nodes outside the dataset: %v", err)
	}
	stats, err := s.LoadBatches(ctx, datasets(later), store.LoadOptions{})
	if err != nil || stats.RelationshipsCreated != 1 {
		t.Fatalf("LoadBatches = %+v, %v", stats, err)
	}
	if _, rels := bySource(t, f.source); rels != 1 {
		t.Errorf("%d relationships, want 1", rels)
	}
	// The kinds found in the graph are checked like the dataset's own.
	wrong := &castgraph.Dataset{Relationships: []castgraph.DatasetRelship{f.rel(castgraph.RelMemberOf, f.id("society", "s"), f.id("expert", "a"))}}
	_, err = s.LoadBatches(ctx, datasets(wrong), store.LoadOptions{})
	if castgraph.ErrorCode(err) != castgraph.EINVALID || !strings.Contains(err.Error(), "MEMBER_OF cannot run from a Society to a Expert") ||
		!strings.Contains(err.Error(), "relationships[0]") {
		t.Errorf("society → expert MEMBER_OF: %v", err)
	}
}

// A node whose natural key is in the graph already keeps its old id; later
// batches may still refer to it by the id the stream gave it.
func TestLoadBatches_FollowsNodesMergedOntoAnExistingID(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	f := newFixture(t)
	if _, err := s.Load(ctx, &castgraph.Dataset{Nodes: []castgraph.DatasetNode{f.society("s")}}); err != nil {
		t.Fatal(err)
	}
	again := f.society("s")
	again.ID = f.id("society", "s-renamed-id") // same name, so same natural key
	stream := datasets(
		&castgraph.Dataset{Nodes: []castgraph.DatasetNode{again, f.expert("a")}},
		&castgraph.Dataset{Relationships: []castgraph.DatasetRelship{f.rel(castgraph.RelMemberOf, f.id("expert", "a"), again.ID)}},
	)
	if _, err := s.LoadBatches(ctx, stream, store.LoadOptions{BatchSize: 2}); err != nil {
		t.Fatal(err)
	}
	rows := storetest.Query(t, "MATCH (:Expert {id: $a})-[:MEMBER_OF]->(s:Society) RETURN s.id AS id",
		map[string]any{"a": f.id("expert", "a")})
	if len(rows) != 1 || rows[0]["id"] != f.id("society", "s") {
		t.Errorf("expert a is a member of %v, want %s", rows, f.id("society", "s"))
	}
}

func TestLoadBatches_StopsOnAStreamError(t *testing.T) {
	s := storetest.MustOpen(t)
	f := newFixture(t)
	boom := castgraph.Errorf(castgraph.EINVALID, "roster.csv:3", "bad row")
	stream := func(yield func(*castgraph.Dataset, error) bool) {
		if yield(&castgraph.Dataset{Nodes: []castgraph.DatasetNode{f.expert("a")}}, nil) {
			yield(nil, boom)
		}
	}
	stats, err := s.LoadBatches(context.Background(), stream, store.LoadOptions{BatchSize: 10})
	if err != boom || stats.Batches != 0 {
		t.Errorf("LoadBatches = %+v, %v; want the stream's error before any batch", stats, err)
	}
	if nodes, _ := bySource(t, f.source); nodes != 0 {
		t.Errorf("%d nodes written", nodes)
	}
}
