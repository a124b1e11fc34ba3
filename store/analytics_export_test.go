package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// RunWithPathsTimeout runs a read statement the way Paths does, under a
// transaction timeout, and reports whether Neo4j cut it for taking too long.
func RunWithPathsTimeout(ctx context.Context, s *Store, timeout time.Duration, cypher string) (timedOutErr bool, err error) {
	_, err = readTimeout(ctx, s, timeout, func(tx neo4j.ManagedTransaction) (int, error) {
		_, err := collect(ctx, tx, cypher, nil)
		return 0, err
	})
	return timedOut(err), err
}

// ForceListPlan makes anchored lists walk from the anchor ("anchor") or the
// name index ("walk") whatever the estimate says, until restore is called.
func ForceListPlan(plan string) (restore func()) {
	saved := preferNameWalk
	preferNameWalk = func(float64, float64, float64) bool { return plan == "walk" }
	return func() { preferNameWalk = saved }
}

// SetDuplicateScan lowers the number of nodes Duplicates compares at most
// until the test ends.
func SetDuplicateScan(t interface{ Cleanup(func()) }, n int) {
	saved := duplicateScan
	duplicateScan = n
	t.Cleanup(func() { duplicateScan = saved })
}
