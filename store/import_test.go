package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
)

func TestImportTx_RowsAreWholeOrNotAtAll(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	src := fmt.Sprintf("import tx test %d", time.Now().UnixNano())
	unload(t, src)
	t.Cleanup(func() { unload(t, src) })
	key := "import-tx-" + src
	society := store.NodeUpsert{Key: key + "-society", ID: "society/" + key, Name: "学会 " + src, Sources: []string{src}}
	row := func(to string) store.RowUpsert {
		return store.RowUpsert{
			Node: store.NodeUpsert{Key: key, ID: "expert/" + key, Name: "专家 " + src, Props: map[string]any{"title": "教授"}, Sources: []string{src}},
			Rels: []store.RelTo{{Type: castgraph.RelMemberOf, To: to, Props: map[string]any{"role": "会员"}, Sources: []string{src}}},
		}
	}
	// A relationship to a node that is not there fails the transaction:
	// neither the society written before it nor the expert stays.
	err := s.ImportWrite(ctx, func(tx *store.ImportTx) error {
		if _, err := tx.UpsertNodes(castgraph.KindSociety, []store.NodeUpsert{society}); err != nil {
			return err
		}
		_, err := tx.UpsertRows(castgraph.KindExpert, []store.RowUpsert{row("society/nowhere-" + key)})
		return err
	})
	if castgraph.ErrorCode(err) != castgraph.ECONFLICT {
		t.Fatalf("err = %v, want CONFLICT", err)
	}
	if nodes, rels := bySource(t, src); nodes != 0 || rels != 0 {
		t.Fatalf("a failed transaction left %d nodes and %d relationships", nodes, rels)
	}
	// Written whole, then again: the second time creates and updates nothing.
	for i, want := range []store.RowsResult{{NodesCreated: 1, RelationshipsCreated: 1}, {}} {
		var res store.RowsResult
		if err := s.ImportWrite(ctx, func(tx *store.ImportTx) error {
			if _, err := tx.UpsertNodes(castgraph.KindSociety, []store.NodeUpsert{society}); err != nil {
				return err
			}
			var err error
			res, err = tx.UpsertRows(castgraph.KindExpert, []store.RowUpsert{row("society/" + key)})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if res.NodesCreated != want.NodesCreated || res.NodesUpdated != 0 || res.RelationshipsCreated != want.RelationshipsCreated || res.RelationshipsUpdated != 0 {
			t.Errorf("run %d: %+v", i+1, res)
		}
		if res.IDs[key] != "expert/"+key {
			t.Errorf("run %d: ids %v", i+1, res.IDs)
		}
	}
	// A dry run's transaction reads but cannot write.
	err = s.ImportRead(ctx, func(tx *store.ImportTx) error {
		found, err := tx.ByKey(castgraph.KindExpert, []string{key})
		if err != nil || found[key].ID != "expert/"+key {
			t.Errorf("ByKey: %v, %v", found, err)
		}
		_, err = tx.UpsertNodes(castgraph.KindSociety, []store.NodeUpsert{society})
		return err
	})
	if err == nil {
		t.Error("a read transaction wrote")
	}
}
