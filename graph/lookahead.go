package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/loaders"
	"github.com/castgraph/castgraph/store"
	"github.com/vektah/gqlparser/v2/ast"
)

// readAhead turns the relationship fields that a root field's selection
// asks of its nodes, and theirs below, into branches for the store to read
// in one statement with the nodes themselves (store.ListWith) or right
// after (lookAhead); preload then leaves the answers in the request's
// loaders under the branches' plans, which are the plans the fields'
// resolvers get (planField: one plan per place in the query). What is not
// read ahead (below a level of several kinds, past the tree's limits, a
// field whose plan is refused) the loaders fetch one statement a level, and
// so does everything when the branches do not compile: the fields then
// report their own errors at their own paths.
//
// place is the root field's place (its response key); roots is how many
// nodes it may return (its page size). A branch whose rows, multiplied out
// along its path, could pass maxTreeRows is not read ahead, so that one
// statement stays bounded however large the pages a query asks for.
func readAhead(ctx context.Context, op *graphql.OperationContext, l *loaders.Loaders, kind castgraph.Kind, place string, nodeSel ast.SelectionSet, roots int) []store.Branch {
	budget := store.MaxTreeBranches
	return branchesOf(ctx, op, l, kind, place, nodeSel, 1, roots, &budget)
}

// maxTreeRows bounds the rows one read-ahead statement may produce at its
// deepest level: 20 × 20 × 20 × 20 nodes of a four-level selection fit,
// 500 × 1000 × 1000 do not (their levels go one statement each).
const maxTreeRows = 200_000

// lookAhead reads ahead for nodes a root field already has (node(id)): the
// branches below them in one statement.
func (r *Resolver) lookAhead(ctx context.Context, kind castgraph.Kind, nodes []*castgraph.Node) {
	fc := graphql.GetFieldContext(ctx)
	if len(nodes) == 0 || !graphql.HasOperationContext(ctx) || fc == nil || fc.Field.Field == nil {
		return
	}
	l := loaders.For(ctx, r.Store)
	branches := readAhead(ctx, graphql.GetOperationContext(ctx), l, kind, placeOf(fc), fc.Field.Selections, len(nodes))
	if len(branches) == 0 {
		return
	}
	ids := make([]string, 0, len(nodes))
	seen := map[string]bool{}
	for _, n := range nodes {
		if !seen[n.ID] {
			seen[n.ID] = true
			ids = append(ids, n.ID)
		}
	}
	tree, err := r.Store.RelatedTree(ctx, kind, ids, branches)
	if err != nil {
		return
	}
	under := make(map[*castgraph.Node]map[*store.Plan]*store.Fetched, len(nodes))
	for _, n := range nodes {
		under[n] = tree[n.ID]
	}
	preload(l, branches, under)
}

// preload leaves each node's answers in the loaders, branch by branch; the
// far nodes of a branch become one family, so that fields below the tree
// still cost one statement for all of them.
func preload(l *loaders.Loaders, branches []store.Branch, under map[*castgraph.Node]map[*store.Plan]*store.Fetched) {
	for _, br := range branches {
		next := map[*castgraph.Node]map[*store.Plan]*store.Fetched{}
		var family []*castgraph.Node
		for near, answers := range under {
			f := answers[br.Plan]
			if f == nil {
				continue
			}
			l.Preload(near, br.Plan, f)
			family = append(family, f.Page.Nodes...)
			for _, far := range f.Page.Nodes {
				next[far] = f.Under[far]
			}
		}
		l.Adopt(family)
		if len(br.Plan.Branches) > 0 {
			preload(l, br.Plan.Branches, next)
		}
	}
}

// branchesOf turns the relationship fields that a node selection asks of a
// kind at a place into branches, each with the plan its resolver will get,
// recursing into the far nodes' selections while depth, the budget of
// branches and the bound on rows allow; rows is how many nodes of the kind
// the levels above may hold.
func branchesOf(ctx context.Context, op *graphql.OperationContext, l *loaders.Loaders, kind castgraph.Kind, place string, nodeSel ast.SelectionSet, depth, rows int, budget *int) []store.Branch {
	if depth > store.MaxTreeDepth {
		return nil
	}
	var out []store.Branch
	for _, f := range graphql.CollectFields(op, nodeSel, []string{string(kind), "Node"}) {
		end, ok := castgraph.RelationField(kind, f.Name)
		if !ok || f.Definition == nil || *budget == 0 {
			continue
		}
		far := end.FarKind()
		at := place + "." + f.Alias
		// The plan is built here, before any resolver of the place runs,
		// and its branches with it; a place planned already (by a resolver
		// that ran first) is not read ahead.
		fits := false
		plan, err := l.Plan(kind, at, func() (*store.Plan, error) {
			p, err := buildPlan(ctx, op, f, far)
			if err != nil {
				return nil, err
			}
			below := rows * p.Window.Size(castgraph.DefaultRelatedPage)
			if below > maxTreeRows {
				return p, nil
			}
			fits = true
			*budget--
			if far != "" {
				p.Branches = branchesOf(ctx, op, l, far, at, nodeSelections(op, f.Definition.Type.Name(), f.Selections), depth+1, below, budget)
			}
			return p, nil
		})
		if err != nil || !fits {
			continue // a refused plan is reported by the field's resolver, at its own path
		}
		out = append(out, store.Branch{Field: f.Name, Plan: plan})
	}
	return out
}

// nodeSelections merges what a connection's selection asks of its nodes,
// through nodes { … } and edges { node { … } }.
func nodeSelections(op *graphql.OperationContext, connType string, connSel ast.SelectionSet) ast.SelectionSet {
	var out ast.SelectionSet
	for _, f := range graphql.CollectFields(op, connSel, []string{connType}) {
		switch f.Name {
		case "nodes":
			out = append(out, f.Selections...)
		case "edges":
			if f.Definition == nil {
				continue
			}
			for _, e := range graphql.CollectFields(op, f.Selections, []string{f.Definition.Type.Name()}) {
				if e.Name == "node" {
					out = append(out, e.Selections...)
				}
			}
		}
	}
	return out
}
