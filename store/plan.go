package store

import "github.com/castgraph/castgraph"

// A Plan says what to read of a list of nodes: the nodes of a kind, or the
// far ends of one relationship field of some nodes. The caller builds it
// once (graph builds one per field of a query from its arguments and
// selection) and the store compiles it into one statement; nothing in it is
// read a second time or compared as text.
type Plan struct {
	// Where keeps the nodes that satisfy it; nil keeps every node.
	Where Cond
	// NameContains keeps the nodes whose name or an alias contains the text,
	// case-insensitively.
	NameContains string
	// Order lists the sort fields; the id is always the last tie-break, and
	// no fields means the kind's own order (castgraph.KindSpec.OrderFields).
	Order []Order
	// Window is the page asked for.
	Window Window
	// Fields narrows what is read of each node; the zero value reads everything.
	Fields Fields
	// Count asks for the number of all matches too, in the same statement.
	Count bool
	// Branches are relationship fields to read under each node of the page
	// in the same statement (see RelatedTree).
	Branches []Branch
}

// Window is one page of an ordered list: First/After page forwards,
// Last/Before backwards; one pair at most. No size means the default page.
type Window struct {
	First, Last   *int
	After, Before string
}

// Size is how many nodes the window asks for at most, or fallback when it
// gives neither First nor Last.
func (w Window) Size(fallback int) int {
	switch {
	case w.First != nil:
		return max(*w.First, 0)
	case w.Last != nil:
		return max(*w.Last, 0)
	}
	return fallback
}

// Branch is one relationship field read under each node of a level, with
// the plan of its far nodes. Answers are keyed by the branch's plan, so one
// field asked twice with different plans stays apart.
type Branch struct {
	Field string
	Plan  *Plan
}

// Order is one sort field: "name", "id", "createdAt", "updatedAt" or a
// property of the kind.
type Order struct {
	Field string
	Desc  bool
}

// Cond is a condition on a node: All, Any, Not, Compare or Related. The
// store compiles it into a Cypher predicate in which every value is a
// parameter.
type Cond interface{ isCond() }

// All holds when each of its conditions holds; an empty All always holds.
type All []Cond

// Any holds when one of its conditions holds; an empty Any never holds.
type Any []Cond

// Not holds when its condition does not.
type Not struct{ Cond Cond }

// Op is a comparison operator.
type Op string

// The comparison operators. OpIn takes a list; OpContains and OpStartsWith
// take text and compare case-insensitively (Chinese has no case).
const (
	OpEq         Op = "eq"
	OpGt         Op = "gt"
	OpGte        Op = "gte"
	OpLt         Op = "lt"
	OpLte        Op = "lte"
	OpIn         Op = "in"
	OpContains   Op = "contains"
	OpStartsWith Op = "startsWith"
)

// Compare compares a node's property with a value: "id", "name" or a
// property of the node's kind. Value is already of the property's type
// (castgraph.PropSpec.Coerce); for OpIn it is a []any of such values.
type Compare struct {
	Prop  string
	Op    Op
	Value any
}

// Quantifier says how many far nodes of a relationship must match.
type Quantifier string

// The quantifiers.
const (
	Some   Quantifier = "some"
	None   Quantifier = "none"
	Every  Quantifier = "all"
	Single Quantifier = "single"
)

// Related holds when the node's relationships of a field reach far nodes
// satisfying Where in the number the quantifier says; a nil Where is
// satisfied by every far node.
type Related struct {
	Field string
	Quant Quantifier
	Where Cond
}

func (All) isCond()     {}
func (Any) isCond()     {}
func (Not) isCond()     {}
func (Compare) isCond() {}
func (Related) isCond() {}

// target says what a condition applies to: one kind, or any of several
// (then only the fields every node has, id and name, may be compared).
type target struct {
	kind castgraph.Kind // empty when several kinds are possible
}

func (t target) label() string {
	if t.kind == "" {
		return castgraph.EntityLabel
	}
	return string(t.kind)
}

// farTarget is what conditions on the far end of a relationship apply to.
func farTarget(e castgraph.RelEnd) target { return target{kind: e.FarKind()} }
