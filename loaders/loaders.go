// Package loaders batches the reads of one GraphQL request: every
// relationship field asked of many sibling nodes becomes one store call per
// (type, direction, limit), not one per node. Loaders are built per request by
// Middleware and live only as long as it; they must not outlive it or be
// shared, so no request sees another's cache.
package loaders

import (
	"context"
	"net/http"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
	"github.com/vikstrous/dataloadgen"
)

// RelatedKey asks for the relationships of one node of one type in one direction.
type RelatedKey struct {
	ID       string
	Type     castgraph.RelType
	Outgoing bool
	Limit    int
}

// Loaders holds the request's loaders.
type Loaders struct {
	related *dataloadgen.Loader[RelatedKey, []castgraph.Edge]
}

// batchWait is how long a loader waits for sibling fields before it queries.
// gqlgen resolves the fields of list elements concurrently, so siblings
// arrive within microseconds of each other.
const batchWait = 2 * time.Millisecond

// New builds a request's loaders over the store.
func New(s *store.Store) *Loaders {
	return &Loaders{
		related: dataloadgen.NewMappedLoader(func(ctx context.Context, keys []RelatedKey) (map[RelatedKey][]castgraph.Edge, error) {
			return fetchRelated(ctx, s, keys)
		}, dataloadgen.WithWait(batchWait)),
	}
}

// fetchRelated groups keys that differ only by node id and asks the store once per group.
func fetchRelated(ctx context.Context, s *store.Store, keys []RelatedKey) (map[RelatedKey][]castgraph.Edge, error) {
	type group struct {
		rel      castgraph.RelType
		outgoing bool
		limit    int
	}
	ids := map[group][]string{}
	for _, k := range keys {
		g := group{k.Type, k.Outgoing, k.Limit}
		ids[g] = append(ids[g], k.ID)
	}
	out := make(map[RelatedKey][]castgraph.Edge, len(keys))
	for g, list := range ids {
		edges, err := s.Related(ctx, list, g.rel, g.outgoing, g.limit)
		if err != nil {
			return nil, err
		}
		for _, id := range list {
			out[RelatedKey{id, g.rel, g.outgoing, g.limit}] = edges[id]
		}
	}
	return out, nil
}

// Related returns the relationships that the key asks for.
func (l *Loaders) Related(ctx context.Context, key RelatedKey) ([]castgraph.Edge, error) {
	return l.related.Load(ctx, key)
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
