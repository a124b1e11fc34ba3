package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/castgraph/castgraph"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// Limits bound what one GraphQL operation may ask for. They are checked
// before any resolver runs: the shape of the document (size, tokens, depth,
// fields, aliases, root fields) before gqlgen validates it, so that no
// document costs more than linear time to refuse; its cost in rows after, from
// the page sizes the validated operation asks for. The zero value of a field
// means its default (DefaultLimits).
type Limits struct {
	// MaxDocumentBytes caps the length of the query text.
	MaxDocumentBytes int
	// MaxTokens caps the lexical tokens of the query text.
	MaxTokens int
	// MaxDepth caps how deeply fields nest, fragments expanded.
	MaxDepth int
	// MaxFields caps the fields of the operation, every fragment spread
	// expanded (so a fragment used twice counts twice).
	MaxFields int
	// MaxAliases caps the fields that carry an alias, fragments expanded.
	MaxAliases int
	// MaxRootFields caps the root fields of the operation: each may run its
	// own statements at the same time as the others.
	MaxRootFields int
	// MaxCost caps the rows the operation may read: every page size (given or
	// default) multiplied by the page sizes of the fields above it.
	MaxCost int
}

// DefaultLimits are the limits of a server that is told nothing else. MaxCost
// admits four levels of 20 (168 420 rows, the deepest question of the
// benchmark) and every analyst report at its default arguments, and refuses
// relationship fields nested three deep at their default page size of 100.
var DefaultLimits = Limits{
	MaxDocumentBytes: 32 << 10,
	MaxTokens:        5_000,
	MaxDepth:         15,
	MaxFields:        1_000,
	MaxAliases:       100,
	MaxRootFields:    30,
	MaxCost:          1_000_000,
}

// withDefaults fills the zero fields of l from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	for _, f := range []struct{ v, def *int }{
		{&l.MaxDocumentBytes, &d.MaxDocumentBytes}, {&l.MaxTokens, &d.MaxTokens}, {&l.MaxDepth, &d.MaxDepth},
		{&l.MaxFields, &d.MaxFields}, {&l.MaxAliases, &d.MaxAliases}, {&l.MaxRootFields, &d.MaxRootFields},
		{&l.MaxCost, &d.MaxCost},
	} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return l
}

// limitError is the error of an operation over a limit: code
// LIMIT_EXCEEDED, with the limit's name, its maximum and what the
// operation asked for in extensions, so that a client can tell which limit
// and by how much.
func limitError(limit string, max, got int, hint string) *gqlerror.Error {
	msg := fmt.Sprintf("the operation exceeds the %s limit: %d, at most %d", limit, got, max)
	if hint != "" {
		msg += "; " + hint
	}
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{
		"code": castgraph.ELIMIT, "limit": limit, "max": max, "actual": got,
	}}
}

// limitsExtension enforces Limits in gqlgen's handler and reports the cost
// of every operation in the response's extensions.
type limitsExtension struct {
	limits Limits
	schema *ast.Schema
	// passed remembers documents whose shape passed, so that a client's
	// repeated query is not parsed a second time on every request (gqlgen
	// caches its own parse). Bounded: passedDocuments entries of at most
	// MaxDocumentBytes each.
	passed *lru.Cache[string, struct{}]
}

const passedDocuments = 500

func newLimitsExtension(l Limits, schema *ast.Schema) limitsExtension {
	passed, _ := lru.New[string, struct{}](passedDocuments)
	return limitsExtension{limits: l, schema: schema, passed: passed}
}

var (
	_ graphql.OperationParameterMutator = limitsExtension{}
	_ graphql.OperationContextMutator   = limitsExtension{}
	_ graphql.ResponseInterceptor       = limitsExtension{}
)

func (limitsExtension) ExtensionName() string                          { return "CastgraphLimits" }
func (limitsExtension) Validate(schema graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters checks the document's shape before gqlgen parses
// and validates it: validation of a document with thousands of duplicated
// fields, or with fragments that double at every level, takes time that grows
// faster than the document.
func (e limitsExtension) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	if n := len(params.Query); n > e.limits.MaxDocumentBytes {
		return limitError("documentBytes", e.limits.MaxDocumentBytes, n, "")
	}
	key := params.OperationName + "\x00" + params.Query
	if _, ok := e.passed.Get(key); ok {
		return nil
	}
	if err := e.checkShape(params); err != nil {
		return err
	}
	e.passed.Add(key, struct{}{})
	return nil
}

