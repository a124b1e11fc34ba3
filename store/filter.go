package store

import (
	"fmt"
	"strings"

	"github.com/castgraph/castgraph"
)

// Filter bounds. A filter arrives in a variable as well as in the document,
// so the document's limits do not bound it: these do, before any Cypher runs
// (a 10 000-branch OR is refused here, not left to busy Neo4j for minutes).
const (
	// MaxFilterDepth caps how deeply relationship filters may nest (some: {… some: {…}}).
	MaxFilterDepth = 4
	// MaxFilterTerms caps the conditions (an operator on a field, a
	// relationship quantifier) of the filters of one statement.
	MaxFilterTerms = 200
	// MaxInValues caps the values of one `in`.
	MaxInValues = 1000
)

// cypherBuilder collects the parameters of one statement while filters and
// cursors are compiled into it; every value becomes a parameter.
type cypherBuilder struct {
	params map[string]any
	vars   int
	terms  int // filter conditions compiled so far
}

// term counts one filter condition, refusing the one past MaxFilterTerms.
func (b *cypherBuilder) term(at string) error {
	if b.terms++; b.terms > MaxFilterTerms {
		return castgraph.Errorf(castgraph.EINVALID, at, "the filter has more than %d conditions", MaxFilterTerms)
	}
	return nil
}

func newBuilder() *cypherBuilder { return &cypherBuilder{params: map[string]any{}} }

// param stores a value and returns its placeholder.
func (b *cypherBuilder) param(v any) string {
	name := fmt.Sprintf("p%d", len(b.params))
	b.params[name] = toNeo4j(v)
	return "$" + name
}

// variable returns a fresh Cypher variable name.
func (b *cypherBuilder) variable() string {
	b.vars++
	return fmt.Sprintf("m%d", b.vars)
}

// filter compiles a condition on the node variable v into a Cypher
// predicate. Property and relationship fields are checked against the
// registry and values against their properties' types; the caller (graph,
// building plans from arguments) has normally refused what does not fit
// already, with the argument's path. at names where the condition sits, for
// the errors that remain.
func (b *cypherBuilder) filter(t target, v string, c Cond, depth int, at string) (string, error) {
	if depth > MaxFilterDepth {
		return "", castgraph.Errorf(castgraph.EINVALID, at, "relationship filters nest deeper than %d levels", MaxFilterDepth)
	}
	switch c := c.(type) {
	case nil:
		return "true", nil
	case All:
		return b.combine(t, v, c, "AND", "true", depth, at)
	case Any:
		return b.combine(t, v, c, "OR", "false", depth, at)
	case Not:
		part, err := b.filter(t, v, c.Cond, depth, at)
		return "NOT (" + part + ")", err
	case Compare:
		return b.compare(t, v, c, at)
	case Related:
		return b.related(t, v, c, depth, at)
	}
	return "", castgraph.Errorf(castgraph.EINVALID, at, "unknown condition %T", c)
}

// combine joins conditions with AND or OR; none gives empty. Each
// condition counts as a term, so that a list of ten thousand empty filters
// is refused like ten thousand conditions. Under AND the parts need no
// parentheses (comparisons and subqueries are atoms, an OR comes
// parenthesised, a NOT brings its own).
func (b *cypherBuilder) combine(t target, v string, list []Cond, op, empty string, depth int, at string) (string, error) {
	if len(list) == 0 {
		return empty, nil
	}
	parts := make([]string, 0, len(list))
	for _, c := range list {
		if err := b.term(at); err != nil {
			return "", err
		}
		p, err := b.filter(t, v, c, depth, at)
		if err != nil {
			return "", err
		}
		if op == "OR" {
			p = "(" + p + ")"
		}
		parts = append(parts, p)
	}
	if op == "AND" {
		return strings.Join(parts, " AND "), nil
	}
	return "(" + strings.Join(parts, " OR ") + ")", nil
}

// propOf finds the property a comparison names on the target.
func propOf(t target, name, at string) (castgraph.PropSpec, error) {
	if name == propID || name == propName {
		return castgraph.PropSpec{Name: name, Type: castgraph.PropString}, nil
	}
	if IsTimeProp(name) {
		return castgraph.PropSpec{Name: name, Type: castgraph.PropDate}, nil // compared by order only
	}
	if t.kind == "" {
		return castgraph.PropSpec{}, castgraph.Errorf(castgraph.EINVALID, at, "only id and name can be filtered on nodes of several kinds")
	}
	spec, _ := castgraph.SpecOf(t.kind)
	if p, ok := spec.Prop(name); ok {
		return *p, nil
	}
	return castgraph.PropSpec{}, castgraph.Errorf(castgraph.EINVALID, at, "%s has no field %q to filter on", t.kind, name)
}

