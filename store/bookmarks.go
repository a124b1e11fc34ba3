package store

import (
	"context"
	"sync"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Causal consistency across replicas. Behind a load balancer, a client may
// write through one castgraph process and read through another, and with a
// Neo4j cluster the read may go to a secondary that has not caught up. A
// bookmark names a committed transaction: a write hands its bookmarks to
// the request (Bookmarks), the API returns them to the client, and a later
// request that brings them back makes its transactions wait until the
// server they run on has seen that write. Within one process every session
// shares the store's bookmark manager, so its own reads follow its own
// writes without the client's help.

// MaxBookmarks bounds how many bookmarks a request may bring.
const MaxBookmarks = 16

// Bookmarks are a request's: those the client brought, which every
// transaction of the request waits for, and those of the request's writes.
type Bookmarks struct {
	in  neo4j.Bookmarks
	mu  sync.Mutex
	out neo4j.Bookmarks
}

type bookmarksKey struct{}

// WithBookmarks gives a request's transactions the bookmarks the client
// brought (none is fine) and collects those of its writes.
func WithBookmarks(ctx context.Context, brought []string) (context.Context, *Bookmarks) {
	b := &Bookmarks{in: neo4j.BookmarksFromRawValues(brought...)}
	return context.WithValue(ctx, bookmarksKey{}, b), b
}

// Written returns the bookmarks of the request's writes so far: what a
// client sends back to read them through any replica.
func (b *Bookmarks) Written() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.out...)
}

func bookmarksOf(ctx context.Context) *Bookmarks {
	b, _ := ctx.Value(bookmarksKey{}).(*Bookmarks)
	return b
}

// sessionBookmarks is what a session of ctx starts from.
func sessionBookmarks(ctx context.Context) neo4j.Bookmarks {
	if b := bookmarksOf(ctx); b != nil {
		return b.in
	}
	return nil
}

// noteWrite keeps the bookmarks of a committed write for the request.
func noteWrite(ctx context.Context, session neo4j.SessionWithContext) {
	if b := bookmarksOf(ctx); b != nil {
		b.mu.Lock()
		b.out = neo4j.CombineBookmarks(b.out, session.LastBookmarks())
		b.mu.Unlock()
	}
}
