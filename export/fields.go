package export

import (
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Fields maps each dotted path of response keys of an operation (validated
// against its schema, so every field knows its definition) to the type it is
// selected on and the field's name: what headers are made of. Fragments
// are followed; where two fragments give one key (… on Region { name } …
// on Park { name }) the first wins.
func Fields(op *ast.OperationDefinition) map[string]Field {
	out := map[string]Field{}
	var walk func(set ast.SelectionSet, at string, depth int)
	walk = func(set ast.SelectionSet, at string, depth int) {
		if depth > 64 { // the server's depth limit is far below; a guard against cycles
			return
		}
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				p := join(at, s.Alias)
				if s.Alias == "" {
					p = join(at, s.Name)
				}
				if _, ok := out[p]; !ok {
					parent := ""
					if s.ObjectDefinition != nil {
						parent = s.ObjectDefinition.Name
					}
					out[p] = Field{Parent: parent, Name: s.Name, Order: len(out)}
				}
				walk(s.SelectionSet, p, depth+1)
			case *ast.InlineFragment:
				walk(s.SelectionSet, at, depth+1)
			case *ast.FragmentSpread:
				if s.Definition != nil {
					walk(s.Definition.SelectionSet, at, depth+1)
				}
			}
		}
	}
	if op != nil {
		walk(op.SelectionSet, "", 0)
	}
	return out
}

// leaves keeps the paths no other path extends (scalars, not objects), in
// the order the query asks for them (Field.Order below prefix, then by name).
func leaves(paths []string, fields map[string]Field, prefix string) []string {
	slices.Sort(paths)
	var out []string
	for i, p := range paths {
		if i+1 < len(paths) && strings.HasPrefix(paths[i+1], p+".") {
			continue
		}
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(a, b string) int {
		return fields[prefix+a].Order - fields[prefix+b].Order
	})
	return out
}
