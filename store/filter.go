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

// target says what a filter applies to: one kind, or any of several (then
// only the fields every node has may be filtered).
type target struct {
	kind castgraph.Kind // empty when several kinds are possible
}

func (t target) label() string {
	if t.kind == "" {
		return castgraph.EntityLabel
	}
	return string(t.kind)
}

// filter compiles a GraphQL filter object (KindFilter or NodeFilter) on the
// node variable v into a Cypher predicate. Field names are checked against
// the registry; unknown ones are errors (GraphQL has normally rejected them).
func (b *cypherBuilder) filter(t target, v string, f map[string]any, depth int, at string) (string, error) {
	if depth > MaxFilterDepth {
		return "", castgraph.Errorf(castgraph.EINVALID, at, "relationship filters nest deeper than %d levels", MaxFilterDepth)
	}
	var parts []string
	for _, field := range sortedKeys(f) {
		value := f[field]
		if value == nil {
			continue
		}
		path := at + "." + field
		var (
			part string
			err  error
		)
		switch field {
		case "AND", "OR":
			part, err = b.combine(t, v, value, field, depth, path)
		case "NOT":
			sub, ok := value.(map[string]any)
			if !ok {
				return "", castgraph.Errorf(castgraph.EINVALID, path, "NOT takes a filter")
			}
			part, err = b.filter(t, v, sub, depth, path)
			part = "NOT (" + part + ")"
		case "id", "name":
			part, err = b.scalar(v+"."+field, castgraph.PropSpec{Name: field, Type: castgraph.PropString}, value, path)
		default:
			part, err = b.fieldFilter(t, v, field, value, depth, path)
		}
		if err != nil {
			return "", err
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		return "true", nil
	}
	return strings.Join(parts, " AND "), nil
}

func (b *cypherBuilder) combine(t target, v string, value any, op string, depth int, at string) (string, error) {
	list, ok := value.([]any)
	if !ok {
		return "", castgraph.Errorf(castgraph.EINVALID, at, "%s takes a list of filters", op)
	}
	if len(list) == 0 {
		return map[string]string{"AND": "true", "OR": "false"}[op], nil
	}
	var parts []string
	for i, item := range list {
		if err := b.term(fmt.Sprintf("%s[%d]", at, i)); err != nil {
			return "", err
		}
		sub, ok := item.(map[string]any)
		if !ok {
			return "", castgraph.Errorf(castgraph.EINVALID, fmt.Sprintf("%s[%d]", at, i), "%s takes a list of filters", op)
		}
		p, err := b.filter(t, v, sub, depth, fmt.Sprintf("%s[%d]", at, i))
		if err != nil {
			return "", err
		}
		parts = append(parts, "("+p+")")
	}
	return "(" + strings.Join(parts, " "+op+" ") + ")", nil
}

// fieldFilter compiles a filter on a kind's property or relationship field.
func (b *cypherBuilder) fieldFilter(t target, v, field string, value any, depth int, at string) (string, error) {
	if t.kind == "" {
		return "", castgraph.Errorf(castgraph.EINVALID, at, "only id and name can be filtered on nodes of several kinds")
	}
	spec, _ := castgraph.SpecOf(t.kind)
	if p, ok := spec.Prop(field); ok {
		return b.scalar(v+"."+p.Name, *p, value, at)
	}
	if end, ok := RelationField(t.kind, field); ok {
		q, ok := value.(map[string]any)
		if !ok {
			return "", castgraph.Errorf(castgraph.EINVALID, at, "%s takes some, none, all or single", field)
		}
		return b.quantifier(v, end, q, depth, at)
	}
	return "", castgraph.Errorf(castgraph.EINVALID, at, "%s has no field %q to filter on", t.kind, field)
}

// RelEnd is one end of a relationship type as a field of a kind.
type RelEnd struct {
	Spec     *castgraph.RelSpec
	Outgoing bool
	Far      []castgraph.Kind // the kinds at the other end
}

// Pattern is the Cypher relationship pattern from near to far.
func (e RelEnd) Pattern(near, rel, far, farLabel string) string {
	if e.Outgoing {
		return fmt.Sprintf("(%s)-[%s:%s]->(%s:%s)", near, rel, e.Spec.Type, far, farLabel)
	}
	return fmt.Sprintf("(%s)<-[%s:%s]-(%s:%s)", near, rel, e.Spec.Type, far, farLabel)
}

// FarTarget is what filters on the far end apply to.
func (e RelEnd) farTarget() target {
	if len(e.Far) == 1 {
		return target{kind: e.Far[0]}
	}
	return target{}
}

// RelationField finds the relationship end that a kind exposes as the GraphQL field.
func RelationField(k castgraph.Kind, field string) (RelEnd, bool) {
	for i := range castgraph.Relations {
		r := &castgraph.Relations[i]
		for _, outgoing := range []bool{true, false} {
			name := r.InField
			if outgoing {
				name = r.OutField
			}
			if name != field {
				continue
			}
			if far := r.Ends(k, outgoing); len(far) > 0 {
				return RelEnd{Spec: r, Outgoing: outgoing, Far: far}, true
			}
		}
	}
	return RelEnd{}, false
}

// quantifier compiles {some|none|all|single: filter} over a relationship.
func (b *cypherBuilder) quantifier(v string, end RelEnd, q map[string]any, depth int, at string) (string, error) {
	var parts []string
	for _, op := range sortedKeys(q) {
		sub, ok := q[op].(map[string]any)
		if q[op] == nil {
			continue
		}
		if !ok {
			return "", castgraph.Errorf(castgraph.EINVALID, at+"."+op, "%s takes a filter", op)
		}
		if err := b.term(at + "." + op); err != nil {
			return "", err
		}
		far := b.variable()
		t := end.farTarget()
		cond, err := b.filter(t, far, sub, depth+1, at+"."+op)
		if err != nil {
			return "", err
		}
		pattern := end.Pattern(v, "", far, t.label())
		switch op {
		case "some":
			parts = append(parts, fmt.Sprintf("EXISTS { MATCH %s WHERE %s }", pattern, cond))
		case "none":
			parts = append(parts, fmt.Sprintf("NOT EXISTS { MATCH %s WHERE %s }", pattern, cond))
		case "all":
			parts = append(parts, fmt.Sprintf("NOT EXISTS { MATCH %s WHERE NOT (%s) }", pattern, cond))
		case "single":
			parts = append(parts, fmt.Sprintf("COUNT { MATCH %s WHERE %s } = 1", pattern, cond))
		default:
			return "", castgraph.Errorf(castgraph.EINVALID, at+"."+op, "unknown quantifier %q", op)
		}
	}
	if len(parts) == 0 {
		return "true", nil
	}
	return strings.Join(parts, " AND "), nil
}

// scalar compiles {eq, in, contains, startsWith, gt, gte, lt, lte} on one property.
func (b *cypherBuilder) scalar(expr string, p castgraph.PropSpec, value any, at string) (string, error) {
	ops, ok := value.(map[string]any)
	if !ok {
		return "", castgraph.Errorf(castgraph.EINVALID, at, "takes an object of operators")
	}
	var parts []string
	for _, op := range sortedKeys(ops) {
		arg := ops[op]
		if arg == nil {
			continue
		}
		path := at + "." + op
		if err := b.term(path); err != nil {
			return "", err
		}
		coerce := func(v any) (any, error) {
			if p.Type == castgraph.PropString {
				if s, ok := v.(string); ok {
					return s, nil // filters compare as given; trimming is for writes
				}
			}
			c, err := p.Coerce(v)
			if err != nil {
				return nil, castgraph.Errorf(castgraph.EINVALID, path, "%v", err)
			}
			return c, nil
		}
		switch op {
		case "eq", "gt", "gte", "lt", "lte":
			c, err := coerce(arg)
			if err != nil {
				return "", err
			}
			if op != "eq" && (p.Type == castgraph.PropBool || p.Type == castgraph.PropEnum) {
				return "", castgraph.Errorf(castgraph.EINVALID, path, "%s cannot be compared by order", p.Name)
			}
			cmp := map[string]string{"eq": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}[op]
			parts = append(parts, fmt.Sprintf("%s %s %s", expr, cmp, b.param(c)))
		case "in":
			list, ok := arg.([]any)
			if !ok {
				return "", castgraph.Errorf(castgraph.EINVALID, path, "in takes a list")
			}
			if len(list) > MaxInValues {
				return "", castgraph.Errorf(castgraph.EINVALID, path, "in takes at most %d values, got %d", MaxInValues, len(list))
			}
			values := make([]any, 0, len(list))
			for _, item := range list {
				c, err := coerce(item)
				if err != nil {
					return "", err
				}
				values = append(values, toNeo4j(c))
			}
			parts = append(parts, fmt.Sprintf("%s IN %s", expr, b.param(values)))
		case "contains", "startsWith":
			s, ok := arg.(string)
			if !ok || p.Type != castgraph.PropString {
				return "", castgraph.Errorf(castgraph.EINVALID, path, "%s applies to text", op)
			}
			cmp := map[string]string{"contains": "CONTAINS", "startsWith": "STARTS WITH"}[op]
			// Case-insensitive for Latin text; Chinese has no case.
			parts = append(parts, fmt.Sprintf("toLower(%s) %s %s", expr, cmp, b.param(strings.ToLower(s))))
		default:
			return "", castgraph.Errorf(castgraph.EINVALID, path, "unknown operator %q", op)
		}
	}
	if len(parts) == 0 {
		return "true", nil
	}
	return strings.Join(parts, " AND "), nil
}
