package graph

import (
	"context"
	"encoding/json"
	"math"

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
// loaders, where relatedPage finds them under their response keys. What is
// not read ahead (below a level of several kinds, past the tree's limits, an
// argument it cannot read) the loaders fetch one statement a level, and so
// does everything when the branches do not compile: the fields then report
// their own errors at their own paths.
//
// roots is how many nodes the root field may return (its page size); a
// branch whose rows, multiplied out along its path, could pass maxTreeRows
// is not read ahead, so that one statement stays bounded however large the
// pages a query asks for.
func readAhead(ctx context.Context, op *graphql.OperationContext, kind castgraph.Kind, nodeSel ast.SelectionSet, roots int) []store.Branch {
	budget := store.MaxTreeBranches
	return branchesOf(ctx, op, kind, nodeSel, 1, roots, &budget)
}

// maxTreeRows bounds the rows one read-ahead statement may produce at its
// deepest level: 20 × 20 × 20 × 20 nodes of a four-level selection fit,
// 500 × 1000 × 1000 do not (their levels go one statement each).
const maxTreeRows = 200_000

// lookAhead reads ahead for nodes a root field already has (node(id)): the
// branches below them in one statement.
func (r *Resolver) lookAhead(ctx context.Context, kind castgraph.Kind, nodes []*castgraph.Node, nodeSel ast.SelectionSet) {
	if len(nodes) == 0 || !graphql.HasOperationContext(ctx) {
		return
	}
	branches := readAhead(ctx, graphql.GetOperationContext(ctx), kind, nodeSel, len(nodes))
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
	under := make(map[*castgraph.Node]map[string]*store.Fetched, len(nodes))
	for _, n := range nodes {
		under[n] = tree[n.ID]
	}
	preload(loaders.For(ctx, r.Store), branches, under)
}

// preload leaves each node's answers in the loaders, branch by branch; the
// far nodes of a branch become one family, so that fields below the tree
// still cost one statement for all of them.
func preload(l *loaders.Loaders, branches []store.Branch, under map[*castgraph.Node]map[string]*store.Fetched) {
	for _, br := range branches {
		next := map[*castgraph.Node]map[string]*store.Fetched{}
		var family []*castgraph.Node
		for near, answers := range under {
			f := answers[br.Key]
			if f == nil {
				continue
			}
			l.Preload(near, br.Key, br.Query, f)
			family = append(family, f.Page.Nodes...)
			for _, far := range f.Page.Nodes {
				next[far] = f.Under[far]
			}
		}
		l.Adopt(family)
		if len(br.Branches) > 0 {
			preload(l, br.Branches, next)
		}
	}
}

// branchesOf turns the relationship fields that a node selection asks of a
// kind into branches, recursing into the far nodes' selections while depth,
// the budget of branches and the bound on rows allow; rows is how many
// nodes of the kind the levels above may hold.
func branchesOf(ctx context.Context, op *graphql.OperationContext, kind castgraph.Kind, nodeSel ast.SelectionSet, depth, rows int, budget *int) []store.Branch {
	if depth > store.MaxTreeDepth {
		return nil
	}
	var out []store.Branch
	for _, f := range graphql.CollectFields(op, nodeSel, []string{string(kind), "Node"}) {
		end, ok := store.RelationField(kind, f.Name)
		if !ok || f.Definition == nil || *budget == 0 {
			continue
		}
		args, ok := pageArgsOf(f.ArgumentMap(op.Variables))
		if !ok {
			continue
		}
		below := rows * args.pageSize(castgraph.DefaultRelatedPage)
		if below > maxTreeRows {
			continue
		}
		var far castgraph.Kind
		if len(end.Far) == 1 {
			far = end.Far[0]
		}
		q, err := args.query(ctx, far)
		if err != nil {
			continue // a refused filter: the field's resolver reports it at its own path
		}
		*budget--
		connType := f.Definition.Type.Name()
		br := store.Branch{Key: f.Alias, Field: f.Name, Query: q}
		for _, c := range graphql.CollectFields(op, f.Selections, []string{connType}) {
			br.Count = br.Count || c.Name == "totalCount"
		}
		if len(end.Far) == 1 {
			br.Query.Fields = fieldsOf(op, end.Far[0], connType, f.Selections)
			br.Branches = branchesOf(ctx, op, end.Far[0], nodeSelections(op, connType, f.Selections), depth+1, below, budget)
		}
		out = append(out, br)
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

// pageArgsOf reads connection arguments as the query states them (literals
// and variables, before gqlgen's typing); false when one is not what the
// schema promises, and then the field is left to its resolver. Filter
// values need no typing here: the store coerces each by its property's type.
func pageArgsOf(raw map[string]any) (pageArgs, bool) {
	var a pageArgs
	ok := true
	if w, present := raw["where"]; present && w != nil {
		a.where, ok = w.(map[string]any)
	}
	if list, present := raw["orderBy"]; ok && present && list != nil {
		items, isList := list.([]any)
		ok = isList
		for _, item := range items {
			m, isMap := item.(map[string]any)
			ok = ok && isMap
			a.orderBy = append(a.orderBy, m)
		}
	}
	for name, dst := range map[string]**int{"first": &a.first, "last": &a.last} {
		if v, present := raw[name]; ok && present && v != nil {
			n, isInt := toInt(v)
			ok = isInt
			*dst = &n
		}
	}
	for name, dst := range map[string]**string{"after": &a.after, "before": &a.before} {
		if v, present := raw[name]; ok && present && v != nil {
			s, isString := v.(string)
			ok = isString
			*dst = &s
		}
	}
	return a, ok
}

// pageSize is how many nodes the arguments ask for at most, or fallback
// when they give neither first nor last.
func (a pageArgs) pageSize(fallback int) int {
	switch {
	case a.first != nil:
		return max(*a.first, 0)
	case a.last != nil:
		return max(*a.last, 0)
	}
	return fallback
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), n == int64(int(n))
	case float64:
		return int(n), n == math.Trunc(n) && math.Abs(n) < 1<<31
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil && i == int64(int(i))
	}
	return 0, false
}
