// Package loaders batches the reads of one GraphQL request: a relationship
// field asked of many sibling nodes becomes one store statement per distinct
// (field, arguments), not one per node. Loaders are built per request by
// Middleware and live only as long as it; they must not outlive it or be
// shared, so no request sees another's cache.
//
// Every connection field is planned once per request and place in the query
// (graph builds the plans; Plan keeps them here), and the loaders key
// everything by the plan: sibling nodes asking for the same field share it.
//
// Three ways lead to an answer, tried in this order. A root field may have read
// ahead (graph's lookAhead: a whole nested selection in one statement) and
// preloaded the answers for each node and plan. Nodes that one
// statement returned (a list field's page, or every page of one batched
// relationship field) form a family: the first of them to ask for a
// relationship field fetches it for the whole family at once, and the others
// find the answer ready, so each level costs one statement and never waits.
// Nodes the loaders did not see come out of the store (a mutation's result,
// a search hit) fall back to dataloadgen, which waits batchWait for siblings
// before it queries.
package loaders

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
	"github.com/vikstrous/dataloadgen"
)

// key names one node's relationship field under one plan.
type key struct {
	Near  castgraph.Kind
	Field string
	ID    string
	Plan  *store.Plan
}

// family is the nodes one statement returned, by kind, each id once.
type family struct {
	ids map[castgraph.Kind][]string
}

// familyFetch is one relationship field (under one plan) fetched for a
// whole family: pages, or counts when count is set.
type familyFetch struct {
	fam   *family
	near  castgraph.Kind
	field string
	plan  *store.Plan
	count bool
}

// fetched is the answer of a familyFetch, filled once.
type fetched struct {
	once   sync.Once
	pages  map[string]*store.Page
	counts map[string]int
	err    error
}

// Reader is what the loaders read: relationship pages and counts of many
// nodes in one statement each. *store.Store is the one implementation;
// the interface says how little of the store batching needs.
type Reader interface {
	RelatedPages(ctx context.Context, near castgraph.Kind, field string, ids []string, p *store.Plan) (map[string]*store.Page, error)
	RelatedCounts(ctx context.Context, near castgraph.Kind, field string, ids []string, where store.Cond) (map[string]int, error)
}

// Loaders holds the request's loaders.
type Loaders struct {
	store  Reader
	pages  *dataloadgen.Loader[key, *store.Page]
	counts *dataloadgen.Loader[key, int]

	mu       sync.Mutex
	plans    map[placeKey]*planned
	families map[*castgraph.Node]*family
	fetches  map[familyFetch]*fetched
	preloads map[preloadKey]*store.Fetched

	observe BatchObserver
}

// BatchObserver hears the size of every batched read: loader is "family"
// (the nodes one statement returned) or "dataloader" (dataloadgen's
// fallback), what is "pages" or "counts", size the nodes read for.
type BatchObserver func(loader, what string, size int)

// placeKey names a connection field at one place in a query, asked of
// nodes of one kind.
type placeKey struct {
	near  castgraph.Kind
	place string
}

// planned is a place's plan, built once.
type planned struct {
	once sync.Once
	plan *store.Plan
	err  error
}

// preloadKey names a relationship field asked of one node under a plan.
type preloadKey struct {
	near *castgraph.Node
	plan *store.Plan
}

// batchWait is how long the fallback loader waits for sibling fields before
// it queries. gqlgen resolves the fields of list elements concurrently, so
// siblings normally arrive within a millisecond of each other; the margin
// covers a busy machine. It is also the latency each such level adds.
const batchWait = 5 * time.Millisecond

// New builds a request's loaders over the store.
func New(s Reader) *Loaders { return NewObserved(s, nil) }

// NewObserved builds a request's loaders that tell observe (when not nil)
// the size of each batch.
func NewObserved(s Reader, observe BatchObserver) *Loaders {
	if observe == nil {
		observe = func(string, string, int) {}
	}
	l := &Loaders{store: s, observe: observe, plans: map[placeKey]*planned{},
		families: map[*castgraph.Node]*family{}, fetches: map[familyFetch]*fetched{}, preloads: map[preloadKey]*store.Fetched{}}
	l.pages = dataloadgen.NewMappedLoader(func(ctx context.Context, keys []key) (map[key]*store.Page, error) {
		out := map[key]*store.Page{}
		for g, ids := range l.group(keys) {
			l.observe("dataloader", "pages", len(ids))
			pages, err := s.RelatedPages(ctx, g.Near, g.Field, ids, g.Plan)
			if err != nil {
				return nil, err
			}
			l.adoptPages(pages)
			for _, id := range ids {
				out[key{g.Near, g.Field, id, g.Plan}] = pages[id]
			}
		}
		return out, nil
	}, dataloadgen.WithWait(batchWait))
	l.counts = dataloadgen.NewMappedLoader(func(ctx context.Context, keys []key) (map[key]int, error) {
		out := map[key]int{}
		for g, ids := range l.group(keys) {
			l.observe("dataloader", "counts", len(ids))
			counts, err := s.RelatedCounts(ctx, g.Near, g.Field, ids, g.Plan.Where)
			if err != nil {
				return nil, err
			}
			for _, id := range ids {
				out[key{g.Near, g.Field, id, g.Plan}] = counts[id]
			}
		}
		return out, nil
	}, dataloadgen.WithWait(batchWait))
	return l
}

