// Package graph is the GraphQL layer: gqlgen's executable schema
// (generated.go), the resolvers, and the HTTP handler that serves them.
// Resolvers are thin: they turn arguments into store calls and domain nodes
// into GraphQL views. Cypher lives in store/, batching in loaders/.
package graph

import (
	"context"
	"fmt"
	"reflect"

	"github.com/99designs/gqlgen/graphql"
	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/graph/model"
	"github.com/castgraph/castgraph/loaders"
	"github.com/castgraph/castgraph/store"
)

// Resolver is the root of all resolvers; it holds only the store, so the
// server stays stateless.
type Resolver struct {
	Store *store.Store
}

type queryResolver struct{ *Resolver }
type mutationResolver struct{ *Resolver }

// Query returns the resolver of Query's fields.
func (r *Resolver) Query() QueryResolver { return &queryResolver{r} }

// Mutation returns the resolver of Mutation's fields.
func (r *Resolver) Mutation() MutationResolver { return &mutationResolver{r} }

func (r *queryResolver) Node(ctx context.Context, id string) (model.Node, error) {
	var fields store.Fields
	if graphql.HasOperationContext(ctx) {
		if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Field.Field != nil {
			fields = anyKindFields(graphql.GetOperationContext(ctx), fc.Field.Selections)
		}
	}
	n, err := r.Store.Node(ctx, id, fields)
	if err != nil || n == nil {
		return nil, err
	}
	loaders.For(ctx, r.Store).Adopt([]*castgraph.Node{n})
	r.lookAhead(ctx, n.Kind, []*castgraph.Node{n})
	return model.Wrap(n), nil
}

func pageInfo(p *store.Page) *model.PageInfo {
	info := &model.PageInfo{HasNextPage: p.HasNextPage, HasPreviousPage: p.HasPreviousPage}
	if n := len(p.Cursors); n > 0 {
		info.StartCursor, info.EndCursor = &p.Cursors[0], &p.Cursors[n-1]
	}
	return info
}

// list answers a Query list field, reading only the fields asked of its
// nodes; totalCount is counted only when asked (in the page's transaction).
// The relationship fields asked of the page's nodes, and theirs below, are
// read ahead in the page's own statement (see readAhead); the nodes become
// one family of the request's loaders for whatever was not.
func (r *Resolver) list(ctx context.Context, kind castgraph.Kind) (*store.Page, func(context.Context) (int, error), error) {
	l := loaders.For(ctx, r.Store)
	plan, err := planField(ctx, l, kind, kind, true)
	if err != nil {
		return nil, nil, err
	}
	count := func(ctx context.Context) (int, error) { return r.Store.Count(ctx, kind, plan) }
	conn, _ := selectionOf(ctx)
	if conn.countOnly() {
		return store.EmptyPage(), count, store.CheckList(kind, plan)
	}
	res, err := r.Store.ListWith(ctx, kind, plan)
	if err != nil {
		return nil, nil, err
	}
	l.Adopt(res.Page.Nodes)
	if res.Under != nil {
		preload(l, plan.Branches, res.Under)
	}
	if plan.Count {
		count = func(context.Context) (int, error) { return res.Count, nil }
	}
	return res.Page, count, nil
}

// relatedPage answers a relationship field through the request's loaders:
// from what a root field read ahead, or in one statement shared by the
// sibling nodes asking for the same field, which reads only the fields the
// client asked of the far nodes.
func (r *Resolver) relatedPage(ctx context.Context, near *castgraph.Node, field string) (*store.Page, func(context.Context) (int, error), error) {
	end, ok := castgraph.RelationField(near.Kind, field)
	if !ok {
		return nil, nil, castgraph.Errorf(castgraph.EINTERNAL, "", "%s has no relationship field %q", near.Kind, field)
	}
	l := loaders.For(ctx, r.Store)
	plan, err := planField(ctx, l, near.Kind, end.FarKind(), false)
	if err != nil {
		return nil, nil, err
	}
	conn, _ := selectionOf(ctx)
	return l.Related(ctx, near, field, plan, conn.countOnly())
}

func (r *Resolver) createNode(ctx context.Context, kind castgraph.Kind, input map[string]any) (*castgraph.Node, error) {
	in, err := nodeInput(input)
	if err != nil {
		return nil, err
	}
	if err := checkPersonalInput(ctx, kind, in); err != nil {
		return nil, err
	}
	return r.Store.Create(ctx, kind, in)
}

func (r *Resolver) updateNode(ctx context.Context, kind castgraph.Kind, id string, input map[string]any) (*castgraph.Node, error) {
	in, err := nodeInput(input)
	if err != nil {
		return nil, err
	}
	if err := checkPersonalInput(ctx, kind, in); err != nil {
		return nil, err
	}
	return r.Store.Update(ctx, kind, id, in)
}

func (r *Resolver) deleteNode(ctx context.Context, kind castgraph.Kind, id string) (string, error) {
	if err := r.Store.Delete(ctx, kind, id); err != nil {
		return "", err
	}
	return id, nil
}

// nodeInput splits a create or update input into the common fields and the
// kind's own properties. GraphQL has already checked the types; the domain
// checks the rules.
func nodeInput(input map[string]any) (castgraph.NodeInput, error) {
	in := castgraph.NodeInput{Props: map[string]any{}}
	for k, raw := range input {
		v := plain(raw)
		switch k {
		case "name":
			s, ok := v.(string)
			if !ok {
				return in, castgraph.Errorf(castgraph.EINVALID, "input.name", "name must not be empty")
			}
			in.Name = &s
		case "aliases":
			in.Aliases = []string{}
			list, _ := v.([]any)
			for _, a := range list {
				in.Aliases = append(in.Aliases, fmt.Sprint(a))
			}
		case "description":
			s, _ := v.(string) // null clears it
			in.Description = &s
		case "source":
			in.Source, _ = v.(string)
		default:
			in.Props[k] = v
		}
	}
	return in, nil
}

// plain turns what gqlgen passes for map-bound inputs into plain values:
// pointers (used for nullable fields) are followed, nil pointers become nil,
// and slices and maps of any element type become []any and map[string]any.
func plain(v any) any {
	if v == nil {
		return nil
	}
	if d, ok := v.(castgraph.Date); ok {
		return d
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return nil
		}
		return plain(rv.Elem().Interface())
	case reflect.Slice:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = plain(rv.Index(i).Interface())
		}
		return out
	case reflect.Map:
		out := make(map[string]any, rv.Len())
		for _, k := range rv.MapKeys() {
			out[fmt.Sprint(k.Interface())] = plain(rv.MapIndex(k).Interface())
		}
		return out
	case reflect.String:
		return rv.String() // named string types, such as enums, become plain strings
	}
	return v
}

func (r *mutationResolver) Link(ctx context.Context, input model.LinkInput) (*model.Relationship, error) {
	l := store.Link{Type: castgraph.RelType(input.Type), From: input.From, To: input.To, Props: map[string]any{}}
	if input.Source != nil {
		l.Source = *input.Source
	}
	for name, v := range input.Props {
		if v = plain(v); v != nil {
			l.Props[name] = v
		}
	}
	res, err := r.Store.Link(ctx, l)
	if err != nil {
		return nil, err
	}
	rel := &model.Relationship{Type: input.Type, From: model.Wrap(res.From), To: model.Wrap(res.To), Provenance: &res.Provenance}
	relationshipProps(rel, res.Props)
	return rel, nil
}

func (r *mutationResolver) Unlink(ctx context.Context, input model.UnlinkInput) (bool, error) {
	return r.Store.Unlink(ctx, castgraph.RelType(input.Type), input.From, input.To)
}
