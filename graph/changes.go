package graph

import (
	"context"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/graph/model"
	"github.com/castgraph/castgraph/store"
)

// Changes is the change feed (schema/changes.graphqls). A kinds or
// relationshipTypes list given empty keeps none; omitted, every one.
func (r *queryResolver) Changes(ctx context.Context, since time.Time, until *time.Time, kinds, relationshipTypes, sources []string, first *int, after *string) (*model.ChangeConnection, error) {
	q := store.ChangeQuery{Since: since, Sources: sources, First: intArg(first, 100), After: deref(after)}
	if until != nil {
		q.Until = *until
	}
	if kinds != nil {
		q.Kinds = []castgraph.Kind{}
		for _, k := range kinds {
			q.Kinds = append(q.Kinds, castgraph.Kind(k))
		}
	}
	if relationshipTypes != nil {
		q.Types = []castgraph.RelType{}
		for _, t := range relationshipTypes {
			q.Types = append(q.Types, castgraph.RelType(t))
		}
	}
	page, err := r.Store.Changes(ctx, q)
	if err != nil {
		return nil, err
	}
	conn := &model.ChangeConnection{Edges: []*model.ChangeEdge{}, Nodes: []*model.Change{}, PageInfo: &model.PageInfo{HasNextPage: page.HasNextPage, HasPreviousPage: q.After != ""}}
	for _, c := range page.Changes {
		view := &model.Change{At: c.At, Action: model.ChangeActionChanged}
		if c.Created {
			view.Action = model.ChangeActionCreated
		}
		if c.Node != nil {
			view.Node = model.Wrap(c.Node)
		} else {
			rel := &model.Relationship{Type: string(c.RelType), From: model.Wrap(c.Rel.From), To: model.Wrap(c.Rel.To), Provenance: &c.Rel.Provenance}
			relationshipProps(rel, c.Rel.Props)
			view.Relationship = rel
		}
		conn.Edges = append(conn.Edges, &model.ChangeEdge{Cursor: c.Cursor, Node: view})
		conn.Nodes = append(conn.Nodes, view)
	}
	if n := len(page.Changes); n > 0 {
		conn.PageInfo.StartCursor, conn.PageInfo.EndCursor = &page.Changes[0].Cursor, &page.Changes[n-1].Cursor
	}
	return conn, nil
}
