package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
	"github.com/vektah/gqlparser/v2/ast"
)

// wantedFields reads, from the selection of the connection field being
// resolved, what the client asked of its nodes of the kind (see fieldsOf).
func wantedFields(ctx context.Context, kind castgraph.Kind) store.Fields {
	if !graphql.HasOperationContext(ctx) {
		return store.Fields{}
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil {
		return store.Fields{}
	}
	return fieldsOf(graphql.GetOperationContext(ctx), kind, fc.Field.Definition.Type.Name(), fc.Field.Selections)
}

// fieldsOf reads, from a connection's selection, what the client asked of
// its nodes of the kind, so the store sends only that. Whatever it cannot
// place (a field it does not know) makes it ask for everything: reading too
// much is slow, reading too little wrong.
func fieldsOf(op *graphql.OperationContext, kind castgraph.Kind, connType string, connSel ast.SelectionSet) store.Fields {
	all := store.Fields{}
	spec, ok := castgraph.SpecOf(kind)
	if !ok {
		return all
	}
	want := fieldSet{props: map[string]bool{}}
	for _, f := range graphql.CollectFields(op, connSel, []string{connType}) {
		switch f.Name {
		case "nodes":
			if !want.node(op, spec, f.Selections) {
				return all
			}
		case "edges":
			if f.Definition == nil {
				return all
			}
			for _, e := range graphql.CollectFields(op, f.Selections, []string{f.Definition.Type.Name()}) {
				switch e.Name {
				case "node":
					if !want.node(op, spec, e.Selections) {
						return all
					}
				case "cursor", "__typename":
				default: // the relationship's properties or provenance
					want.edges = true
				}
			}
		}
	}
	out := store.Fields{Partial: true, Edges: want.edges}
	for _, p := range spec.Props {
		if want.props[p.Name] {
			out.Props = append(out.Props, p.Name)
		}
	}
	for _, p := range []string{"aliases", "description", "sources", "createdAt", "updatedAt"} {
		if want.props[p] {
			out.Props = append(out.Props, p)
		}
	}
	return out
}

// fieldSet gathers the properties a selection reads.
type fieldSet struct {
	props map[string]bool
	edges bool
}

// node adds what a node selection of the kind reads and reports whether it
// knew every field.
func (w *fieldSet) node(op *graphql.OperationContext, spec *castgraph.KindSpec, sel ast.SelectionSet) bool {
	for _, f := range graphql.CollectFields(op, sel, []string{string(spec.Kind), "Node"}) {
		switch f.Name {
		case "id", "name", "__typename":
		case "aliases", "description":
			w.props[f.Name] = true
		case "provenance":
			w.props["sources"], w.props["createdAt"], w.props["updatedAt"] = true, true, true
		default:
			if _, ok := spec.Prop(f.Name); ok {
				w.props[f.Name] = true
			} else if _, ok := store.RelationField(spec.Kind, f.Name); !ok {
				return false
			}
		}
	}
	return true
}
