// Package graph is the GraphQL layer: gqlgen's executable schema
// (generated.go), the resolvers, and the HTTP handler that serves them.
// Resolvers are thin: they turn arguments into store calls and domain nodes
// into GraphQL views. Cypher lives in store/, batching in loaders/.
package graph

import (
	"context"
	"fmt"

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
	n, err := r.Store.Node(ctx, id)
	if err != nil || n == nil {
		return nil, err
	}
	return model.Wrap(n), nil
}

// related answers a relationship field through the request's loader, so that
// sibling nodes asking for the same field share one query.
func (r *Resolver) related(ctx context.Context, near *castgraph.Node, rel castgraph.RelType, outgoing bool, first *int) ([]castgraph.Edge, error) {
	limit := 100
	if first != nil {
		limit = *first
	}
	if limit < 0 || limit > store.MaxRelated {
		return nil, castgraph.Errorf(castgraph.EINVALID, "first", "first must be between 0 and %d", store.MaxRelated)
	}
	return loaders.For(ctx, r.Store).Related(ctx, loaders.RelatedKey{ID: near.ID, Type: rel, Outgoing: outgoing, Limit: limit})
}

func (r *Resolver) list(ctx context.Context, kind castgraph.Kind, name *string, first *int, after *string) (*listPage, error) {
	n, a, limit := "", "", 20
	if name != nil {
		n = *name
	}
	if after != nil {
		a = *after
	}
	if first != nil {
		limit = *first
	}
	page, err := r.Store.List(ctx, kind, n, limit, a)
	if err != nil {
		return nil, err
	}
	info := &model.PageInfo{HasNextPage: page.HasNextPage}
	if len(page.Cursors) > 0 {
		info.EndCursor = &page.Cursors[len(page.Cursors)-1]
	}
	return &listPage{Page: page, PageInfo: info}, nil
}

type listPage struct {
	*store.Page
	PageInfo *model.PageInfo
}

func (r *Resolver) createNode(ctx context.Context, kind castgraph.Kind, input map[string]any) (*castgraph.Node, error) {
	in, err := nodeInput(input)
	if err != nil {
		return nil, err
	}
	return r.Store.Create(ctx, kind, in)
}

func (r *Resolver) updateNode(ctx context.Context, kind castgraph.Kind, id string, input map[string]any) (*castgraph.Node, error) {
	in, err := nodeInput(input)
	if err != nil {
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
		v := deref(raw)
		switch k {
		case "name":
			s, ok := v.(string)
			if !ok {
				return in, castgraph.Errorf(castgraph.EINVALID, "input.name", "name must not be empty")
			}
			in.Name = &s
		case "aliases":
			in.Aliases = []string{}
			switch list := v.(type) {
			case []string:
				in.Aliases = list
			case []any:
				for _, a := range list {
					in.Aliases = append(in.Aliases, fmt.Sprint(deref(a)))
				}
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

// deref unwraps the pointers gqlgen uses for nullable input fields; a nil
// pointer becomes nil, which means "clear" in an update.
func deref(v any) any {
	switch p := v.(type) {
	case *string:
		if p != nil {
			return *p
		}
	case *int:
		if p != nil {
			return *p
		}
	case *int64:
		if p != nil {
			return *p
		}
	case *bool:
		if p != nil {
			return *p
		}
	case *castgraph.Date:
		if p != nil {
			return *p
		}
	default:
		return v
	}
	return nil
}

func (r *mutationResolver) Link(ctx context.Context, input model.LinkInput) (*model.Relationship, error) {
	l := store.Link{Type: castgraph.RelType(input.Type), From: input.From, To: input.To, Props: map[string]any{}}
	if input.Source != nil {
		l.Source = *input.Source
	}
	if p := input.Props; p != nil {
		setIf(l.Props, "role", p.Role)
		setIf(l.Props, "since", p.Since)
		setIf(l.Props, "until", p.Until)
		setIf(l.Props, "year", p.Year)
		setIf(l.Props, "via", p.Via)
	}
	res, err := r.Store.Link(ctx, l)
	if err != nil {
		return nil, err
	}
	return &model.Relationship{
		Type: input.Type, From: model.Wrap(res.From), To: model.Wrap(res.To),
		Role: model.PropString(res.Props, "role"), Since: model.PropDate(res.Props, "since"),
		Until: model.PropDate(res.Props, "until"), Year: model.PropInt(res.Props, "year"),
		Via: model.PropString(res.Props, "via"), Provenance: &res.Provenance,
	}, nil
}

func setIf[T any](m map[string]any, key string, v *T) {
	if v != nil {
		m[key] = *v
	}
}

func (r *mutationResolver) Unlink(ctx context.Context, input model.UnlinkInput) (bool, error) {
	return r.Store.Unlink(ctx, castgraph.RelType(input.Type), input.From, input.To)
}
