package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
)

// Personal fields (castgraph.PropSpec.Personal) need READ_PERSONAL. Reading
// one is the @requires directive's business (graph/access.go); this file
// covers what the directive cannot see: a filter or order on a personal
// field returns other fields, yet tells its value (bisect birthMonth with
// lt/gte and any list answers when a person was born), and an input that
// writes one.
//
// checkPersonal is called from pageArgs.query, the one place where a
// connection's arguments become a store query: lists, relationship fields,
// the read-ahead of lookahead.go and, through relatedPage, the loaders all
// take their queries from it.

// checkPersonal refuses a query whose filter or order names a personal field
// of the nodes it applies to (kind; empty for nodes of several kinds), unless
// the caller may read personal fields: castgraph.Require's error (FORBIDDEN,
// or UNAUTHENTICATED without credentials) about the filter's path, e.g.
// where.memberOf.some… or where.AND[1].birthMonth.
func checkPersonal(ctx context.Context, kind castgraph.Kind, q store.PageQuery) error {
	path := personalFilterPath(kind, q.Where, "where")
	for i, o := range q.OrderBy {
		if path == "" && castgraph.IsPersonal(kind, o.Field) {
			path = fmt.Sprintf("orderBy[%d].field", i)
		}
	}
	if path == "" {
		return nil
	}
	return refusePersonal(ctx, path, "filtering or sorting on it")
}

// refusePersonal returns nil when the caller may read personal fields, else
// Require's refusal about the field at path.
func refusePersonal(ctx context.Context, path, doing string) error {
	err := castgraph.Require(ctx, castgraph.PermReadPersonal)
	var e *castgraph.Error
	if err == nil || !errors.As(err, &e) {
		return err
	}
	// The message names the field, never a value.
	return castgraph.Errorf(e.Code, path, "%s is personal (%s): %s", path, doing, e.Message)
}

// personalFilterPath returns the path of the first personal field that the
// filter f (a KindFilter or NodeFilter, as plain values) names, through
// AND, OR, NOT and relationship quantifiers, or "". Values of the wrong
// shape are skipped: the store refuses them with its own message.
func personalFilterPath(kind castgraph.Kind, f map[string]any, at string) string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the first in a fixed order, like the store's errors
	for _, field := range keys {
		value := f[field]
		if value == nil {
			continue
		}
		path := at + "." + field
		switch field {
		case "id", "name":
		case "AND", "OR":
			list, _ := value.([]any)
			for i, item := range list {
				sub, _ := item.(map[string]any)
				if p := personalFilterPath(kind, sub, fmt.Sprintf("%s[%d]", path, i)); p != "" {
					return p
				}
			}
		case "NOT":
			sub, _ := value.(map[string]any)
			if p := personalFilterPath(kind, sub, path); p != "" {
				return p
			}
		default:
			if castgraph.IsPersonal(kind, field) {
				return path
			}
			end, ok := store.RelationField(kind, field)
			if kind == "" || !ok {
				continue
			}
			var far castgraph.Kind
			if len(end.Far) == 1 {
				far = end.Far[0]
			}
			quantifiers, _ := value.(map[string]any)
			for _, op := range []string{"all", "none", "single", "some"} {
				sub, _ := quantifiers[op].(map[string]any)
				if p := personalFilterPath(far, sub, path+"."+op); p != "" {
					return p
				}
			}
		}
	}
	return ""
}

// checkPersonalInput refuses a create or update that sets or clears a
// personal field unless the caller may read personal fields as well as
// write. WRITE alone would do today (every role with it is above analyst),
// but PIPL asks for the least access: someone who may not see a phone
// number has no business typing one in, nor blanking it, and the answer
// would not show what was written.
func checkPersonalInput(ctx context.Context, kind castgraph.Kind, in castgraph.NodeInput) error {
	names := make([]string, 0, len(in.Props))
	for name := range in.Props {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if castgraph.IsPersonal(kind, name) {
			return refusePersonal(ctx, "input."+name, "writing it")
		}
	}
	return nil
}