// checkShape parses the document with the token limit and measures it.
func (e limitsExtension) checkShape(params *graphql.RawParams) *gqlerror.Error {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: params.Query}, e.limits.MaxTokens)
	if err != nil {
		if strings.Contains(err.Error(), "token limit") {
			return limitError("tokens", e.limits.MaxTokens, e.limits.MaxTokens+1, "")
		}
		return nil // gqlgen reports the syntax error with its position
	}
	for _, op := range doc.Operations {
		if params.OperationName != "" && op.Name != params.OperationName {
			continue
		}
		s := measureShape(doc, op.SelectionSet)
		switch {
		case s.top > e.limits.MaxRootFields:
			return limitError("rootFields", e.limits.MaxRootFields, s.top, "split the operation")
		case s.depth > e.limits.MaxDepth:
			return limitError("depth", e.limits.MaxDepth, s.depth, "")
		case s.fields > e.limits.MaxFields:
			return limitError("fields", e.limits.MaxFields, s.fields, "")
		case s.aliases > e.limits.MaxAliases:
			return limitError("aliases", e.limits.MaxAliases, s.aliases, "")
		}
	}
	return nil
}

// MutateOperationContext computes the validated operation's cost in rows and
// refuses it over MaxCost, before any resolver runs.
func (e limitsExtension) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	c := costOf(e.schema, opCtx)
	opCtx.Stats.SetExtension(costExtension, &CostStats{Requested: c, Limit: e.limits.MaxCost})
	if c > e.limits.MaxCost {
		return limitError("cost", e.limits.MaxCost, c,
			"cost is the rows the operation may read: each page size (first or last; 20 for lists and 100 for relationship fields when not given) times the page sizes above it; ask for smaller pages")
	}
	return nil
}

// InterceptResponse reports the cost under extensions.cost.
func (e limitsExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if stats := CostOf(ctx); stats != nil {
		graphql.RegisterExtension(ctx, costExtension, stats)
	}
	return next(ctx)
}

const costExtension = "cost"

// CostStats is what extensions.cost reports: the rows the operation may read
// and the most an operation may.
type CostStats struct {
	Requested int `json:"requested"`
	Limit     int `json:"limit"`
}

// CostOf returns the cost computed for the request's operation, or nil
// before it was.
func CostOf(ctx context.Context) *CostStats {
	if !graphql.HasOperationContext(ctx) {
		return nil
	}
	s, _ := graphql.GetOperationContext(ctx).Stats.GetExtension(costExtension).(*CostStats)
	return s
}

// shape is what the unvalidated document asks for, fragments expanded.
type shape struct {
	fields, aliases, depth int
	// top counts the fields of the selection set itself (through fragments),
	// not those nested in them: the root fields, for an operation.
	top int
}

// measureShape measures a selection set in time linear in the document: each
// fragment is measured once and its figures reused wherever it is spread.
// A fragment that spreads itself (which validation refuses) counts as empty.
func measureShape(doc *ast.QueryDocument, set ast.SelectionSet) shape {
	m := shapeMeasurer{doc: doc, memo: map[string]*shape{}}
	return m.set(set)
}

type shapeMeasurer struct {
	doc  *ast.QueryDocument
	memo map[string]*shape // nil value: being measured
}

func (m *shapeMeasurer) set(set ast.SelectionSet) shape {
	var out shape
	for _, sel := range set {
		var s shape
		switch sel := sel.(type) {
		case *ast.Field:
			s = m.set(sel.SelectionSet)
			s.fields = saturatingAdd(s.fields, 1)
			if sel.Alias != "" && sel.Alias != sel.Name {
				s.aliases = saturatingAdd(s.aliases, 1)
			}
			s.depth++
			s.top = 1
		case *ast.InlineFragment:
			s = m.set(sel.SelectionSet)
		case *ast.FragmentSpread:
			s = m.fragment(sel.Name)
		}
		out.fields = saturatingAdd(out.fields, s.fields)
		out.aliases = saturatingAdd(out.aliases, s.aliases)
		out.depth = max(out.depth, s.depth)
		out.top = saturatingAdd(out.top, s.top)
	}
	return out
}

func (m *shapeMeasurer) fragment(name string) shape {
	if s, seen := m.memo[name]; seen {
		if s == nil {
			return shape{} // a cycle: validation refuses it
		}
		return *s
	}
	def := m.doc.Fragments.ForName(name)
	if def == nil {
		return shape{}
	}
	m.memo[name] = nil
	s := m.set(def.SelectionSet)
	m.memo[name] = &s
	return s
}

// saturation is where counts stop growing: far above any limit, far below overflow.
const saturation = 1 << 40

func saturatingAdd(a, b int) int { return min(a+b, saturation) }
func saturatingMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > saturation/b {
		return saturation
	}
	return a * b
}
