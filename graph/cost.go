package graph

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
	"github.com/vektah/gqlparser/v2/ast"
)

// costOf is the most rows a validated operation may read, counted before it
// runs, as GitHub's GraphQL API counts nodes:
//
//   - a connection reads its page: first or last, else the default (20 for
//     a list at the root, 100 for a relationship field), once for every node
//     above it, so page sizes multiply down the nesting;
//   - a list of objects that is not a connection (search hits, analytics
//     rows) reads its first or limit argument, else that of the report
//     object it is a field of, else store.MaxPerRow (the store's cut of the
//     lists within one row);
//   - a root field that returns one object reads one row;
//   - scalars, and objects that come with their node (provenance, pageInfo),
//     read nothing more;
//   - a page size outside what the field accepts reads nothing: the field
//     refuses it with INVALID_ARGUMENT before reading;
//   - a field that runs a statement of its own for each parent object
//     (statementFields) reads what that statement may read, once per parent.
//
// Every alias and duplicated field counts. Fragments are expanded with their
// cost computed once per spread context, and type conditions are ignored (a
// selection on several kinds counts all of them), so the figure is an upper
// bound, found in time linear in the document.
func costOf(schema *ast.Schema, opCtx *graphql.OperationContext) int {
	c := coster{schema: schema, doc: opCtx.Doc, vars: opCtx.Variables, memo: map[costKey]int{}}
	return c.set(opCtx.Operation.SelectionSet, costCtx{root: true, bound: store.MaxPerRow})
}

// costCtx is where a selection set stands: at the root (a single object
// costs a row), inside a connection (its edges and nodes are the page
// counted already), and the bound of lists without first or limit of their own.
type costCtx struct {
	root, inConnection bool
	bound              int
}

type costKey struct {
	fragment string
	at       costCtx
}

type coster struct {
	schema *ast.Schema
	doc    *ast.QueryDocument
	vars   map[string]any
	memo   map[costKey]int
}

// set is the cost of a selection set for one parent object.
func (c *coster) set(set ast.SelectionSet, at costCtx) int {
	total := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			total = saturatingAdd(total, c.field(sel, at))
		case *ast.InlineFragment:
			total = saturatingAdd(total, c.set(sel.SelectionSet, at))
		case *ast.FragmentSpread:
			total = saturatingAdd(total, c.fragment(sel.Name, at))
		}
	}
	return total
}

func (c *coster) fragment(name string, at costCtx) int {
	key := costKey{name, at}
	if v, ok := c.memo[key]; ok {
		return v
	}
	c.memo[key] = 0 // validation refuses cycles; this only stops a loop
	v := 0
	if def := c.doc.Fragments.ForName(name); def != nil {
		v = c.set(def.SelectionSet, at)
	}
	c.memo[key] = v
	return v
}

// statementFields are the fields that run a statement of their own for
// every object they are selected on, with what one such statement is
// counted as reading. IndustryCluster.coverage counts a cluster's chains,
// enterprises and the experts serving them: on the benchmark graph a hub
// cluster has tens of thousands of (enterprise, expert) pairs, so it is
// counted as a large page – the 16 clusters' coverage is well within
// MaxCost, the coverage of every enterprise's clusters is not.
var statementFields = map[string]int{"IndustryCluster.coverage": 10_000}

func (c *coster) field(f *ast.Field, at costCtx) int {
	if f.Definition == nil || strings.HasPrefix(f.Name, "__") {
		return 0 // __typename, and introspection: bounded by the schema
	}
	if f.ObjectDefinition != nil {
		if n, ok := statementFields[f.ObjectDefinition.Name+"."+f.Name]; ok {
			return n
		}
	}
	typeName := f.Definition.Type.Name()
	if t := c.schema.Types[typeName]; t == nil || t.Kind == ast.Scalar || t.Kind == ast.Enum {
		return 0
	}
	args := f.ArgumentMap(c.vars)
	own, bounded := argInt(args, "first")
	if !bounded {
		own, bounded = argInt(args, "limit")
	}
	switch {
	case strings.HasSuffix(typeName, "Connection"):
		page, ok := own, bounded
		if !ok {
			page, ok = argInt(args, "last")
		}
		if !ok {
			page = castgraph.DefaultRelatedPage
			if at.root {
				page = castgraph.DefaultListPage
			}
		}
		maxPage := castgraph.MaxRelatedPage
		if at.root {
			maxPage = castgraph.MaxListPage
		}
		switch {
		case page < 0 || page > maxPage:
			return 0 // the field refuses the page before reading
		case countOnly(f.SelectionSet):
			return 1 // totalCount alone reads no page, only a count
		}
		below := c.set(f.SelectionSet, costCtx{inConnection: true, bound: store.MaxPerRow})
		return saturatingMul(page, saturatingAdd(1, below))
	case f.Definition.Type.Elem != nil:
		below := c.set(f.SelectionSet, costCtx{bound: store.MaxPerRow})
		if at.inConnection {
			return below // edges and nodes: the page the connection counted
		}
		n := at.bound
		if bounded {
			n = own
		}
		if n < 0 || n > maxListArgument {
			return 0 // the field refuses the argument before reading
		}
		return saturatingMul(n, saturatingAdd(1, below))
	default:
		// A report's lists are cut by its own first or limit.
		inner := store.MaxPerRow
		if bounded {
			inner = own
		}
		if inner < 0 || inner > maxListArgument {
			inner = 0 // the field refuses the argument before reading
		}
		below := c.set(f.SelectionSet, costCtx{bound: inner})
		if at.root {
			return saturatingAdd(1, below)
		}
		return below
	}
}

// maxListArgument is the largest first or limit that a field returning a
// list or a report accepts (store.MaxAnalyticsFirst, store.MaxNeighborLimit);
// past it the field refuses the argument and reads nothing.
const maxListArgument = max(store.MaxAnalyticsFirst, store.MaxNeighborLimit)

// countOnly tells whether a connection's selection asks for nothing but
// totalCount (and __typename): then no page is read. Fragments count as
// asking for more.
func countOnly(set ast.SelectionSet) bool {
	for _, sel := range set {
		f, ok := sel.(*ast.Field)
		if !ok || (f.Name != "totalCount" && f.Name != "__typename") {
			return false
		}
	}
	return true
}

// argInt reads an Int argument as gqlparser gives it (literals as int64,
// variables as decoded JSON).
func argInt(args map[string]any, name string) (int, bool) {
	switch v := args[name].(type) {
	case int:
		return v, true
	case int64:
		return clampInt(v), true
	case float64:
		return clampInt(int64(v)), true
	case json.Number:
		n, err := v.Int64()
		return clampInt(n), err == nil
	case string:
		var n int64
		_, err := fmt.Sscan(v, &n)
		return clampInt(n), err == nil
	}
	return 0, false
}

func clampInt(v int64) int {
	return int(max(min(v, saturation), -saturation))
}
