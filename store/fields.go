package store

import (
	"slices"
	"strings"
)

// Fields is what a caller will use of the nodes a read returns, so that the
// statement sends only that (a client asking for id and name of 400 experts
// should not pay for their descriptions and provenance). It applies where
// the far end is one kind; a node read through it has only these fields.
type Fields struct {
	// Partial asks for the listed fields only; without it all are read.
	Partial bool
	// Props are the node properties to read besides id and name: aliases,
	// description, the kind's own, or sources/createdAt/updatedAt for provenance.
	Props []string
	// Edges asks for each relationship's properties and provenance.
	Edges bool
}

// projection returns the Cypher map projection of node variable v and the
// expression for relationship variable r under f, or ok=false when whole
// entities are read.
func (f Fields) projection(t target, v, r string) (node, rel string, ok bool) {
	if !f.Partial || t.kind == "" {
		return "", "", false
	}
	keys := []string{"." + propID, "." + propName}
	for _, p := range f.Props {
		if validPropName(p) {
			keys = append(keys, "."+p)
		}
	}
	rel = "null"
	if f.Edges {
		rel = "properties(" + r + ")"
	}
	return v + " {" + strings.Join(keys, ", ") + "}", rel, true
}

// labelsKey carries a node's labels in a projection of a node of any kind.
const labelsKey = "__labels"

// anyKind returns the map projection of node variable v for a node of any
// kind (node(id), search hits): the fields, the extra properties the caller
// needs itself, and the labels; ok=false when whole nodes are read.
func (f Fields) anyKind(v string, extra ...string) (string, bool) {
	if !f.Partial {
		return "", false
	}
	keys := []string{"." + propID, "." + propName}
	for _, p := range append(slices.Clone(f.Props), extra...) {
		if validPropName(p) && !slices.Contains(keys, "."+p) {
			keys = append(keys, "."+p)
		}
	}
	keys = append(keys, labelsKey+": labels("+v+")")
	return v + " {" + strings.Join(keys, ", ") + "}", true
}

// validPropName keeps property names that are plain identifiers, so a
// projection never carries anything but property names into Cypher.
func validPropName(p string) bool {
	if p == "" {
		return false
	}
	for i, c := range p {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
