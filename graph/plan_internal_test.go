package graph

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
	"github.com/vektah/gqlparser/v2/ast"
)

// The plan builder is pure: these tests need no database.

func TestParseArgs_ReadsEveryArgument(t *testing.T) {
	ctx := actorCtx(castgraph.RoleViewer)
	three, ten := 3, 10
	for _, c := range []struct {
		name string
		args map[string]any
		want *store.Plan
	}{
		{"nothing", map[string]any{}, &store.Plan{}},
		{"a literal int and a cursor", map[string]any{"first": int64(3), "after": "abc"},
			&store.Plan{Window: store.Window{First: &three, After: "abc"}}},
		{"a variable's number", map[string]any{"last": json.Number("10"), "before": "xyz"},
			&store.Plan{Window: store.Window{Last: &ten, Before: "xyz"}}},
		{"an order of two", map[string]any{"orderBy": []any{map[string]any{"field": "CREDIT_CODE", "direction": "DESC"}, map[string]any{"field": "NAME"}}},
			&store.Plan{Order: []store.Order{{Field: "creditCode", Desc: true}, {Field: "name"}}}},
		{"one order for a list of one", map[string]any{"orderBy": map[string]any{"field": "NAME", "direction": "ASC"}},
			&store.Plan{Order: []store.Order{{Field: "name"}}}},
		{"a list's name", map[string]any{"name": "智芯"}, &store.Plan{NameContains: "智芯"}},
		{"a filter", map[string]any{"where": map[string]any{"category": map[string]any{"in": "高新技术企业"}, "name": map[string]any{"eq": "x"}}},
			&store.Plan{Where: store.All{
				store.Compare{Prop: "category", Op: store.OpIn, Value: []any{"高新技术企业"}},
				store.Compare{Prop: "name", Op: store.OpEq, Value: "x"}}}},
		{"nulls are no arguments", map[string]any{"where": nil, "orderBy": nil, "first": nil, "after": nil},
			&store.Plan{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseArgs(ctx, c.args, castgraph.KindEnterprise)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %#v\nwant %#v", got, c.want)
			}
		})
	}
}

func TestParseArgs_RefusesWithThePath(t *testing.T) {
	ctx := actorCtx(castgraph.RoleViewer)
	for _, c := range []struct {
		name string
		args map[string]any
		path string
	}{
		{"a fractional page", map[string]any{"first": 2.5}, "first"},
		{"a cursor that is no text", map[string]any{"after": 7}, "after"},
		{"an order without a field", map[string]any{"orderBy": []any{map[string]any{"direction": "DESC"}}}, "orderBy[0]"},
		{"a filter that is no object", map[string]any{"where": "x"}, "where"},
		{"an unknown field", map[string]any{"where": map[string]any{"salary": map[string]any{"eq": 1}}}, "where.salary"},
		{"a bad value deep down", map[string]any{"where": map[string]any{"servedBy": map[string]any{"some": map[string]any{
			"AND": []any{map[string]any{}, map[string]any{"academician": map[string]any{"eq": "yes"}}}}}}}, "where.servedBy.some.AND[1].academician.eq"},
		{"a date that is none", map[string]any{"where": map[string]any{"participatesIn": map[string]any{"some": map[string]any{"year": map[string]any{"gt": "soon"}}}}}, "where.participatesIn.some.year.gt"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseArgs(ctx, c.args, castgraph.KindEnterprise)
			var e *castgraph.Error
			if !errors.As(err, &e) || e.Code != castgraph.EINVALID || e.Field != c.path {
				t.Errorf("got %v; want INVALID_ARGUMENT at %s", err, c.path)
			}
		})
	}
}

// Every element of a list, reached through nodes or edges, shares the place
// of its field; another alias, or the same fragment elsewhere, does not.
func TestPlaceOf(t *testing.T) {
	field := func(parent *graphql.FieldContext, object, alias string) *graphql.FieldContext {
		return &graphql.FieldContext{Parent: parent, Object: object, Field: graphql.CollectedField{Field: &ast.Field{Alias: alias, Name: alias}}}
	}
	index := func(parent *graphql.FieldContext, i int) *graphql.FieldContext {
		return &graphql.FieldContext{Parent: parent, Index: &i}
	}
	experts := field(nil, "Query", "experts")
	viaNodes := field(index(field(experts, "ExpertConnection", "nodes"), 3), "Expert", "serves")
	viaEdges := field(field(index(field(experts, "ExpertConnection", "edges"), 0), "ExpertEdge", "node"), "Expert", "serves")
	aliased := field(index(field(experts, "ExpertConnection", "nodes"), 3), "Expert", "served")
	deeper := field(index(field(viaNodes, "ServesEnterpriseConnection", "nodes"), 1), "Enterprise", "servedBy")
	for fc, want := range map[*graphql.FieldContext]string{
		experts: "experts", viaNodes: "experts.serves", viaEdges: "experts.serves", aliased: "experts.served", deeper: "experts.serves.servedBy",
	} {
		if got := placeOf(fc); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
