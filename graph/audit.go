package graph

import (
	"context"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/graph/model"
	"github.com/castgraph/castgraph/store"
)

// AuditLog is auditLog (schema/audit.graphqls): one page of the audit log,
// newest first, for admins (@requires(permission: ADMIN) checks before this
// runs).
func (r *queryResolver) AuditLog(ctx context.Context, actor, nodeID, action *string, since, until *time.Time, first *int, after *string) (*model.AuditConnection, error) {
	q := store.AuditQuery{Actor: deref(actor), Node: deref(nodeID), Action: deref(action), First: 50, After: deref(after)}
	if first != nil {
		q.First = *first
	}
	if since != nil {
		q.Since = *since
	}
	if until != nil {
		q.Until = *until
	}
	page, err := r.Store.AuditLog(ctx, q)
	if err != nil {
		return nil, err
	}
	conn := &model.AuditConnection{Edges: []*model.AuditEdge{}, Nodes: []*model.AuditEntry{}, PageInfo: &model.PageInfo{HasNextPage: page.HasNextPage}}
	for i, e := range page.Entries {
		entry := &model.AuditEntry{ID: e.ID, At: e.At, Actor: e.Actor, Action: e.Action, Nodes: e.Nodes, NodeCount: e.Count, Detail: e.Detail}
		conn.Edges = append(conn.Edges, &model.AuditEdge{Cursor: page.Cursors[i], Node: entry})
		conn.Nodes = append(conn.Nodes, entry)
	}
	if n := len(page.Cursors); n > 0 {
		conn.PageInfo.StartCursor, conn.PageInfo.EndCursor = &page.Cursors[0], &page.Cursors[n-1]
	}
	// after is a position in the log, not a page number: whether entries
	// come before it is not asked of the database.
	conn.PageInfo.HasPreviousPage = after != nil && *after != ""
	return conn, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Provenance resolves Provenance.assertedBy, which gqlgen cannot bind to
// castgraph.Provenance.Assertions itself (the root package knows nothing of
// the GraphQL models).
func (r *Resolver) Provenance() ProvenanceResolver { return provenanceResolver{} }

type provenanceResolver struct{}

func (provenanceResolver) AssertedBy(ctx context.Context, p *castgraph.Provenance) ([]*model.Assertion, error) {
	out := make([]*model.Assertion, len(p.Assertions))
	for i, a := range p.Assertions {
		out[i] = &model.Assertion{Source: a.Source, Actor: a.Actor}
	}
	return out, nil
}
