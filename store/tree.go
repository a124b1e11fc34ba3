package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Limits of a tree fetched in one statement; a bigger selection is answered
// level by level instead.
const (
	MaxTreeDepth    = 4
	MaxTreeBranches = 24
)

// Fetched is a branch's answer for one node: the page, the count when its
// plan asked, and the answers of the sub-branches (by their plans) for each
// node of the page. A nested read such as clusters → parts → enterprises →
// servedBy is a tree of branches, and RelatedTree answers all of it in one
// statement.
type Fetched struct {
	Page    *Page
	Count   int
	Counted bool
	Under   map[*castgraph.Node]map[*Plan]*Fetched
}

// treeLevel is a compiled branch.
type treeLevel struct {
	branch            Branch
	end               castgraph.RelEnd
	t                 target
	w                 *window
	rel, node, result string // Cypher variables
	limit             string // the parameter holding the window's row limit
	relExpr, nodeExpr string
	partial           bool
	count             string // COUNT { … } on the near node, or "null"
	children          []*treeLevel
}

// RelatedTree reads the branches under each of the ids (nodes of kind near)
// in one statement: every level's window, filter and order as RelatedPages
// applies them, nested in CALL subqueries. The answer maps id → branch plan
// → what was fetched.
func (s *Store) RelatedTree(ctx context.Context, near castgraph.Kind, ids []string, branches []Branch) (map[string]map[*Plan]*Fetched, error) {
	b := newBuilder()
	n := 0
	levels, err := b.compileTree(near, "a", branches, 1, &n)
	if err != nil {
		return nil, err
	}
	b.params["ids"] = ids
	var q strings.Builder
	q.WriteString("UNWIND $ids AS id\nMATCH (a:Entity {id: id})\n")
	writeCalls(&q, "a", levels)
	fmt.Fprintf(&q, "RETURN id, %s AS under", underList(levels))
	cypher := q.String()
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]map[*Plan]*Fetched, error) {
		recs, err := collect(ctx, tx, cypher, b.params)
		if err != nil {
			return nil, err
		}
		out := make(map[string]map[*Plan]*Fetched, len(ids))
		for _, rec := range recs {
			id, _ := rec.Get("id")
			under, _ := rec.Get("under")
			out[id.(string)] = readUnder(id.(string), levels, under.([]any))
		}
		return out, nil
	})
}

// compileTree compiles the branches under the node variable v of kind near.
func (b *cypherBuilder) compileTree(near castgraph.Kind, v string, branches []Branch, depth int, count *int) ([]*treeLevel, error) {
	if depth > MaxTreeDepth {
		return nil, castgraph.Errorf(castgraph.EINVALID, "", "a tree read nests deeper than %d levels", MaxTreeDepth)
	}
	var levels []*treeLevel
	for _, br := range branches {
		*count++
		if *count > MaxTreeBranches {
			return nil, castgraph.Errorf(castgraph.EINVALID, "", "a tree read has more than %d branches", MaxTreeBranches)
		}
		end, err := relationField(near, br.Field, "field")
		if err != nil {
			return nil, err
		}
		l := &treeLevel{branch: br, end: end, t: farTarget(end), rel: b.variable(), node: b.variable(), result: b.variable()}
		w, err := b.compileWindow(l.t, l.node, relVar{l.rel, end.Spec}, "rel:"+string(near)+"."+br.Field, br.Plan, castgraph.DefaultRelatedPage, castgraph.MaxRelatedPage)
		if err != nil {
			return nil, err
		}
		l.w, l.limit = w, b.param(w.limit)
		l.nodeExpr, l.relExpr, l.partial = br.Plan.Fields.projection(l.t, l.node, l.rel)
		if !l.partial {
			l.nodeExpr, l.relExpr = l.node, l.rel
		}
		l.count = "null"
		if br.Plan.Count {
			m, r := b.variable(), b.variable()
			cond, err := b.filter(l.t, m, br.Plan.Where, 0, "where")
			if err != nil {
				return nil, err
			}
			l.count = "COUNT { MATCH " + pattern(end, v, r, m, l.t.label()) + " WHERE " + cond + " }"
		}
		if len(br.Plan.Branches) > 0 {
			if l.t.kind == "" {
				return nil, castgraph.Errorf(castgraph.EINVALID, "", "%s.%s reaches several kinds; a tree read cannot go below it", near, br.Field)
			}
			if l.children, err = b.compileTree(l.t.kind, l.node, br.Plan.Branches, depth+1, count); err != nil {
				return nil, err
			}
		}
		levels = append(levels, l)
	}
	return levels, nil
}

// writeCalls writes one CALL subquery per level under the node variable v;
// each leaves its collected rows in the level's result variable.
func writeCalls(q *strings.Builder, v string, levels []*treeLevel) {
	for _, l := range levels {
		fmt.Fprintf(q, "CALL (%s) {\n", v)
		fmt.Fprintf(q, "MATCH %s WHERE %s\n", pattern(l.end, v, l.rel, l.node, l.t.label()), l.w.where)
		fmt.Fprintf(q, "WITH %s, %s ORDER BY %s LIMIT %s\n", l.rel, l.node, l.w.order, l.limit)
		writeCalls(q, l.node, l.children)
		kept := []string{l.rel, l.node}
		for _, c := range l.children {
			kept = append(kept, c.result)
		}
		// The subqueries may not keep the rows' order: sort again (a page at most).
		fmt.Fprintf(q, "WITH %s ORDER BY %s\n", strings.Join(kept, ", "), l.w.order)
		fmt.Fprintf(q, "RETURN collect([%s, %s, %s, %s]) AS %s\n}\n", l.relExpr, l.nodeExpr, l.w.sortKey, underList(l.children), l.result)
	}
}

// underList is the list of the levels' results and counts, in order.
func underList(levels []*treeLevel) string {
	var items []string
	for _, l := range levels {
		items = append(items, l.result, l.count)
	}
	return "[" + strings.Join(items, ", ") + "]"
}

// readUnder turns a node's list of level results and counts into answers.
func readUnder(nearID string, levels []*treeLevel, under []any) map[*Plan]*Fetched {
	out := make(map[*Plan]*Fetched, len(levels))
	for i, l := range levels {
		f := &Fetched{Under: map[*castgraph.Node]map[*Plan]*Fetched{}}
		if c, ok := under[2*i+1].(int64); ok {
			f.Count, f.Counted = int(c), true
		}
		var nodes []*castgraph.Node
		edges := []castgraph.Edge{}
		var keys [][]any
		for _, row := range under[2*i].([]any) {
			cols := row.([]any)
			edge := edgeOf(l.end, nearID, cols, l.t.kind, l.partial)
			nodes, edges, keys = append(nodes, edge.Other), append(edges, edge), append(keys, cols[2].([]any))
			if len(l.children) > 0 {
				f.Under[edge.Other] = readUnder(edge.Other.ID, l.children, cols[3].([]any))
			}
		}
		f.Page = l.w.finish(nodes, edges, keys)
		out[l.branch.Plan] = f
	}
	return out
}
