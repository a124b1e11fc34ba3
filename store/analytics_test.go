package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
)

// A path search has a transaction timeout; Neo4j enforces it (its monitor
// looks every 2 s or so), and Paths turns it into INVALID_ARGUMENT on maxHops.
func TestAnalytics_PathSearchRunsUnderATimeout(t *testing.T) {
	s := storetest.MustOpen(t)
	cut, err := store.RunWithPathsTimeout(context.Background(), s, 200*time.Millisecond,
		"UNWIND range(1, 2000000000) AS i WITH i WHERE i % 7 = 0 RETURN count(*) AS n")
	if !cut {
		t.Fatalf("a statement over the timeout was not cut: %v", err)
	}
}
