package store

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Observer hears of every Cypher statement the store runs in a transaction:
// metrics and traces hang here, in the one path every statement takes
// (transact), so that no store function has to remember them. It is told
// the statement's name and whether it writes, never its text or its
// parameters, which may hold anything a client sent.
type Observer interface {
	// Statement is called as a statement starts, with the context it runs
	// under; the function it returns is called once, when the statement's
	// records have been read (or it failed, or its transaction ended).
	Statement(ctx context.Context, name string, write bool) (done func(err error))
}

// observerBox lets an Observer sit in an atomic.Pointer.
type observerBox struct{ o Observer }

// Observe makes o hear of every statement from now on (nil: none). It may
// be called while the store is in use.
func (s *Store) Observe(o Observer) {
	if o == nil {
		s.observer.Store(nil)
		return
	}
	s.observer.Store(&observerBox{o})
}

// InFlight is how many transactions are running or holding a slot of the
// store's gate now, and how many may (Config.MaxInFlight): the share of the
// driver's pool in use, as the pool itself reports nothing.
func (s *Store) InFlight() (n, max int) { return len(s.inFlight), cap(s.inFlight) }

// observedTx counts and reports the statements of one transaction attempt
// (a managed transaction retried on a transient error is a new attempt).
type observedTx struct {
	neo4j.ManagedTransaction
	n     *atomic.Int64
	obs   Observer
	name  string
	write bool
	mu    sync.Mutex
	open  []*observedResult
}

func (t *observedTx) Run(ctx context.Context, cypher string, params map[string]any) (neo4j.ResultWithContext, error) {
	t.n.Add(1)
	// A statement still open when the next starts has been left unread:
	// its time ends here.
	t.finishOpen(nil)
	done := t.obs.Statement(ctx, t.name, t.write)
	res, err := t.ManagedTransaction.Run(ctx, cypher, params)
	if err != nil {
		done(err)
		return res, err
	}
	r := &observedResult{ResultWithContext: res, done: done}
	t.mu.Lock()
	t.open = append(t.open, r)
	t.mu.Unlock()
	return r, nil
}

// finishOpen ends the statements whose records were not read to the end.
func (t *observedTx) finishOpen(err error) {
	t.mu.Lock()
	open := t.open
	t.open = nil
	t.mu.Unlock()
	for _, r := range open {
		r.finish(err)
	}
}

// observedResult ends its statement's observation once its records are
// read: Collect, Single, Consume, or Next reporting the end.
type observedResult struct {
	neo4j.ResultWithContext
	once sync.Once
	done func(error)
}

func (r *observedResult) finish(err error) { r.once.Do(func() { r.done(err) }) }

func (r *observedResult) Collect(ctx context.Context) ([]*neo4j.Record, error) {
	recs, err := r.ResultWithContext.Collect(ctx)
	r.finish(err)
	return recs, err
}

func (r *observedResult) Single(ctx context.Context) (*neo4j.Record, error) {
	rec, err := r.ResultWithContext.Single(ctx)
	r.finish(err)
	return rec, err
}

func (r *observedResult) Consume(ctx context.Context) (neo4j.ResultSummary, error) {
	sum, err := r.ResultWithContext.Consume(ctx)
	r.finish(err)
	return sum, err
}

func (r *observedResult) Next(ctx context.Context) bool {
	more := r.ResultWithContext.Next(ctx)
	if !more {
		r.finish(r.ResultWithContext.Err())
	}
	return more
}

func (r *observedResult) NextRecord(ctx context.Context, rec **neo4j.Record) bool {
	more := r.ResultWithContext.NextRecord(ctx, rec)
	if !more {
		r.finish(r.ResultWithContext.Err())
	}
	return more
}

// statementNames caches the name of each call path, keyed by the two
// return addresses above transact (read or write and their caller, or the
// caller and its own when transact is called directly or read is inlined):
// a few dozen entries, one per call site. A key costs a two-frame unwind;
// the name is worked out once per key.
var statementNames sync.Map // [2]uintptr -> string

// statementName names the statements of a transaction by the store function
// that asked for it (List, RelatedPages, Search, …): the first caller outside
// read, write and transact. Names come from the code, so there are as many
// as there are call sites, whatever clients send.
func statementName() string {
	var pcs [2]uintptr
	// Skip runtime.Callers, statementName and transact.
	runtime.Callers(3, pcs[:])
	if v, ok := statementNames.Load(pcs); ok {
		return v.(string)
	}
	name := "unknown"
	var all [8]uintptr
	n := runtime.Callers(3, all[:])
	frames := runtime.CallersFrames(all[:n])
	for {
		f, more := frames.Next()
		if short := shortFuncName(f.Function); short != "read" && short != "write" && short != "transact" {
			name = short
			break
		}
		if !more {
			break
		}
	}
	statementNames.Store(pcs, name)
	return name
}

// shortFuncName turns "github.com/…/store.(*Store).List.func1" into "List",
// "github.com/…/store.read[…]" into "read".
func shortFuncName(fn string) string {
	if i := strings.LastIndexByte(fn, '/'); i >= 0 {
		fn = fn[i+1:]
	}
	if i := strings.IndexByte(fn, '['); i >= 0 {
		fn = fn[:i]
	}
	fn = strings.TrimPrefix(fn, "store.")
	fn = strings.TrimPrefix(fn, "(*Store).")
	for {
		i := strings.LastIndex(fn, ".func")
		if i < 0 {
			break
		}
		fn = fn[:i]
	}
	if fn == "" {
		return "unknown"
	}
	return fn
}
