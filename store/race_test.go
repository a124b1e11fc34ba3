package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
)

// TestWritesRacingDelete races link, unlink and update against the delete of
// one of their nodes, on the real database. Whichever commits first, the
// loser must hear NOT_FOUND (the node is gone) or CONFLICT, never INTERNAL:
// a client cannot tell a race from a bug otherwise.
func TestWritesRacingDelete(t *testing.T) {
	if testing.Short() {
		t.Skip("needs Neo4j")
	}
	s := storetest.MustOpen(t)
	ctx := context.Background()
	tag := fmt.Sprintf("race %d", time.Now().UnixNano())
	t.Cleanup(func() { storetest.Forget(t, tag) })
	create := func(kind castgraph.Kind, name string) string {
		t.Helper()
		n, err := s.Create(ctx, kind, castgraph.NodeInput{Name: &name, Source: tag})
		if err != nil {
			t.Fatal(err)
		}
		return n.ID
	}
	allowed := func(what string, err error) {
		if err == nil {
			return
		}
		if c := castgraph.ErrorCode(err); c != castgraph.ENOTFOUND && c != castgraph.ECONFLICT {
			t.Errorf("%s: %v (code %s), want NOT_FOUND or CONFLICT", what, err, c)
		}
	}
	for i := range 50 {
		expert := create(castgraph.KindExpert, fmt.Sprintf("%s expert %d", tag, i))
		ent := create(castgraph.KindEnterprise, fmt.Sprintf("%s enterprise %d", tag, i))
		title := "教授"
		var wg sync.WaitGroup
		wg.Go(func() {
			_, err := s.Link(ctx, store.Link{Type: castgraph.RelServes, From: expert, To: ent, Source: tag})
			allowed("link", err)
		})
		wg.Go(func() {
			_, err := s.Unlink(ctx, castgraph.RelServes, expert, ent)
			allowed("unlink", err)
		})
		wg.Go(func() {
			_, err := s.Update(ctx, castgraph.KindEnterprise, ent, castgraph.NodeInput{Props: map[string]any{"category": title}, Source: tag})
			allowed("update", err)
		})
		wg.Go(func() { allowed("delete", s.Delete(ctx, castgraph.KindEnterprise, ent)) })
		wg.Go(func() { allowed("delete expert", s.Delete(ctx, castgraph.KindExpert, expert)) })
		wg.Wait()
	}
}
