package store

import (
	"fmt"
	"strings"

	"github.com/castgraph/castgraph"
)

// maxAnchorHops bounds how long a chain of relationship filters may be to be
// walked from its far end.
const maxAnchorHops = MaxFilterDepth

// anchor looks, among the conditions that a list's filter ANDs together, for
// a chain of `some` relationship filters that ends at nodes named by id:
// "experts who serve an enterprise in a chain of cluster X" is
// {serves: {some: {chains: {some: {partOf: {some: {id: {eq: X}}}}}}}}.
// Testing that condition on every expert means scanning them all; walking
// from X to the experts touches only what is connected. When it finds one,
// anchor returns the MATCH … WITH DISTINCT v that starts from those ids, and
// the filter without that condition; the answers are the same either way.
func (b *cypherBuilder) anchor(kind castgraph.Kind, v string, where map[string]any) (string, map[string]any, bool) {
	conds := conjuncts(where)
	for i, c := range conds {
		hops, ids, farKind, ok := anchorChain(kind, c)
		if !ok {
			continue
		}
		var rest []any
		for j, other := range conds {
			if j != i {
				rest = append(rest, other)
			}
		}
		var match strings.Builder
		fmt.Fprintf(&match, "MATCH (a:Entity) WHERE a.id IN %s", b.param(ids))
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
			if hops[j].end.Outgoing {
				path += fmt.Sprintf("<-[:%s]-%s", hops[j].end.Spec.Type, near)
			} else {
				path += fmt.Sprintf("-[:%s]->%s", hops[j].end.Spec.Type, near)
			}
		}
		fmt.Fprintf(&match, " MATCH %s WITH DISTINCT %s", path, v)
		return match.String(), map[string]any{"AND": rest}, true
	}
	return "", where, false
}

type anchorHop struct {
	end   RelEnd
	label string // label of the node this hop starts from
}

// anchorChain follows {rel: {some: {rel: {some: … {id: {eq|in}}}}}} from kind.
func anchorChain(kind castgraph.Kind, cond map[string]any) ([]anchorHop, []any, castgraph.Kind, bool) {
	var hops []anchorHop
	near := target{kind: kind}
	for len(hops) <= maxAnchorHops {
		if len(cond) != 1 {
			return nil, nil, "", false
		}
		for field, value := range cond {
			ops, _ := value.(map[string]any)
			if field == "id" && len(hops) > 0 {
				if ids := idsOf(ops); ids != nil {
					return hops, ids, near.kind, true
				}
				return nil, nil, "", false
			}
			if near.kind == "" {
				return nil, nil, "", false
			}
			end, ok := RelationField(near.kind, field)
			sub, isMap := ops["some"].(map[string]any)
			if !ok || len(ops) != 1 || !isMap {
				return nil, nil, "", false
			}
			hops = append(hops, anchorHop{end: end, label: near.label()})
			near, cond = end.farTarget(), sub
		}
	}
	return nil, nil, "", false
}

// idsOf reads {eq: id} or {in: [ids]}; nil when the operators say anything else.
func idsOf(ops map[string]any) []any {
	if len(ops) != 1 {
		return nil
	}
	if id, ok := ops["eq"].(string); ok {
		return []any{id}
	}
	if list, ok := ops["in"].([]any); ok {
		return list
	}
	return nil
}

// conjuncts splits a filter into conditions that must all hold, one field
// each, flattening AND lists.
func conjuncts(where map[string]any) []map[string]any {
	var out []map[string]any
	for _, k := range sortedKeys(where) {
		if where[k] == nil {
			continue
		}
		if k == "AND" {
			list, _ := where[k].([]any)
			for _, item := range list {
				if m, ok := item.(map[string]any); ok {
					out = append(out, conjuncts(m)...)
				}
			}
			continue
		}
		out = append(out, map[string]any{k: where[k]})
	}
	return out
}
