package graph

import (
	"context"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/graph/model"
)

// Duplicates is duplicates (schema/curation.graphqls): likely duplicates of
// a kind, for curators (@requires(permission: WRITE) checks first).
func (r *queryResolver) Duplicates(ctx context.Context, kind string, first *int) ([]*model.DuplicateGroup, error) {
	n := 20
	if first != nil {
		n = *first
	}
	groups, err := r.Store.Duplicates(ctx, castgraph.Kind(kind), n)
	if err != nil {
		return nil, err
	}
	out := make([]*model.DuplicateGroup, 0, len(groups))
	for _, g := range groups {
		view := &model.DuplicateGroup{Reason: model.DuplicateReason(g.Reason), Key: g.Key}
		for _, node := range g.Nodes {
			view.Nodes = append(view.Nodes, model.Wrap(node))
		}
		out = append(out, view)
	}
	return out, nil
}

// MergeNodes is mergeNodes: one node folded into another of its kind.
func (r *mutationResolver) MergeNodes(ctx context.Context, keep, remove string, source *string) (*model.MergeResult, error) {
	res, err := r.Store.Merge(ctx, keep, remove, deref(source))
	if err != nil {
		return nil, err
	}
	return &model.MergeResult{Node: model.Wrap(res.Node), Moved: res.Moved, Joined: res.Joined, Dropped: res.Dropped}, nil
}
