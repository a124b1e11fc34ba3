package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/castgraph/castgraph"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// noIntrospection refuses, before execution, an operation that asks for
// __schema or __type, with INTROSPECTION_DISABLED. Without gqlgen's
// Introspection extension those fields already answer nothing, but with an
// uncoded error per field (logged as INTERNAL) after the rest of the
// operation ran; __typename stays allowed, clients ask it of every object.
type noIntrospection struct{}

var (
	_ graphql.HandlerExtension        = noIntrospection{}
	_ graphql.OperationContextMutator = noIntrospection{}
)

func (noIntrospection) ExtensionName() string                   { return "CastgraphNoIntrospection" }
func (noIntrospection) Validate(graphql.ExecutableSchema) error { return nil }

func (noIntrospection) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	if asksIntrospection(opCtx.Operation.SelectionSet, opCtx.Doc.Fragments, map[string]bool{}) {
		return gqlerror.Wrap(castgraph.Errorf(castgraph.EINTROSPECTION, "", "introspection is disabled on this server"))
	}
	return nil
}

// asksIntrospection looks through the root selection, its inline fragments
// and the fragments it spreads (each once): validation puts __schema and
// __type on the query root only.
func asksIntrospection(set ast.SelectionSet, fragments ast.FragmentDefinitionList, seen map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				return true
			}
		case *ast.InlineFragment:
			if asksIntrospection(s.SelectionSet, fragments, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			if f := fragments.ForName(s.Name); f != nil && asksIntrospection(f.SelectionSet, fragments, seen) {
				return true
			}
		}
	}
	return false
}
