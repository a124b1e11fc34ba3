package graph

import (
	"context"
	"log/slog"
	"reflect"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/graph/model"
	"github.com/castgraph/castgraph/store"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// personalReads records who read personal fields (PIPL: access is
// recorded). Every field whose definition carries
// @requires(permission: READ_PERSONAL) notes the id of the node it belongs
// to in a collector of the request; when the response is ready, ONE audit
// entry "read-personal" lists them. The response is sent only once that
// entry is written: personal data never leaves unrecorded.
type personalReads struct {
	store *store.Store
	log   *slog.Logger
}

var (
	_ graphql.HandlerExtension    = personalReads{}
	_ graphql.ResponseInterceptor = personalReads{}
	_ graphql.FieldInterceptor    = personalReads{}
)

func (personalReads) ExtensionName() string                          { return "PersonalReads" }
func (personalReads) Validate(schema graphql.ExecutableSchema) error { return nil }

// readCollector gathers the node ids of one request's personal reads;
// fields resolve concurrently.
type readCollector struct {
	mu    sync.Mutex
	ids   []string
	seen  map[string]bool
	count int
}

func (c *readCollector) note(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen[id] {
		return
	}
	c.seen[id] = true
	c.count++
	// Memory stays bounded however many nodes a request reads; the
	// entry lists at most this many anyway.
	if len(c.ids) < castgraph.MaxAuditNodes {
		c.ids = append(c.ids, id)
	}
}

type collectorKey struct{}

func (p personalReads) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	c := &readCollector{seen: map[string]bool{}}
	resp := next(context.WithValue(ctx, collectorKey{}, c))
	if c.count == 0 {
		return resp
	}
	// Recorded even when the client has gone: the data was read. The
	// write gets its own time limit, not what is left of the request's.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := p.store.RecordPersonalReads(wctx, c.ids, c.count); err != nil {
		p.log.Error("cannot record a read of personal fields; the answer is withheld", "err", err)
		return &graphql.Response{Errors: gqlerror.List{{
			Message:    "the read of personal fields could not be recorded; retry in a moment",
			Extensions: map[string]any{"code": castgraph.EUNAVAILABLE},
		}}}
	}
	return resp
}

func (personalReads) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	res, err := next(ctx)
	if err != nil {
		return res, err
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil || !personalField(fc.Field.Definition) {
		return res, err
	}
	c, _ := ctx.Value(collectorKey{}).(*readCollector)
	if c == nil || fc.Parent == nil {
		return res, err
	}
	if id := nodeID(fc.Parent.Result); id != "" {
		c.note(id)
	}
	return res, err
}

// personalField tells whether the field is declared personal: it needs
// READ_PERSONAL.
func personalField(def *ast.FieldDefinition) bool {
	d := def.Directives.ForName("requires")
	if d == nil {
		return false
	}
	arg := d.Arguments.ForName("permission")
	return arg != nil && arg.Value != nil && arg.Value.Raw == string(castgraph.PermReadPersonal)
}

// nodeID returns the id of the node a field belongs to, as gqlgen keeps it
// in the parent's field context: a node model (model.Node), or, for an
// element of a list, a pointer to one; "" for anything else.
func nodeID(obj any) string {
	v := reflect.ValueOf(obj)
	if !v.IsValid() || (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil() {
		return "" // a nil model would panic in Entity
	}
	if n, ok := obj.(model.Node); ok {
		if e := n.Entity(); e != nil {
			return e.ID
		}
		return ""
	}
	if v.Kind() == reflect.Pointer {
		return nodeID(v.Elem().Interface())
	}
	return ""
}