// Adopt makes the nodes one family: the nodes a single statement returned,
// whose relationship fields are then fetched for all of them at once.
func (l *Loaders) Adopt(nodes []*castgraph.Node) {
	fam := &family{ids: map[castgraph.Kind][]string{}}
	seen := map[string]bool{}
	for _, n := range nodes {
		if !seen[n.ID] {
			seen[n.ID] = true
			fam.ids[n.Kind] = append(fam.ids[n.Kind], n.ID)
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, n := range nodes {
		l.families[n] = fam
	}
}

// adoptPages makes the nodes of pages from one statement one family.
func (l *Loaders) adoptPages(pages map[string]*store.Page) {
	var nodes []*castgraph.Node
	for _, p := range pages {
		nodes = append(nodes, p.Nodes...)
	}
	l.Adopt(nodes)
}

// group collects the ids of keys that differ only by node.
func (l *Loaders) group(keys []key) map[key][]string {
	groups := map[key][]string{}
	for _, k := range keys {
		g := key{Near: k.Near, Field: k.Field, Plan: k.Plan}
		groups[g] = append(groups[g], k.ID)
	}
	return groups
}

// Plan returns the plan of the connection field at a place in the query
// (graph's placeOf), asked of nodes of kind near, building it the first time.
// Every node asking for the field there gets the same plan, and so the same
// batch and the same answers read ahead.
func (l *Loaders) Plan(near castgraph.Kind, place string, build func() (*store.Plan, error)) (*store.Plan, error) {
	k := placeKey{near, place}
	l.mu.Lock()
	p := l.plans[k]
	if p == nil {
		p = &planned{}
		l.plans[k] = p
	}
	l.mu.Unlock()
	p.once.Do(func() { p.plan, p.err = build() })
	return p.plan, p.err
}

// forFamily returns the shared answer of a field for near's family, or nil
// when near belongs to none.
func (l *Loaders) forFamily(near *castgraph.Node, field string, p *store.Plan, count bool) (*familyFetch, *fetched) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fam := l.families[near]
	if fam == nil {
		return nil, nil
	}
	ff := familyFetch{fam: fam, near: near.Kind, field: field, plan: p, count: count}
	f := l.fetches[ff]
	if f == nil {
		f = &fetched{}
		l.fetches[ff] = f
	}
	return &ff, f
}

// Preload leaves an answer read ahead for a node's relationship field
// under the plan.
func (l *Loaders) Preload(near *castgraph.Node, p *store.Plan, f *store.Fetched) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.preloads[preloadKey{near, p}] = f
}

// preloaded returns the answer read ahead for the node's field under the plan.
func (l *Loaders) preloaded(near *castgraph.Node, p *store.Plan) *store.Fetched {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.preloads[preloadKey{near, p}]
}

// Related returns one page of a node's relationship field under the plan,
// and a counter of all its matches (for totalCount). With countOnly (the
// client asked for totalCount alone) the page is left empty and unread.
func (l *Loaders) Related(ctx context.Context, near *castgraph.Node, field string, p *store.Plan, countOnly bool) (*store.Page, func(context.Context) (int, error), error) {
	count := func(ctx context.Context) (int, error) { return l.relatedCount(ctx, near, field, p) }
	if f := l.preloaded(near, p); f != nil {
		if f.Counted {
			count = func(context.Context) (int, error) { return f.Count, nil }
		}
		return f.Page, count, nil
	}
	if countOnly {
		return store.EmptyPage(), count, store.CheckRelated(near.Kind, field, p)
	}
	page, err := l.related(ctx, near, field, p)
	return page, count, err
}

func (l *Loaders) related(ctx context.Context, near *castgraph.Node, field string, p *store.Plan) (*store.Page, error) {
	ff, f := l.forFamily(near, field, p, false)
	if f == nil {
		return l.pages.Load(ctx, key{near.Kind, field, near.ID, p})
	}
	f.once.Do(func() {
		l.observe("family", "pages", len(ff.fam.ids[ff.near]))
		f.pages, f.err = l.store.RelatedPages(ctx, ff.near, field, ff.fam.ids[ff.near], p)
		if f.err == nil {
			l.adoptPages(f.pages)
		}
	})
	return f.pages[near.ID], f.err
}

// relatedCount counts a node's relationships of a field whose far nodes
// match the plan's filter.
func (l *Loaders) relatedCount(ctx context.Context, near *castgraph.Node, field string, p *store.Plan) (int, error) {
	ff, f := l.forFamily(near, field, p, true)
	if f == nil {
		return l.counts.Load(ctx, key{near.Kind, field, near.ID, p})
	}
	f.once.Do(func() {
		l.observe("family", "counts", len(ff.fam.ids[ff.near]))
		f.counts, f.err = l.store.RelatedCounts(ctx, ff.near, field, ff.fam.ids[ff.near], p.Where)
	})
	return f.counts[near.ID], f.err
}

type ctxKey struct{}

// Middleware puts fresh loaders into each request's context.
func Middleware(s Reader, next http.Handler) http.Handler {
	return MiddlewareObserved(s, nil, next)
}

// MiddlewareObserved is Middleware with loaders that tell observe the size
// of each batch.
func MiddlewareObserved(s Reader, observe BatchObserver, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), ctxKey{}, NewObserved(s, observe))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// For returns the request's loaders. Outside Middleware (in a tool, say) it
// returns fresh loaders over s, which still answer correctly but batch only
// what one call asks.
func For(ctx context.Context, s Reader) *Loaders {
	if l, ok := ctx.Value(ctxKey{}).(*Loaders); ok {
		return l
	}
	return New(s)
}
