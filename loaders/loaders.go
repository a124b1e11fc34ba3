// Package loaders batches the reads of one GraphQL request: a relationship
// field asked of many sibling nodes becomes one store statement per distinct
// (field, arguments), not one per node. Loaders are built per request by
// Middleware and live only as long as it; they must not outlive it or be
// shared, so no request sees another's cache.
package loaders

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
	"github.com/vikstrous/dataloadgen"
)

// key names one node's relationship field with one set of arguments; the
// arguments are kept as JSON so that keys are comparable.
type key struct {
	Near  castgraph.Kind
	Field string
	ID    string
	Args  string
}

// Loaders holds the request's loaders.
type Loaders struct {
	pages  *dataloadgen.Loader[key, *store.Page]
	counts *dataloadgen.Loader[key, int]

	mu      sync.Mutex
	queries map[string]store.PageQuery // Args JSON → the query it stands for
}

// batchWait is how long a loader waits for sibling fields before it queries.
// gqlgen resolves the fields of list elements concurrently, so siblings
// normally arrive within a millisecond of each other; the margin covers a
// busy machine. It is also the latency each nested level adds.
const batchWait = 5 * time.Millisecond

// New builds a request's loaders over the store.
func New(s *store.Store) *Loaders {
	l := &Loaders{queries: map[string]store.PageQuery{}}
	l.pages = dataloadgen.NewMappedLoader(func(ctx context.Context, keys []key) (map[key]*store.Page, error) {
		out := map[key]*store.Page{}
		for g, ids := range l.group(keys) {
			pages, err := s.RelatedPages(ctx, g.Near, g.Field, ids, l.query(g.Args))
			if err != nil {
				return nil, err
			}
			for _, id := range ids {
				out[key{g.Near, g.Field, id, g.Args}] = pages[id]
			}
		}
		return out, nil
	}, dataloadgen.WithWait(batchWait))
	l.counts = dataloadgen.NewMappedLoader(func(ctx context.Context, keys []key) (map[key]int, error) {
		out := map[key]int{}
		for g, ids := range l.group(keys) {
			counts, err := s.RelatedCounts(ctx, g.Near, g.Field, ids, l.query(g.Args).Where)
			if err != nil {
				return nil, err
			}
			for _, id := range ids {
				out[key{g.Near, g.Field, id, g.Args}] = counts[id]
			}
		}
		return out, nil
	}, dataloadgen.WithWait(batchWait))
	return l
}

// group collects the ids of keys that differ only by node.
func (l *Loaders) group(keys []key) map[key][]string {
	groups := map[key][]string{}
	for _, k := range keys {
		g := key{Near: k.Near, Field: k.Field, Args: k.Args}
		groups[g] = append(groups[g], k.ID)
	}
	return groups
}

func (l *Loaders) remember(q store.PageQuery) string {
	b, _ := json.Marshal(q)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.queries[string(b)] = q
	return string(b)
}

func (l *Loaders) query(args string) store.PageQuery {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.queries[args]
}

// Related returns one page of a node's relationship field.
func (l *Loaders) Related(ctx context.Context, near castgraph.Kind, field, id string, q store.PageQuery) (*store.Page, error) {
	return l.pages.Load(ctx, key{near, field, id, l.remember(q)})
}

// RelatedCount counts a node's relationships of a field that match the filter.
func (l *Loaders) RelatedCount(ctx context.Context, near castgraph.Kind, field, id string, where map[string]any) (int, error) {
	return l.counts.Load(ctx, key{near, field, id, l.remember(store.PageQuery{Where: where})})
}

type ctxKey struct{}

// Middleware puts fresh loaders into each request's context.
func Middleware(s *store.Store, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), ctxKey{}, New(s))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// For returns the request's loaders. Outside Middleware (in a tool, say) it
// returns fresh loaders over s, which still answer correctly but batch only
// what one call asks.
func For(ctx context.Context, s *store.Store) *Loaders {
	if l, ok := ctx.Value(ctxKey{}).(*Loaders); ok {
		return l
	}
	return New(s)
}
