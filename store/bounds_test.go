package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
)

// running counts the transactions on Neo4j that run a relationship filter
// like storetest.SlowFilter's.
func running(t *testing.T) int {
	t.Helper()
	rows := storetest.Query(t, `SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery CONTAINS 'EXISTS { MATCH' AND NOT currentQuery STARTS WITH 'SHOW' RETURN count(*) AS n`, nil)
	return int(rows[0]["n"].(int64))
}

// eventually polls cond every 100 ms for up to limit.
func eventually(limit time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

func TestBounds_TransactionTimeoutStopsTheWorkOnNeo4j(t *testing.T) {
	c := storetest.Config(t)
	c.ReadTimeout = 2 * time.Second
	s := storetest.MustOpenWith(t, c)
	slow := &store.Plan{Where: storetest.SlowCond(t, s)}

	_, err := s.List(context.Background(), "Expert", slow)
	if code := castgraph.ErrorCode(err); code != castgraph.ETIMEOUT {
		t.Fatalf("got %v (%s), want TIMEOUT", err, code)
	}
	if !eventually(5*time.Second, func() bool { return running(t) == 0 }) {
		t.Fatalf("%d transactions still run on Neo4j after the timeout", running(t))
	}
}

func TestBounds_CancellingTheContextStopsTheWorkOnNeo4j(t *testing.T) {
	s := storetest.MustOpen(t)
	slow := &store.Plan{Where: storetest.SlowCond(t, s)}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := s.List(ctx, "Expert", slow)
		done <- err
	}()
	if !eventually(10*time.Second, func() bool { return running(t) > 0 }) {
		t.Fatal("the slow statement never showed in SHOW TRANSACTIONS")
	}
	cancel() // as when the client goes away
	if err := <-done; err == nil {
		t.Fatal("a cancelled statement returned no error")
	}
	if !eventually(10*time.Second, func() bool { return running(t) == 0 }) {
		t.Fatalf("%d transactions still run on Neo4j after the request was cancelled", running(t))
	}
}

func TestBounds_OverloadedWhenEverySlotIsTaken(t *testing.T) {
	c := storetest.Config(t)
	c.MaxInFlight, c.QueueWait = 1, 200*time.Millisecond
	s := storetest.MustOpenWith(t, c)
	slow := &store.Plan{Where: storetest.SlowCond(t, s)}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = s.List(ctx, "Expert", slow)
	}()
	t.Cleanup(func() { cancel(); <-done })
	if !eventually(10*time.Second, func() bool { return running(t) > 0 }) {
		t.Fatal("the slow statement never started")
	}
	_, err := s.List(context.Background(), "Society", &store.Plan{})
	if code := castgraph.ErrorCode(err); code != castgraph.EOVERLOADED {
		t.Fatalf("got %v (%s), want OVERLOADED", err, code)
	}
}

func TestBounds_ARequestsStatementsQueueBehindItsGate(t *testing.T) {
	s := storetest.MustOpen(t)
	slow := &store.Plan{Where: storetest.SlowCond(t, s)}

	ctx, cancel := context.WithCancel(store.WithRequestGate(context.Background(), 1))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = s.List(ctx, "Expert", slow)
	}()
	t.Cleanup(func() { cancel(); <-done })
	if !eventually(10*time.Second, func() bool { return running(t) > 0 }) {
		t.Fatal("the slow statement never started")
	}
	// The second statement of the same request waits for the first; it is
	// not refused, and it ends when the request does.
	second := make(chan error, 1)
	before := s.Statements()
	go func() {
		_, err := s.List(ctx, "Society", &store.Plan{})
		second <- err
	}()
	time.Sleep(500 * time.Millisecond)
	if got := s.Statements() - before; got != 0 {
		t.Fatalf("%d statements ran past a full request gate", got)
	}
	cancel()
	if err := <-second; err == nil {
		t.Fatal("the queued statement ran after its request was cancelled")
	}
}
