package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/loaders"
	"github.com/castgraph/castgraph/store"
)

// Connection fields become store plans here, and only here. A field's
// arguments are read once, from the query as GraphQL validated it (the
// literals and variables of CollectedField.ArgumentMap), into a typed
// store.Plan: the filter (store.Cond), the order, the window and what is
// asked of the nodes. The plan is built once per request for each place in
// the query (see placeOf) and kept in the request's loaders, so that the
// sibling nodes asking for the same field share one plan, the loaders batch
// and cache by it, and what a root field read ahead (readAhead) is found by
// the very plan it answered. This is also the one place where a filter or
// order on a personal field is refused.

// planField returns the plan of the connection field being resolved: a
// relationship field of a node of kind near, or a Query list (near is then
// the list's kind). far is the kind of the nodes the field returns, empty
// when they may be of several kinds. With ahead (a root list), the plan
// carries the branches to read ahead under its nodes (readAhead).
func planField(ctx context.Context, l *loaders.Loaders, near, far castgraph.Kind, ahead bool) (*store.Plan, error) {
	if !graphql.HasOperationContext(ctx) {
		return nil, castgraph.Errorf(castgraph.EINTERNAL, "", "a connection field was resolved outside a GraphQL request")
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil {
		return nil, castgraph.Errorf(castgraph.EINTERNAL, "", "a connection field was resolved without its field")
	}
	op := graphql.GetOperationContext(ctx)
	place := placeOf(fc)
	return l.Plan(near, place, func() (*store.Plan, error) {
		p, err := buildPlan(ctx, op, fc.Field, far)
		if err != nil || !ahead || far == "" {
			return p, err
		}
		conn := selection{op, fc.Field.Definition.Type.Name(), fc.Field.Selections}
		if !conn.countOnly() {
			p.Branches = readAhead(ctx, op, l, far, place, nodeSelections(op, conn.typeName, conn.sel), p.Window.Size(castgraph.DefaultListPage))
		}
		return p, nil
	})
}

// placeOf names where a field sits in the query: the response keys from the
// root down, leaving out list indexes and the connection's own nodes, edges
// and node fields. All elements of a list, and the nodes reached through
// nodes { … } and edges { node { … } }, share one place, as they share one
// merged selection; a fragment spread in two places gets two.
func placeOf(fc *graphql.FieldContext) string {
	var keys []string
	for c := fc; c != nil; c = c.Parent {
		if c.Field.Field == nil || strings.HasSuffix(c.Object, "Connection") || strings.HasSuffix(c.Object, "Edge") {
			continue
		}
		keys = append(keys, c.Field.Alias)
	}
	slices.Reverse(keys)
	return strings.Join(keys, ".")
}

// buildPlan reads a connection field's arguments and selection into a plan
// for nodes of kind far (empty: of several kinds). The selection says what
// to read of the nodes and whether to count them.
func buildPlan(ctx context.Context, op *graphql.OperationContext, f graphql.CollectedField, far castgraph.Kind) (*store.Plan, error) {
	p, err := parseArgs(ctx, f.ArgumentMap(op.Variables), far)
	if err != nil {
		return nil, err
	}
	conn := selection{op, f.Definition.Type.Name(), f.Selections}
	p.Count = conn.asksCount()
	if far != "" {
		p.Fields = fieldsOf(op, far, conn.typeName, conn.sel)
	}
	return p, nil
}

// parseArgs reads a connection's arguments (where, orderBy, first, after,
// last, before and a list's name) into a plan for nodes of kind far, and
// refuses a filter or order on a personal field unless the caller may read
// personal fields.
func parseArgs(ctx context.Context, args map[string]any, far castgraph.Kind) (*store.Plan, error) {
	p := &store.Plan{}
	var pr filterParser
	var err error
	if p.Where, err = pr.parse(far, args["where"], "where", 0); err != nil {
		return nil, err
	}
	if p.Order, err = parseOrder(args["orderBy"]); err != nil {
		return nil, err
	}
	if p.Window, err = parseWindow(args); err != nil {
		return nil, err
	}
	if name, ok := args["name"].(string); ok {
		p.NameContains = name
	}
	personal := pr.personal
	for i, o := range p.Order {
		if personal == "" && castgraph.IsPersonal(far, o.Field) {
			personal = fmt.Sprintf("orderBy[%d].field", i)
		}
	}
	if personal != "" {
		if err := refusePersonal(ctx, personal, "filtering or sorting on it"); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// parseOrder reads orderBy: a list of {field: ENUM, direction: ASC|DESC}
// (one object stands for a list of one, as GraphQL's input coercion says).
func parseOrder(raw any) ([]store.Order, error) {
	var out []store.Order
	for i, item := range asList(raw) {
		o, ok := item.(map[string]any)
		field, isText := o["field"].(string)
		if !ok || !isText {
			return nil, castgraph.Errorf(castgraph.EINVALID, fmt.Sprintf("orderBy[%d]", i), "an order names a field")
		}
		out = append(out, store.Order{Field: camel(field), Desc: o["direction"] == "DESC"})
	}
	return out, nil
}

// parseWindow reads first, after, last and before.
func parseWindow(args map[string]any) (store.Window, error) {
	var w store.Window
	for name, dst := range map[string]**int{"first": &w.First, "last": &w.Last} {
		if v := args[name]; v != nil {
			n, ok := toInt(v)
			if !ok {
				return w, castgraph.Errorf(castgraph.EINVALID, name, "%s must be a whole number", name)
			}
			*dst = &n
		}
	}
	for name, dst := range map[string]*string{"after": &w.After, "before": &w.Before} {
		if v := args[name]; v != nil {
			s, ok := v.(string)
			if !ok {
				return w, castgraph.Errorf(castgraph.EINVALID, name, "%s must be a cursor", name)
			}
			*dst = s
		}
	}
	return w, nil
}

// camel turns a sort-field enum value into its property name: CREDIT_CODE → creditCode.
func camel(upperSnake string) string {
	words := strings.Split(strings.ToLower(upperSnake), "_")
	for i := 1; i < len(words); i++ {
		if words[i] != "" {
			words[i] = strings.ToUpper(words[i][:1]) + words[i][1:]
		}
	}
	return strings.Join(words, "")
}

// asList reads a value of a list type: a list, or one value standing for a
// list of one; nil stays empty.
func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
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

// filterParser reads a filter input (KindFilter or NodeFilter, as GraphQL
// gives it) into a store.Cond, checking every field against the registry
// and every value against its property's type, with the argument's path in
// each error. It counts conditions as the store does and refuses a filter
// past the store's bounds before any Cypher is written, and it notes the
// first personal field the filter names.
type filterParser struct {
	terms    int
	personal string // path of the first personal field named
}

// term counts one condition, refusing the one past store.MaxFilterTerms.
func (pr *filterParser) term(at string) error {
	if pr.terms++; pr.terms > store.MaxFilterTerms {
		return castgraph.Errorf(castgraph.EINVALID, at, "the filter has more than %d conditions", store.MaxFilterTerms)
	}
	return nil
}

// parse reads a filter on nodes of kind (empty: of several kinds); depth
// counts the relationship quantifiers above. Fields are read in name order,
// so the same filter always gives the same condition (and statement).
func (pr *filterParser) parse(kind castgraph.Kind, raw any, at string, depth int) (store.Cond, error) {
	if raw == nil {
		return nil, nil
	}
	if depth > store.MaxFilterDepth {
		return nil, castgraph.Errorf(castgraph.EINVALID, at, "relationship filters nest deeper than %d levels", store.MaxFilterDepth)
	}
	f, ok := raw.(map[string]any)
	if !ok {
		return nil, castgraph.Errorf(castgraph.EINVALID, at, "a filter is an object")
	}
	names := make([]string, 0, len(f))
	for name := range f {
		names = append(names, name)
	}
	slices.Sort(names)
	var all store.All
	for _, name := range names {
		value := f[name]
		if value == nil {
			continue
		}
		path := at + "." + name
		var (
			c   store.Cond
			err error
		)
		switch name {
		case "AND", "OR":
			c, err = pr.combine(kind, value, name, path, depth)
		case "NOT":
			var sub store.Cond
			sub, err = pr.parse(kind, value, path, depth)
			c = store.Not{Cond: sub}
		default:
			c, err = pr.field(kind, name, value, path, depth)
		}
		if err != nil {
			return nil, err
		}
		all = append(all, c)
	}
	switch len(all) {
	case 0:
		return nil, nil // an empty filter holds for every node
	case 1:
		return all[0], nil
	}
	return all, nil
}

// combine reads AND or OR: a list of filters (one filter stands for a list of one).
func (pr *filterParser) combine(kind castgraph.Kind, value any, op, at string, depth int) (store.Cond, error) {
	list := asList(value)
	conds := make([]store.Cond, 0, len(list))
	for i, item := range list {
		path := fmt.Sprintf("%s[%d]", at, i)
		if err := pr.term(path); err != nil {
			return nil, err
		}
		c, err := pr.parse(kind, item, path, depth)
		if err != nil {
			return nil, err
		}
		if c == nil {
			c = store.All{} // an empty filter holds for every node
		}
		conds = append(conds, c)
	}
	if op == "AND" {
		return store.All(conds), nil
	}
	return store.Any(conds), nil
}

// field reads the filter on one field: a property's operators, or a
// relationship's quantifiers.
func (pr *filterParser) field(kind castgraph.Kind, name string, value any, at string, depth int) (store.Cond, error) {
	if name == "id" || name == "name" {
		return pr.operators(castgraph.PropSpec{Name: name, Type: castgraph.PropString}, value, at)
	}
	if store.IsTimeProp(name) {
		// Ordered like dates; their values are times (see operators).
		return pr.operators(castgraph.PropSpec{Name: name, Type: castgraph.PropDate}, value, at)
	}
	if kind == "" {
		return nil, castgraph.Errorf(castgraph.EINVALID, at, "only id and name can be filtered on nodes of several kinds")
	}
	spec, _ := castgraph.SpecOf(kind)
	if p, ok := spec.Prop(name); ok {
		if p.Personal && pr.personal == "" {
			pr.personal = at
		}
		return pr.operators(*p, value, at)
	}
	end, ok := castgraph.RelationField(kind, name)
	if !ok {
		return nil, castgraph.Errorf(castgraph.EINVALID, at, "%s has no field %q to filter on", kind, name)
	}
	q, ok := value.(map[string]any)
	if !ok {
		return nil, castgraph.Errorf(castgraph.EINVALID, at, "%s takes some, none, all or single", name)
	}
	var all store.All
	for _, quant := range []store.Quantifier{store.Every, store.None, store.Single, store.Some} {
		sub, present := q[string(quant)]
		if !present || sub == nil {
			continue
		}
		path := at + "." + string(quant)
		if err := pr.term(path); err != nil {
			return nil, err
		}
		where, err := pr.parse(end.FarKind(), sub, path, depth+1)
		if err != nil {
			return nil, err
		}
		all = append(all, store.Related{Field: name, Quant: quant, Where: where})
	}
	for op := range q {
		switch store.Quantifier(op) {
		case store.Every, store.None, store.Single, store.Some:
		default:
			return nil, castgraph.Errorf(castgraph.EINVALID, at+"."+op, "unknown quantifier %q", op)
		}
	}
	if len(all) == 1 {
		return all[0], nil
	}
	return all, nil
}

// operators reads {eq, in, contains, startsWith, gt, gte, lt, lte} on one
// property, each value coerced to the property's type (text is compared as
// given: trimming is for writes).
func (pr *filterParser) operators(p castgraph.PropSpec, value any, at string) (store.Cond, error) {
	ops, ok := value.(map[string]any)
	if !ok {
		return nil, castgraph.Errorf(castgraph.EINVALID, at, "takes an object of operators")
	}
	names := make([]string, 0, len(ops))
	for name := range ops {
		names = append(names, name)
	}
	slices.Sort(names)
	coerce := func(v any, path string) (any, error) {
		if s, isText := v.(string); isText && p.Type == castgraph.PropString {
			return s, nil
		}
		if store.IsTimeProp(p.Name) {
			return parseTime(v, p.Name, path)
		}
		c, err := p.Coerce(v)
		if err != nil {
			return nil, castgraph.Errorf(castgraph.EINVALID, path, "%v", err)
		}
		return c, nil
	}
	var all store.All
	for _, name := range names {
		arg := ops[name]
		if arg == nil {
			continue
		}
		path := at + "." + name
		if err := pr.term(path); err != nil {
			return nil, err
		}
		op := store.Op(name)
		var c store.Compare
		switch op {
		case store.OpEq, store.OpGt, store.OpGte, store.OpLt, store.OpLte:
			if op != store.OpEq && (p.Type == castgraph.PropBool || p.Type == castgraph.PropEnum) {
				return nil, castgraph.Errorf(castgraph.EINVALID, path, "%s cannot be compared by order", p.Name)
			}
			v, err := coerce(arg, path)
			if err != nil {
				return nil, err
			}
			c = store.Compare{Prop: p.Name, Op: op, Value: v}
		case store.OpIn:
			list := asList(arg)
			if len(list) > store.MaxInValues {
				return nil, castgraph.Errorf(castgraph.EINVALID, path, "in takes at most %d values, got %d", store.MaxInValues, len(list))
			}
			values := make([]any, len(list))
			for i, item := range list {
				v, err := coerce(item, path)
				if err != nil {
					return nil, err
				}
				values[i] = v
			}
			c = store.Compare{Prop: p.Name, Op: op, Value: values}
		case store.OpContains, store.OpStartsWith:
			s, isText := arg.(string)
			if !isText || p.Type != castgraph.PropString {
				return nil, castgraph.Errorf(castgraph.EINVALID, path, "%s applies to text", name)
			}
			c = store.Compare{Prop: p.Name, Op: op, Value: s}
		default:
			return nil, castgraph.Errorf(castgraph.EINVALID, path, "unknown operator %q", name)
		}
		all = append(all, c)
	}
	switch len(all) {
	case 0:
		return store.All{}, nil
	case 1:
		return all[0], nil
	}
	return all, nil
}

// parseTime reads a provenance time: an RFC 3339 text (a variable, a
// literal) or a time gqlgen decoded.
func parseTime(v any, prop, path string) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x, nil
	case string:
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return t, nil
		}
	}
	return time.Time{}, castgraph.Errorf(castgraph.EINVALID, path, "%s takes a time such as 2024-05-01T00:00:00Z", prop)
}
