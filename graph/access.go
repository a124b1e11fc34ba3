package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/graph/model"
)

// The one implementation of access control: the @requires directive that
// the schema puts on every mutation and personal field. Who the caller is
// (castgraph.ActorFrom) the HTTP layer has settled before (auth.go); a
// request without credentials gets there only where public reads are on.

// requires is @requires(permission: …): the field runs only for a caller
// whose role grants the permission.
func requires(ctx context.Context, obj any, next graphql.Resolver, permission model.Permission) (any, error) {
	if err := castgraph.Require(ctx, castgraph.Permission(permission)); err != nil {
		return nil, err
	}
	return next(ctx)
}

// newExecutableSchema is the schema with its resolvers and directives: the
// server's, and the one tests inspect.
func newExecutableSchema(r *Resolver) graphql.ExecutableSchema {
	c := Config{Resolvers: r}
	c.Directives.Requires = requires
	return NewExecutableSchema(c)
}
