package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// List returns one page of the nodes of a kind.
func (s *Store) List(ctx context.Context, kind castgraph.Kind, p *Plan) (*Page, error) {
	res, err := s.ListWith(ctx, kind, p)
	if err != nil {
		return nil, err
	}
	return res.Page, nil
}

// ListResult is a list's page and what its plan asked for besides.
type ListResult struct {
	Page *Page
	// Count is the number of matches on all pages, when the plan asked.
	Count int
	// Under holds the branches read ahead, for each node of the page, by
	// branch plan; nil when none were.
	Under map[*castgraph.Node]map[*Plan]*Fetched
}

// ListWith returns one page of the nodes of a kind, with its count and its
// branches when the plan asks for them, in one read transaction. Branches
// that do not compile (a window too big, say) are left out, not reported:
// the caller asks for them on its own and reports the error where it belongs.
func (s *Store) ListWith(ctx context.Context, kind castgraph.Kind, p *Plan) (*ListResult, error) {
	if _, ok := castgraph.SpecOf(kind); !ok {
		return nil, castgraph.Errorf(castgraph.EINVALID, "kind", "unknown kind %q", kind)
	}
	var counting *countStatement
	if p.Count {
		var err error
		if counting, err = compileCount(kind, p); err != nil {
			return nil, err
		}
	}
	b := newBuilder()
	anch, w, err := b.compileList(kind, p)
	if err != nil {
		return nil, err
	}
	b.params["limit"] = w.limit
	ret := listReturn{node: returnNode(kind, p.Fields)}
	if len(p.Branches) > 0 {
		n := 0
		if levels, err := b.compileTree(kind, "n", p.Branches, 1, &n); err == nil {
			ret.levels = levels
		}
	}
	cypher := fmt.Sprintf("%s WHERE %s\n%s", anch.match, w.where, ret.tail(w))
	var walk *nameWalk
	if anch.hops != nil && w.inNameOrder() {
		if walk, err = b.nameWalk(kind, anch, p.Where, w, ret); err != nil {
			return nil, err
		}
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*ListResult, error) {
		res := &ListResult{}
		if counting != nil {
			n, err := counting.run(ctx, tx)
			if err != nil {
				return nil, err
			}
			res.Count = n
		}
		if walk != nil {
			recs, err := walk.run(ctx, tx, b.params, w)
			if err != nil {
				return nil, err
			}
			if recs != nil {
				res.Page, res.Under = ret.read(recs, w)
				return res, nil
			}
		}
		recs, err := collect(ctx, tx, cypher, b.params)
		if err != nil {
			return nil, err
		}
		res.Page, res.Under = ret.read(recs, w)
		return res, nil
	})
}

// nodeReturn is how a list statement returns its node n: whole, or
// projected to the fields asked (then read as a node of the kind). The
// statements sort and cut before they project: sorting the projection would
// both lose the index order the planner can stream (a sort of every match
// instead of a walk that stops at the page) and sort by fields the
// projection left out.
type nodeReturn struct {
	expr    string
	kind    castgraph.Kind
	partial bool
}

func returnNode(kind castgraph.Kind, f Fields) nodeReturn {
	expr, _, partial := f.projection(target{kind: kind}, "n", "")
	if !partial {
		return nodeReturn{expr: "n", kind: kind}
	}
	return nodeReturn{expr: expr + " AS n", kind: kind, partial: true}
}

// listReturn is how a list statement ends once it has its rows: sort and
// cut, read the branches ahead under each node kept (RelatedTree's
// subqueries), and return the nodes, whole or projected.
type listReturn struct {
	node   nodeReturn
	levels []*treeLevel
}

// tail is the statement's end, from its node variable n on.
func (r listReturn) tail(w *window) string {
	var q strings.Builder
	fmt.Fprintf(&q, "WITH n ORDER BY %s LIMIT $limit\n", w.order)
	if len(r.levels) > 0 {
		writeCalls(&q, "n", r.levels)
		kept := []string{"n"}
		for _, l := range r.levels {
			kept = append(kept, l.result)
		}
		// The subqueries may not keep the rows' order: sort again (a page at most).
		fmt.Fprintf(&q, "WITH %s ORDER BY %s\n", strings.Join(kept, ", "), w.order)
	}
	fmt.Fprintf(&q, "RETURN %s, %s AS k, %s AS under", r.node.expr, w.sortKey, underList(r.levels))
	return q.String()
}

// read turns the rows into the page and, with levels, the answers under
// each of its nodes.
func (r listReturn) read(recs []*neo4j.Record, w *window) (*Page, map[*castgraph.Node]map[*Plan]*Fetched) {
	var nodes []*castgraph.Node
	var keys [][]any
	var under map[*castgraph.Node]map[*Plan]*Fetched
	if len(r.levels) > 0 {
		under = map[*castgraph.Node]map[*Plan]*Fetched{}
	}
	for _, rec := range recs {
		n, _ := rec.Get("n")
		k, _ := rec.Get("k")
		var node *castgraph.Node
		if r.node.partial {
			node = nodeFromProps(r.node.kind, n.(map[string]any))
		} else {
			node = toNode(n.(dbtype.Node))
		}
		nodes = append(nodes, node)
		keys = append(keys, k.([]any))
		if under != nil {
			u, _ := rec.Get("under")
			under[node] = readUnder(node.ID, r.levels, u.([]any))
		}
	}
	return w.finish(nodes, nil, keys), under
}

// compileList compiles a list's MATCH and window: the MATCH walks from the
// anchor of the plan's filter when it has one (see anchor), and the window
// then tests the rest of the filter.
func (b *cypherBuilder) compileList(kind castgraph.Kind, p *Plan) (*anchored, *window, error) {
	anch := b.listMatch(kind, p.Where)
	rest := *p
	rest.Where = anch.rest
	w, err := b.compileWindow(target{kind: kind}, "n", relVar{}, "list:"+string(kind), &rest, castgraph.DefaultListPage, castgraph.MaxListPage)
	return anch, w, err
}

