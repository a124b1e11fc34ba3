package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
)

// recorder is an Observer that keeps what it heard.
type recorder struct {
	mu    sync.Mutex
	heard []heard
	open  int
}

type heard struct {
	name  string
	write bool
	err   error
}

func (r *recorder) Statement(ctx context.Context, name string, write bool) func(error) {
	r.mu.Lock()
	r.open++
	r.mu.Unlock()
	var once sync.Once
	return func(err error) {
		once.Do(func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.open--
			r.heard = append(r.heard, heard{name, write, err})
		})
	}
}

// TestObserver_NamesEveryStatement: the observer hears each statement once,
// named after the store function that ran it, read or write, and every
// statement it heard start has ended when the call returns.
func TestObserver_NamesEveryStatement(t *testing.T) {
	if testing.Short() {
		t.Skip("needs Neo4j")
	}
	s := storetest.MustOpen(t)
	rec := &recorder{}
	s.Observe(rec)
	ctx := context.Background()
	before := s.Statements()
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SchemaVersion(ctx); err != nil {
		t.Fatal(err)
	}
	const name = "observer-test-token"
	t.Cleanup(func() { storetest.ForgetToken(t, name) })
	if err := s.CreateToken(ctx, store.Token{Name: name, Hash: "observer-test-hash", Role: "viewer", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.open != 0 {
		t.Errorf("%d statements never ended", rec.open)
	}
	if int64(len(rec.heard)) != s.Statements()-before {
		t.Errorf("heard %d statements, the store ran %d", len(rec.heard), s.Statements()-before)
	}
	want := map[string]bool{"Ping": false, "SchemaVersion": false, "CreateToken": true}
	seen := map[string]bool{}
	for _, h := range rec.heard {
		w, ok := want[h.name]
		if !ok || w != h.write || h.err != nil {
			t.Errorf("heard %+v", h)
		}
		seen[h.name] = true
	}
	if len(seen) != len(want) {
		t.Errorf("heard %v, want %v", seen, want)
	}
	s.Observe(nil)
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if n, max := s.InFlight(); n != 0 || max != store.DefaultMaxInFlight {
		t.Errorf("InFlight() = %d, %d", n, max)
	}
}
