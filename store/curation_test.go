package store_test

import (
	"context"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
)

// A kind with more nodes than Duplicates may compare is refused before any
// of its nodes are read.
func TestDuplicates_RefusesAKindTooBig(t *testing.T) {
	s := storetest.MustOpen(t)
	loadDemo(t, s)
	store.SetDuplicateScan(t, 3)
	_, err := s.Duplicates(context.Background(), castgraph.KindExpert, 20)
	if castgraph.ErrorCode(err) != castgraph.EINVALID {
		t.Fatalf("got %v", err)
	}
	if _, err := s.Duplicates(context.Background(), castgraph.KindPlan, 20); err != nil {
		t.Fatalf("a kind within the bound: %v", err)
	}
}