// pattern is the Cypher relationship pattern from near to far along e.
func pattern(e castgraph.RelEnd, near, rel, far, farLabel string) string {
	if e.Outgoing {
		return fmt.Sprintf("(%s)-[%s:%s]->(%s:%s)", near, rel, e.Spec.Type, far, farLabel)
	}
	return fmt.Sprintf("(%s)<-[%s:%s]-(%s:%s)", near, rel, e.Spec.Type, far, farLabel)
}

// relationField finds the relationship field a condition or read names.
func relationField(near castgraph.Kind, field, at string) (castgraph.RelEnd, error) {
	if near == "" {
		return castgraph.RelEnd{}, castgraph.Errorf(castgraph.EINVALID, at, "only id and name can be filtered on nodes of several kinds")
	}
	end, ok := castgraph.RelationField(near, field)
	if !ok {
		return end, castgraph.Errorf(castgraph.EINVALID, at, "%s has no relationship field %q", near, field)
	}
	return end, nil
}

// related compiles a quantifier over a relationship's far nodes.
func (b *cypherBuilder) related(t target, v string, r Related, depth int, at string) (string, error) {
	if err := b.term(at); err != nil {
		return "", err
	}
	end, err := relationField(t.kind, r.Field, at)
	if err != nil {
		return "", err
	}
	far := b.variable()
	ft := farTarget(end)
	cond, err := b.filter(ft, far, r.Where, depth+1, at)
	if err != nil {
		return "", err
	}
	p := pattern(end, v, "", far, ft.label())
	switch r.Quant {
	case Some:
		return fmt.Sprintf("EXISTS { MATCH %s WHERE %s }", p, cond), nil
	case None:
		return fmt.Sprintf("NOT EXISTS { MATCH %s WHERE %s }", p, cond), nil
	case Every:
		return fmt.Sprintf("NOT EXISTS { MATCH %s WHERE NOT (%s) }", p, cond), nil
	case Single:
		return fmt.Sprintf("COUNT { MATCH %s WHERE %s } = 1", p, cond), nil
	}
	return "", castgraph.Errorf(castgraph.EINVALID, at, "unknown quantifier %q", r.Quant)
}

// compare compiles one comparison of a property with a value.
func (b *cypherBuilder) compare(t target, v string, c Compare, at string) (string, error) {
	if err := b.term(at); err != nil {
		return "", err
	}
	p, err := propOf(t, c.Prop, at)
	if err != nil {
		return "", err
	}
	expr := v + "." + p.Name
	switch c.Op {
	case OpEq, OpGt, OpGte, OpLt, OpLte:
		if c.Op != OpEq && (p.Type == castgraph.PropBool || p.Type == castgraph.PropEnum) {
			return "", castgraph.Errorf(castgraph.EINVALID, at, "%s cannot be compared by order", p.Name)
		}
		cmp := map[Op]string{OpEq: "=", OpGt: ">", OpGte: ">=", OpLt: "<", OpLte: "<="}[c.Op]
		return fmt.Sprintf("%s %s %s", expr, cmp, b.param(c.Value)), nil
	case OpIn:
		list, ok := c.Value.([]any)
		if !ok {
			return "", castgraph.Errorf(castgraph.EINVALID, at, "in takes a list")
		}
		if len(list) > MaxInValues {
			return "", castgraph.Errorf(castgraph.EINVALID, at, "in takes at most %d values, got %d", MaxInValues, len(list))
		}
		values := make([]any, len(list))
		for i, item := range list {
			values[i] = toNeo4j(item)
		}
		return fmt.Sprintf("%s IN %s", expr, b.param(values)), nil
	case OpContains, OpStartsWith:
		s, ok := c.Value.(string)
		if !ok || p.Type != castgraph.PropString {
			return "", castgraph.Errorf(castgraph.EINVALID, at, "%s applies to text", c.Op)
		}
		cmp := map[Op]string{OpContains: "CONTAINS", OpStartsWith: "STARTS WITH"}[c.Op]
		// Case-insensitive for Latin text; Chinese has no case.
		return fmt.Sprintf("toLower(%s) %s %s", expr, cmp, b.param(strings.ToLower(s))), nil
	}
	return "", castgraph.Errorf(castgraph.EINVALID, at, "unknown operator %q", c.Op)
}

// CheckFilter compiles a condition on nodes of the kind (empty: of several
// kinds) without running it, and returns the Cypher predicate on the node
// variable n with its parameters: for tests and tools that show what a
// filter becomes.
func CheckFilter(kind castgraph.Kind, c Cond) (cypher string, params map[string]any, err error) {
	b := newBuilder()
	cypher, err = b.filter(target{kind: kind}, "n", c, 0, "where")
	return cypher, b.params, err
}

// IsTimeProp reports whether a name is one of the provenance times every
// node has (createdAt, updatedAt, changedAt): filters compare them by order.
func IsTimeProp(name string) bool {
	return name == propCreatedAt || name == propUpdatedAt || name == propChangedAt
}