// CheckList reports what List would reject in the plan (a page too big, a
// cursor of another list, a bad filter), without reading anything: for a
// client that asks a list for its totalCount alone.
func CheckList(kind castgraph.Kind, p *Plan) error {
	if _, ok := castgraph.SpecOf(kind); !ok {
		return castgraph.Errorf(castgraph.EINVALID, "kind", "unknown kind %q", kind)
	}
	_, _, err := newBuilder().compileList(kind, p)
	return err
}

// inNameOrder reports whether the window pages forwards by name, then id:
// the order of the kind's (name, id) index.
func (w *window) inNameOrder() bool {
	return !w.backwards && len(w.fields) == 2 &&
		w.fields[0].Field == "name" && !w.fields[0].Desc && w.fields[1].Field == "id" && !w.fields[1].Desc
}

// nameWalk is the other plan for a list whose filter is anchored: walk the
// kind's (name, id) index in order and keep the nodes that pass the whole
// filter, stopping at the page's end. When many nodes match (the experts
// serving a hub cluster: a third of them), it finds a page of 20 after a few
// hundred checks, where the walk from the anchor goes through tens of
// thousands of rows and sorts them; when few match, it would check every
// node. The estimate decides, as question 1's statement does: the index walk
// costs about first × total / matches checks of 1.5 rows each, the anchor
// walk about `paths` rows.
type nameWalk struct {
	estimate, cypher string
	first            int
}

// nameWalkScan bounds the index walk: when the estimate chooses it, it should
// need at most sqrt(first × total / 1.5) checks. If the walk stops short of a
// page (the estimate overcounted, or the cursor is far along), the anchor
// walk answers after all.
func nameWalkScan(first int) int { return max(2000, 15*first) }

// preferNameWalk is the choice: the index walk's checks (first × total /
// matches, about 1.5 rows each) against the anchor walk's rows, with paths
// standing in for matches. Tests replace it to try each plan on small data.
var preferNameWalk = func(paths, total, first float64) bool { return paths*paths > 1.5*first*total }

func (b *cypherBuilder) nameWalk(kind castgraph.Kind, anch *anchored, where Cond, w *window, ret listReturn) (*nameWalk, error) {
	full, err := b.filter(target{kind: kind}, "n", where, 0, "where")
	if err != nil {
		return nil, err
	}
	scan := b.param(nameWalkScan(w.size))
	return &nameWalk{
		estimate: anch.estimate(kind),
		cypher: fmt.Sprintf(`MATCH (n:%s) WHERE n.name IS NOT NULL AND n.id IS NOT NULL AND %s
WITH n ORDER BY n.name, n.id LIMIT %s
WITH n WHERE %s
%s`, kind, w.where, scan, full, ret.tail(w)),
		first: w.size,
	}, nil
}

// run answers with the index walk's rows when the estimate says it is
// cheaper and it fills the page; otherwise it returns no rows and the caller
// walks from the anchor.
func (nw *nameWalk) run(ctx context.Context, tx neo4j.ManagedTransaction, params map[string]any, w *window) ([]*neo4j.Record, error) {
	est, err := collect(ctx, tx, nw.estimate, params)
	if err != nil || len(est) == 0 {
		return nil, err
	}
	paths, _ := est[0].Get("paths")
	total, _ := est[0].Get("total")
	if !preferNameWalk(toFloat(paths), toFloat(total), float64(nw.first)) {
		return nil, nil
	}
	recs, err := collect(ctx, tx, nw.cypher, params)
	if err != nil || len(recs) < w.limit {
		return nil, err
	}
	return recs, nil
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

// listMatch is the MATCH that a list of the kind starts from: every node of
// the kind, or, when the filter allows, only those reached from anchor
// nodes; its rest is what the filter still has to test.
func (b *cypherBuilder) listMatch(kind castgraph.Kind, where Cond) *anchored {
	if where != nil {
		if a, ok := b.anchor(kind, "n", where); ok {
			return a
		}
	}
	return &anchored{match: fmt.Sprintf("MATCH (n:%s)", kind), rest: where}
}

// Count counts the nodes of a kind that match the plan's filters.
func (s *Store) Count(ctx context.Context, kind castgraph.Kind, p *Plan) (int, error) {
	if _, ok := castgraph.SpecOf(kind); !ok {
		return 0, castgraph.Errorf(castgraph.EINVALID, "kind", "unknown kind %q", kind)
	}
	c, err := compileCount(kind, p)
	if err != nil {
		return 0, err
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) { return c.run(ctx, tx) })
}

// countStatement counts a list's matches on all pages.
type countStatement struct {
	cypher string
	params map[string]any
}

func compileCount(kind castgraph.Kind, p *Plan) (*countStatement, error) {
	b := newBuilder()
	anch := b.listMatch(kind, p.Where)
	filters := &Plan{Where: anch.rest, NameContains: p.NameContains}
	w, err := b.compileWindow(target{kind: kind}, "n", relVar{}, "list:"+string(kind), filters, 0, castgraph.MaxListPage)
	if err != nil {
		return nil, err
	}
	return &countStatement{cypher: fmt.Sprintf("%s WHERE %s RETURN count(n) AS c", anch.match, w.where), params: b.params}, nil
}

func (c *countStatement) run(ctx context.Context, tx neo4j.ManagedTransaction) (int, error) {
	recs, err := collect(ctx, tx, c.cypher, c.params)
	if err != nil {
		return 0, err
	}
	n, _ := recs[0].Get("c")
	return int(n.(int64)), nil
}
