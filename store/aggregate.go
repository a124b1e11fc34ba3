package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// Aggregations count the nodes of a kind that a filter keeps, in groups: by
// one of their properties, or by the nodes a path of relationship fields
// reaches from them ("enterprises by the city they are located in" is the
// path [locatedIn]; "experts by the cluster they serve" is [serves, chains,
// partOf]). The groups are one statement; the count of all matches, when
// asked, another in the same transaction.

// MaxAggregatePath bounds the hops of a path; castgraph.MaxAggregateGroups
// the groups returned. The statement reads what the filter keeps and what
// their paths reach, under the read timeout like every read.
const MaxAggregatePath = 3

// Aggregation asks for groups of the nodes of a kind.
type Aggregation struct {
	Where Cond
	// GroupBy is a property of the kind, or GroupPath a path of relationship
	// fields whose far nodes are the groups (a node reaching several is
	// counted in each; one reaching none in none). Neither: one group of all.
	GroupBy   string
	GroupPath []string
	// Reach keeps only the nodes that reach, along its path, a number of
	// distinct nodes within its bounds ("experts serving two clusters or more").
	Reach *Reach
	// Min and Max ask for the least and greatest value of properties in each group.
	Min, Max []string
	// Count asks for the number of all nodes kept (Result.Count).
	Count bool
	// First is how many groups, largest first.
	First int
}

// Reach bounds how many distinct nodes a node reaches along a path.
type Reach struct {
	Path            []string
	AtLeast, AtMost *int
}

// AggregateResult is the answer of an aggregation.
type AggregateResult struct {
	Count  int // when asked
	Groups []Group
	// More is set when there were more groups than First.
	More bool
}

// Group is one group: its key (the property's value, or nil) or node, how
// many nodes it holds, and the least and greatest values asked for.
type Group struct {
	Key      any
	Node     *castgraph.Node
	Count    int
	Min, Max map[string]any
}

// Aggregate answers an aggregation of the nodes of a kind.
func (s *Store) Aggregate(ctx context.Context, kind castgraph.Kind, a Aggregation) (*AggregateResult, error) {
	spec, ok := castgraph.SpecOf(kind)
	if !ok {
		return nil, castgraph.Errorf(castgraph.EINVALID, "kind", "unknown kind %q", kind)
	}
	if a.First < 0 || a.First > castgraph.MaxAggregateGroups {
		return nil, castgraph.Errorf(castgraph.EINVALID, "first", "first must be between 0 and %d", castgraph.MaxAggregateGroups)
	}
	if a.GroupBy != "" && len(a.GroupPath) > 0 {
		return nil, castgraph.Errorf(castgraph.EINVALID, "groupBy", "group by a property or by related nodes, not both")
	}
	b := newBuilder()
	cond, err := b.filter(target{kind: kind}, "n", a.Where, 0, "where")
	if err != nil {
		return nil, err
	}
	if a.Reach != nil {
		c, err := b.reach(kind, a.Reach)
		if err != nil {
			return nil, err
		}
		cond += " AND " + c
	}
	match := fmt.Sprintf("MATCH (n:%s) WHERE %s", kind, cond)
	countCypher := match + " RETURN count(n) AS c"

	for _, m := range []struct {
		fn    string
		props []string
	}{{"min", a.Min}, {"max", a.Max}} {
		for _, p := range m.props {
			if err := aggregateProp(spec, p, m.fn); err != nil {
				return nil, err
			}
		}
	}
	minMap, maxMap := statsMaps(a.Min, a.Max)
	var groups string
	switch {
	case a.GroupBy != "":
		if err := aggregateProp(spec, a.GroupBy, "group by"); err != nil {
			return nil, err
		}
		groups = fmt.Sprintf("%s\nWITH n.%s AS key, count(n) AS c, %s AS mins, %s AS maxs\nRETURN key, null AS g, c, mins, maxs ORDER BY c DESC, key LIMIT $first",
			match, a.GroupBy, minMap, maxMap)
	case len(a.GroupPath) > 0:
		path, _, err := pathPattern(kind, "n", a.GroupPath, "g", "groupBy.related")
		if err != nil {
			return nil, err
		}
		groups = fmt.Sprintf("%s\nMATCH %s\nWITH DISTINCT g, n\nWITH g, count(n) AS c, %s AS mins, %s AS maxs\nRETURN null AS key, g, c, mins, maxs ORDER BY c DESC, g.name, g.id LIMIT $first",
			match, path, minMap, maxMap)
	default:
		groups = fmt.Sprintf("%s\nWITH count(n) AS c, %s AS mins, %s AS maxs\nRETURN null AS key, null AS g, c, mins, maxs", match, minMap, maxMap)
	}
	b.params["first"] = a.First + 1
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*AggregateResult, error) {
		res := &AggregateResult{Groups: []Group{}}
		if a.Count {
			recs, err := collect(ctx, tx, countCypher, b.params)
			if err != nil {
				return nil, err
			}
			c, _ := recs[0].Get("c")
			res.Count = int(c.(int64))
		}
		recs, err := collect(ctx, tx, groups, b.params)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if len(res.Groups) == a.First {
				res.More = true
				break
			}
			key, _ := r.Get("key")
			g, _ := r.Get("g")
			c, _ := r.Get("c")
			mins, _ := r.Get("mins")
			maxs, _ := r.Get("maxs")
			grp := Group{Key: fromNeo4j(key), Count: int(c.(int64)), Min: valuesOf(mins), Max: valuesOf(maxs)}
			if node, ok := g.(dbtype.Node); ok {
				grp.Node = toNode(node)
			}
			if a.GroupBy == "" && len(a.GroupPath) == 0 && grp.Count == 0 {
				continue // no node at all: no group
			}
			res.Groups = append(res.Groups, grp)
		}
		return res, nil
	})
}

