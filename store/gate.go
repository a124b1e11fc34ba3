package store

import (
	"context"
	"time"

	"github.com/castgraph/castgraph"
)

// Execution bounds. Every transaction the store runs passes two gates first:
// the request's (how many of its statements may run at once, so that one
// request of many root fields cannot take every connection) and the store's
// (no more transactions in flight than the driver's pool serves, so that a
// crowd waits here briefly and is turned away with OVERLOADED instead of
// failing inside the driver as UNAVAILABLE). Each transaction then carries a
// timeout that Neo4j enforces, so that work stops on the server too.
const (
	// DefaultMaxInFlight is how many transactions a store runs at once, and
	// the size of the driver's connection pool.
	DefaultMaxInFlight = 64
	// DefaultQueueWait is how long a transaction waits for a free slot
	// before the store answers OVERLOADED.
	DefaultQueueWait = 2 * time.Second
	// DefaultReadTimeout and DefaultWriteTimeout bound one transaction.
	// Writes get longer: a roster batch or a dataset load is one transaction.
	DefaultReadTimeout  = 15 * time.Second
	DefaultWriteTimeout = 2 * time.Minute
	// DefaultPerRequest is how many statements of one request run at once.
	DefaultPerRequest = 4
)

// gate is a counting semaphore.
type gate chan struct{}

// enter takes a slot, waiting at most wait (or until ctx ends).
func (g gate) enter(ctx context.Context, wait time.Duration) error {
	select {
	case g <- struct{}{}:
		return nil
	default:
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case g <- struct{}{}:
		return nil
	case <-ctx.Done():
		return castgraph.Errorf(castgraph.EUNAVAILABLE, "", "the request was cancelled or timed out")
	case <-timer.C:
		return castgraph.Errorf(castgraph.EOVERLOADED, "", "the server is busy: %d transactions in flight; retry in a moment", cap(g))
	}
}

func (g gate) leave() { <-g }

type requestGateKey struct{}

// WithRequestGate bounds how many of the statements run with ctx (or a
// context derived from it) go to Neo4j at once; the HTTP layer gives each
// request one. n ≤ 0 means DefaultPerRequest.
func WithRequestGate(ctx context.Context, n int) context.Context {
	if n <= 0 {
		n = DefaultPerRequest
	}
	return context.WithValue(ctx, requestGateKey{}, make(gate, n))
}

// enterGates takes a slot of the request's gate (waiting as long as the
// request may: its own statements are queued, not refused) and then one of
// the store's; leave gives both back.
func (s *Store) enterGates(ctx context.Context) (leave func(), err error) {
	if ctx.Err() != nil {
		// The client left or the deadline passed: start nothing more.
		return nil, s.mapError(ctx.Err())
	}
	req, _ := ctx.Value(requestGateKey{}).(gate)
	if req != nil {
		select {
		case req <- struct{}{}:
		case <-ctx.Done():
			return nil, castgraph.Errorf(castgraph.EUNAVAILABLE, "", "the request was cancelled or timed out")
		}
	}
	if err := s.inFlight.enter(ctx, s.queueWait); err != nil {
		if req != nil {
			req.leave()
		}
		return nil, err
	}
	return func() {
		s.inFlight.leave()
		if req != nil {
			req.leave()
		}
	}, nil
}

// txTimeout is the timeout for one transaction: limit, or what is left of
// the context's deadline when that is sooner (so that Neo4j stops when the
// request gives up), never under a second (Neo4j counts whole milliseconds,
// and a transaction with no time left fails at once).
func txTimeout(ctx context.Context, limit time.Duration) time.Duration {
	if deadline, ok := ctx.Deadline(); ok {
		if left := time.Until(deadline); left < limit {
			return max(left, time.Second)
		}
	}
	return limit
}
