package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
)

// With neo4j:// the driver asks for a routing table and sends reads to
// readers and writes to the leader; a single server is its own cluster of
// one, so the routing path runs here as it would against a cluster. Its
// writes hand back bookmarks, which a read on another store waits for.
func TestRouting_Neo4jSchemeReadsAndWrites(t *testing.T) {
	c := storetest.Config(t)
	c.URI = "neo4j://" + strings.TrimPrefix(strings.TrimPrefix(c.URI, "bolt://"), "neo4j://")
	writer := storetest.MustOpenWith(t, c)
	reader := storetest.MustOpenWith(t, c)
	tag := "routing-test"
	t.Cleanup(func() { storetest.Forget(t, tag) })

	ctx, marks := store.WithBookmarks(context.Background(), nil)
	name := tag + " 学会"
	n, err := writer.Create(ctx, castgraph.KindSociety, castgraph.NodeInput{Name: &name, Source: tag})
	if err != nil {
		t.Fatal(err)
	}
	written := marks.Written()
	if len(written) == 0 {
		t.Fatal("a write through the routing driver gave no bookmark")
	}
	readCtx, _ := store.WithBookmarks(context.Background(), written)
	got, err := reader.Node(readCtx, n.ID, store.Fields{})
	if err != nil || got == nil || got.Name != name {
		t.Fatalf("read through the routing driver with the bookmark: %v %v", got, err)
	}
}
