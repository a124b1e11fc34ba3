package store

import (
	"fmt"
	"strings"

	"github.com/castgraph/castgraph"
)

// maxAnchorHops bounds how long a chain of relationship filters may be to be
// walked from its far end.
const maxAnchorHops = MaxFilterDepth

// anchored is a list filter split at a chain of `some` relationship filters
// that ends at nodes named by id: the MATCH that walks from those ids, the
// rest of the filter, and what an estimate of the walk's size needs.
type anchored struct {
	match   string // MATCH … WITH DISTINCT v, starting from the ids
	rest    Cond   // the filter without the chain
	hops    []anchorHop
	ids     string // the parameter holding the ids
	farKind castgraph.Kind
}

// anchor looks, among the conditions that a list's filter ANDs together, for
// a chain of `some` relationship filters that ends at nodes named by id:
// "experts who serve an enterprise in a chain of cluster X" is
// serves some (chains some (partOf some (id = X))).
// Testing that condition on every expert means scanning them all; walking
// from X to the experts touches only what is connected. When it finds one,
// anchor returns the walk and the rest of the filter; the answers are the
// same either way.
func (b *cypherBuilder) anchor(kind castgraph.Kind, v string, where Cond) (*anchored, bool) {
	conds := conjuncts(where)
	for i, c := range conds {
		hops, ids, farKind, ok := anchorChain(kind, c)
		if !ok {
			continue
		}
		var rest All
		for j, other := range conds {
			if j != i {
				rest = append(rest, other)
			}
		}
		a := &anchored{rest: rest, hops: hops, ids: b.param(ids), farKind: farKind}
		var match strings.Builder
		fmt.Fprintf(&match, "MATCH (a:Entity) WHERE a.id IN %s", a.ids)
		if farKind != "" {
			fmt.Fprintf(&match, " AND a:%s", farKind)
		}
		// The chain written from the anchor back to v: each hop reversed.
		path := "(a)"
		for j := len(hops) - 1; j >= 0; j-- {
			near := fmt.Sprintf("(:%s)", hops[j].label)
			if j == 0 {
				near = fmt.Sprintf("(%s:%s)", v, kind)
			}
			path += hops[j].back(near)
		}
		fmt.Fprintf(&match, " MATCH %s WITH DISTINCT %s", path, v)
		a.match = match.String()
		return a, true
	}
	return nil, false
}

// estimate is a statement returning `paths`, about how many rows the walk
// from the anchor goes through before DISTINCT (what it costs to find and
// sort every match), and `total`, how many nodes of the kind there are. It
// reads degrees and the count store, never the far end of the chain: the
// walk goes from the anchor to the nodes two hops short of the list's kind,
// sums their degrees over the next hop, and multiplies by the mean degree of
// the last hop (for a cluster: its chains' enterprises times the mean number
// of experts serving an enterprise). A dozen db hits, where the walk itself
// may go through 40 000 rows.
func (a *anchored) estimate(kind castgraph.Kind) string {
	var q strings.Builder
	fmt.Fprintf(&q, "MATCH (a:Entity) WHERE a.id IN %s", a.ids)
	if a.farKind != "" {
		fmt.Fprintf(&q, " AND a:%s", a.farKind)
	}
	total := fmt.Sprintf("COUNT { (:%s) } AS total", kind)
	k := len(a.hops)
	if k == 1 {
		fmt.Fprintf(&q, " RETURN sum(COUNT { (a)%s }) AS paths, %s", a.hops[0].back("()"), total)
		return q.String()
	}
	// x: the nodes two hops short of the list's kind (the anchor itself when
	// the chain has two hops).
	x := "a"
	if k > 2 {
		path := "(a)"
		for j := k - 1; j >= 2; j-- {
			near := fmt.Sprintf("(:%s)", a.hops[j].label)
			if j == 2 {
				near = fmt.Sprintf("(x:%s)", a.hops[j].label)
			}
			path += a.hops[j].back(near)
		}
		fmt.Fprintf(&q, " MATCH %s", path)
		x = "x"
	}
	fmt.Fprintf(&q, " RETURN sum(COUNT { (%s)%s }) * toFloat(COUNT { ()-[:%s]->() }) / (COUNT { (:%s) } + 1) AS paths, %s",
		x, a.hops[1].back("()"), a.hops[0].end.Spec.Type, a.hops[1].label, total)
	return q.String()
}

type anchorHop struct {
	end   castgraph.RelEnd
	label string // label of the node this hop starts from
}

// back is the hop written from its far end back to near (a node pattern).
func (h anchorHop) back(near string) string {
	if h.end.Outgoing {
		return fmt.Sprintf("<-[:%s]-%s", h.end.Spec.Type, near)
	}
	return fmt.Sprintf("-[:%s]->%s", h.end.Spec.Type, near)
}

// anchorChain follows a chain of `some` relationship conditions from kind
// to a comparison of the id with one value or a list.
func anchorChain(kind castgraph.Kind, c Cond) ([]anchorHop, []any, castgraph.Kind, bool) {
	var hops []anchorHop
	near := target{kind: kind}
	for len(hops) <= maxAnchorHops {
		if one, ok := c.(All); ok && len(one) == 1 {
			c = one[0]
		}
		switch x := c.(type) {
		case Compare:
			if x.Prop != propID || len(hops) == 0 {
				return nil, nil, "", false
			}
			switch x.Op {
			case OpEq:
				return hops, []any{x.Value}, near.kind, true
			case OpIn:
				if list, ok := x.Value.([]any); ok {
					return hops, list, near.kind, true
				}
			}
			return nil, nil, "", false
		case Related:
			if near.kind == "" || x.Quant != Some {
				return nil, nil, "", false
			}
			end, ok := castgraph.RelationField(near.kind, x.Field)
			if !ok {
				return nil, nil, "", false
			}
			hops = append(hops, anchorHop{end: end, label: near.label()})
			near, c = farTarget(end), x.Where
		default:
			return nil, nil, "", false
		}
	}
	return nil, nil, "", false
}

// conjuncts splits a condition into conditions that must all hold,
// flattening nested Alls.
func conjuncts(c Cond) []Cond {
	all, ok := c.(All)
	if !ok {
		if c == nil {
			return nil
		}
		return []Cond{c}
	}
	var out []Cond
	for _, item := range all {
		out = append(out, conjuncts(item)...)
	}
	return out
}