// statsMaps is the Cypher maps of the least and greatest values of the
// properties over a group's nodes n.
func statsMaps(mins, maxs []string) (string, string) {
	side := func(props []string, fn string) string {
		var parts []string
		for _, p := range props {
			parts = append(parts, fmt.Sprintf("%s: %s(n.%s)", p, fn, p))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return side(mins, "min"), side(maxs, "max")
}

// aggregateProp checks that the kind has the property and that it may be
// grouped or compared: personal fields never are (a group's key or a
// minimum tells the value).
func aggregateProp(spec *castgraph.KindSpec, name, doing string) error {
	switch name {
	case "name", "id", "createdAt", "updatedAt":
		return nil
	}
	p, ok := spec.Prop(name)
	if !ok || !validPropName(name) {
		return castgraph.Errorf(castgraph.EINVALID, doing, "%s has no property %q", spec.Kind, name)
	}
	if p.Personal {
		return castgraph.Errorf(castgraph.EINVALID, doing, "%s.%s is personal: it cannot be grouped or compared", spec.Kind, name)
	}
	return nil
}

// reach compiles the condition that node n reaches, along the path, a
// number of distinct nodes within the bounds.
func (b *cypherBuilder) reach(kind castgraph.Kind, r *Reach) (string, error) {
	path, _, err := pathPattern(kind, "n", r.Path, "x", "reaching.path")
	if err != nil {
		return "", err
	}
	if r.AtLeast == nil && r.AtMost == nil {
		return "", castgraph.Errorf(castgraph.EINVALID, "reaching", "give atLeast, atMost or both")
	}
	n := fmt.Sprintf("size(COLLECT { MATCH %s RETURN DISTINCT x })", path)
	var conds []string
	if r.AtLeast != nil {
		conds = append(conds, n+" >= "+b.param(int64(*r.AtLeast)))
	}
	if r.AtMost != nil {
		conds = append(conds, n+" <= "+b.param(int64(*r.AtMost)))
	}
	return strings.Join(conds, " AND "), nil
}

// pathPattern writes a path of relationship fields from the node variable v
// of the kind to the variable end: the kinds in between must be one kind
// each; the far end may be several. It returns the far end's kind ("" for
// several).
func pathPattern(kind castgraph.Kind, v string, fields []string, end, at string) (string, castgraph.Kind, error) {
	if len(fields) == 0 || len(fields) > MaxAggregatePath {
		return "", "", castgraph.Errorf(castgraph.EINVALID, at, "a path has 1 to %d relationship fields", MaxAggregatePath)
	}
	var q strings.Builder
	fmt.Fprintf(&q, "(%s)", v)
	near := kind
	for i, f := range fields {
		step := fmt.Sprintf("%s[%d]", at, i)
		if near == "" {
			return "", "", castgraph.Errorf(castgraph.EINVALID, step, "the path reaches nodes of several kinds before %s", f)
		}
		e, err := relationField(near, f, step)
		if err != nil {
			return "", "", err
		}
		far := farTarget(e)
		name := ""
		if i == len(fields)-1 {
			name = end
		}
		if e.Outgoing {
			fmt.Fprintf(&q, "-[:%s]->(%s:%s)", e.Spec.Type, name, far.label())
		} else {
			fmt.Fprintf(&q, "<-[:%s]-(%s:%s)", e.Spec.Type, name, far.label())
		}
		near = far.kind
	}
	return q.String(), near, nil
}

// valuesOf reads a map of least or greatest values.
func valuesOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	out := make(map[string]any, len(m))
	for k, x := range m {
		out[k] = fromNeo4j(x)
	}
	return out
}
