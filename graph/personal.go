package graph

import (
	"context"
	"errors"
	"slices"

	"github.com/castgraph/castgraph"
)

// Personal fields (castgraph.PropSpec.Personal) need READ_PERSONAL. Reading
// one is the @requires directive's business (graph/access.go); this file
// covers what the directive cannot see: a filter or order on a personal
// field returns other fields, yet tells its value (bisect birthMonth with
// lt/gte and any list answers when a person was born), and an input that
// writes one.
//
// The filter parser (graph/plan.go) notes the first personal field a filter
// or order names; building the plan then asks refusePersonal. Lists,
// relationship fields, the read-ahead and the loaders all take their plans
// from there.

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
