package graph

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
	"github.com/vektah/gqlparser/v2/ast"
)

// selection is what the client asked of the field being resolved (a
// connection, a list of search hits): its sub-selection, with the name of
// the field's type to collect it by.
type selection struct {
	op       *graphql.OperationContext
	typeName string
	sel      ast.SelectionSet
}

// selectionOf returns what is asked of the field being resolved; false
// outside a GraphQL request.
func selectionOf(ctx context.Context) (selection, bool) {
	if !graphql.HasOperationContext(ctx) {
		return selection{}, false
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil {
		return selection{}, false
	}
	return selection{graphql.GetOperationContext(ctx), fc.Field.Definition.Type.Name(), fc.Field.Selections}, true
}

// fields lists the names of the selected fields.
func (s selection) fields() []string {
	var names []string
	for _, f := range graphql.CollectFields(s.op, s.sel, []string{s.typeName}) {
		names = append(names, f.Name)
	}
	return names
}

// asksCount reports whether totalCount is selected.
func (s selection) asksCount() bool { return slices.Contains(s.fields(), "totalCount") }

// countOnly reports whether the connection is asked for its totalCount
// alone, so that its page need not be read.
func (s selection) countOnly() bool {
	names := s.fields()
	for _, n := range names {
		if n != "totalCount" && n != "__typename" {
			return false
		}
	}
	return len(names) > 0
}

// wantedFields reads, from the selection of the connection field being
// resolved, what the client asked of its nodes of the kind (see fieldsOf).
func wantedFields(ctx context.Context, kind castgraph.Kind) store.Fields {
	s, ok := selectionOf(ctx)
	if !ok {
		return store.Fields{}
	}
	return fieldsOf(s.op, kind, s.typeName, s.sel)
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
	for _, p := range append([]string{"aliases", "description"}, provenanceProps...) {
		if want.props[p] {
			out.Props = append(out.Props, p)
		}
	}
	return out
}

// anyKindFields reads what a selection of the Node interface (node(id), a
// search hit) asks, whatever kind the node turns out to be: the union over
// the kinds' fragments. Like fieldsOf, it asks for everything when it meets
// a field it cannot place.
func anyKindFields(op *graphql.OperationContext, sel ast.SelectionSet) store.Fields {
	want := fieldSet{props: map[string]bool{}}
	for i := range castgraph.Kinds {
		if !want.node(op, &castgraph.Kinds[i], sel) {
			return store.Fields{}
		}
	}
	out := store.Fields{Partial: true}
	for _, p := range append([]string{"aliases", "description"}, provenanceProps...) {
		if want.props[p] {
			out.Props = append(out.Props, p)
		}
	}
	for _, spec := range castgraph.Kinds {
		for _, p := range spec.Props {
			if want.props[p.Name] && !slices.Contains(out.Props, p.Name) {
				out.Props = append(out.Props, p.Name)
			}
		}
	}
	return out
}

// provenanceProps are the properties a node's provenance is read from.
var provenanceProps = []string{"sources", "assertions", "createdAt", "updatedAt", "changedAt", "sourceFirst", "sourceLast"}

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
			for _, p := range provenanceProps {
				w.props[p] = true
			}
		default:
			if _, ok := spec.Prop(f.Name); ok {
				w.props[f.Name] = true
			} else if _, ok := castgraph.RelationField(spec.Kind, f.Name); !ok {
				return false
			}
		}
	}
	return true
}
