package graph

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"golang.org/x/sync/semaphore"
)

// These tests need no database: the cost model and the shape checks read
// only the document and the schema.

var testSchema = newExecutableSchema(&Resolver{}).Schema()

func operation(t testing.TB, query string, vars map[string]any) *graphql.OperationContext {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(testSchema, query)
	if errs != nil {
		t.Fatalf("invalid test query: %v", errs)
	}
	op := doc.Operations[0]
	coerced, err := validator.VariableValues(testSchema, op, vars)
	if err != nil {
		t.Fatalf("variables: %v", err)
	}
	return &graphql.OperationContext{Doc: doc, Operation: op, Variables: coerced}
}

func TestCost_MultipliesPageSizesDownTheNesting(t *testing.T) {
	for _, tc := range []struct {
		name  string
		query string
		vars  map[string]any
		want  int
	}{
		{"a list at its default page", `{ experts { nodes { name } } }`, nil, 20},
		{"a list's first", `{ experts(first: 7) { totalCount nodes { name } pageInfo { hasNextPage } } }`, nil, 7},
		{"last counts like first", `{ experts(last: 9) { nodes { name } } }`, nil, 9},
		{"first from a variable", `query($n: Int) { experts(first: $n) { nodes { name } } }`, map[string]any{"n": 42}, 42},
		{"a relationship at its default page of 100", `{ experts(first: 10) { nodes { memberOf { nodes { name } } } } }`, nil, 10 * (1 + 100)},
		{"a page over its cap reads nothing: the field is refused", `{ experts(first: 501) { nodes { name } } a: experts(first: -1) { nodes { name } } }`, nil, 0},
		{"a relationship page over its cap", `{ experts(first: 10) { nodes { memberOf(first: 1001) { nodes { name } } } } }`, nil, 10},
		{"a report's first over the cap", `{ overseasStationsIn(countryName: "x", first: 501) { stations { station { name } } } }`, nil, 1},
		{"totalCount alone reads a count, not a page", `{ experts(first: 10) { nodes { memberOf { totalCount } } } }`, nil, 10 * (1 + 1)},
		{"edges and nodes are the same page", `{ experts(first: 10) { edges { node { name } } } }`, nil, 10},
		// The benchmark's nested question: 20 + 20² + 20³ + 20⁴.
		{"four levels of 20", `{ industryClusters(first: 20) { nodes { parts(first: 20) { nodes { enterprises(first: 20) { nodes { servedBy(first: 20) { nodes { name } } } } } } } } }`, nil, 168_420},
		{"aliases count", `{ a: experts(first: 5) { nodes { name } } b: experts(first: 5) { nodes { name } } }`, nil, 10},
		{"a fragment counts where it is spread", `{ experts(first: 3) { nodes { ...F } } } fragment F on Expert { memberOf(first: 2) { nodes { name } } }`, nil, 3 * (1 + 2)},
		{"node(id) reads one row", `{ node(id: "x") { id ... on Expert { memberOf(first: 4) { nodes { name } } } } }`, nil, 1 + 4},
		{"search reads its first", `{ search(text: "x", first: 30) { score } }`, nil, 30},
		{"introspection reads nothing", `{ __schema { types { name fields { name } } } }`, nil, 0},
		{"a report's lists are cut by its first", `{ overseasStationsIn(countryName: "x", first: 5) { stations { station { name } liaisons { enterprises { name } } } } }`, nil, 1 + 5*(1+100*(1+100))},
		{"a list's inner lists by the store's cut", `{ expertsServingCluster(clusterId: "x", first: 10) { expert { name } enterprises { name } chains { name } } }`, nil, 10 * (1 + 100 + 100)},
		{"a statement of its own per object", `{ industryClusters(first: 16) { nodes { name coverage { enterprises servingExperts } } } }`, nil, 16 * (1 + 10_000)},
		{"coverage below a page of pages is over the cap", `{ enterprises(first: 500) { nodes { clusters { nodes { coverage { enterprises } } } } } }`, nil, 500 * (1 + 100*(1+10_000))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := costOf(testSchema, operation(t, tc.query, tc.vars)); got != tc.want {
				t.Fatalf("cost %d, want %d", got, tc.want)
			}
		})
	}
}

func TestCost_DeepDefaultsSaturateInsteadOfOverflowing(t *testing.T) {
	q := "{ experts(first: 500) { nodes { " + strings.Repeat("memberOf(first: 1000) { nodes { members(first: 1000) { nodes { ... on Expert { ", 6) +
		"name" + strings.Repeat(" } } } } }", 6) + " } } }"
	if got := costOf(testSchema, operation(t, q, nil)); got != saturation {
		t.Fatalf("cost %d, want the saturation %d", got, saturation)
	}
}

func TestShape_CountsFragmentsExpandedInLinearTime(t *testing.T) {
	// 60 fragments, each spreading the one below twice: 2⁶⁰ fields
	// expanded, from a document of a few kilobytes.
	var b strings.Builder
	b.WriteString("{ ...F60 }\nfragment F0 on Query { experts { totalCount } }\n")
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d a%d: __typename ...F%d }\n", i, i-1, i, i-1)
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: b.String()})
	if err != nil {
		t.Fatal(err)
	}
	s := measureShape(doc, doc.Operations[0].SelectionSet)
	if s.fields != saturation || s.top != saturation || s.aliases != saturation {
		t.Fatalf("shape %+v: want every count saturated", s)
	}
	if s.depth != 2 {
		t.Fatalf("depth %d, want 2", s.depth)
	}
}

func TestShape_CyclicFragmentsEnd(t *testing.T) {
	doc, err := parser.ParseQuery(&ast.Source{Input: `{ ...A } fragment A on Query { ...B experts { totalCount } } fragment B on Query { ...A }`})
	if err != nil {
		t.Fatal(err)
	}
	s := measureShape(doc, doc.Operations[0].SelectionSet)
	if s.fields != 2 || s.top != 1 {
		t.Fatalf("shape %+v", s)
	}
}

func TestLimits_RefusedWithTheLimitAndBy_HowMuch(t *testing.T) {
	e := newLimitsExtension(Limits{MaxRootFields: 2}.withDefaults(), testSchema)
	for _, tc := range []struct {
		query, limit string
	}{
		{strings.Repeat("x", DefaultLimits.MaxDocumentBytes+1), "documentBytes"},
		{"{" + strings.Repeat(" a", DefaultLimits.MaxTokens) + " }", "tokens"},
		{"{ a: __typename b: __typename c: __typename }", "rootFields"},
		{strings.Repeat("{ node(id: 1) { ... on Expert { memberOf { nodes ", 6) + "{ id }" + strings.Repeat(" } } } }", 6), "depth"},
		{"{ node(id: 1) { " + strings.Repeat("id ", DefaultLimits.MaxFields) + "} }", "fields"},
		{"{ node(id: 1) { " + strings.Repeat("a: id ", DefaultLimits.MaxAliases+1) + "} }", "aliases"},
	} {
		t.Run(tc.limit, func(t *testing.T) {
			err := e.MutateOperationParameters(t.Context(), &graphql.RawParams{Query: tc.query})
			if err == nil {
				t.Fatal("accepted")
			}
			if err.Extensions["code"] != "LIMIT_EXCEEDED" || err.Extensions["limit"] != tc.limit {
				t.Fatalf("got %v %v", err.Message, err.Extensions)
			}
			if err.Extensions["actual"].(int) <= err.Extensions["max"].(int) {
				t.Fatalf("actual %v not over max %v", err.Extensions["actual"], err.Extensions["max"])
			}
		})
	}
}

func TestLimits_CostRefusedBeforeWork(t *testing.T) {
	e := newLimitsExtension(DefaultLimits, testSchema)
	op := operation(t, `{ experts(first: 500) { nodes { memberOf(first: 1000) { nodes { members(first: 10) { nodes { id } } } } } } }`, nil)
	const want = 500 * (1 + 1000*(1+10))
	err := e.MutateOperationContext(t.Context(), op)
	if err == nil || err.Extensions["limit"] != "cost" || err.Extensions["actual"] != want {
		t.Fatalf("got %v", err)
	}
	if stats, _ := op.Stats.GetExtension(costExtension).(*CostStats); stats == nil || stats.Requested != want {
		t.Fatalf("cost not recorded: %+v", stats)
	}
}

// BenchmarkLimits_FragmentBomb measures refusing a document whose fragments
// double at every level: linear in the document, not in its expansion.
func BenchmarkLimits_FragmentBomb(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("{ ...F60 }\nfragment F0 on Query { experts { totalCount } }\n")
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&sb, "fragment F%d on Query { ...F%d ...F%d }\n", i, i-1, i-1)
	}
	e := newLimitsExtension(DefaultLimits, testSchema)
	params := &graphql.RawParams{Query: sb.String()}
	for b.Loop() {
		if e.MutateOperationParameters(b.Context(), params) == nil {
			b.Fatal("accepted")
		}
	}
}

// TestRowsInFlight_RefusesWhenTheRoomIsTaken holds the room for rows with one
// operation and sees the next turned away with OVERLOADED.
func TestRowsInFlight_RefusesWhenTheRoomIsTaken(t *testing.T) {
	f := &rowsInFlight{sem: semaphore.NewWeighted(1000), limit: 1000, wait: 50 * time.Millisecond}
	withCost := func(rows int) context.Context {
		op := &graphql.OperationContext{}
		op.Stats.SetExtension(costExtension, &CostStats{Requested: rows, Limit: 1_000_000})
		ctx := graphql.WithOperationContext(t.Context(), op)
		return graphql.WithResponseContext(ctx, graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	}
	release, entered := make(chan struct{}), make(chan struct{})
	go f.InterceptResponse(withCost(5000), func(context.Context) *graphql.Response {
		close(entered) // weighs the whole room: 5 000 rows over a room of 1 000
		<-release
		return &graphql.Response{}
	})
	<-entered
	resp := f.InterceptResponse(withCost(1), func(context.Context) *graphql.Response {
		t.Error("ran while the room was full")
		return &graphql.Response{}
	})
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "OVERLOADED" {
		t.Fatalf("got %+v", resp.Errors)
	}
	close(release)
	ran := false
	for start := time.Now(); !ran && time.Since(start) < 5*time.Second; {
		f.InterceptResponse(withCost(1), func(context.Context) *graphql.Response { ran = true; return &graphql.Response{} })
	}
	if !ran {
		t.Fatal("the room was not given back")
	}
}

// BenchmarkLimits_NestedQuery is what the checks add to a legitimate request:
// the shape checks (their own parse) and the cost of the benchmark's nested
// question (cluster → chains → enterprises → experts, 20 a level).
func BenchmarkLimits_NestedQuery(b *testing.B) {
	const query = `query Nested($c: ID!) { industryClusters(where: {id: {eq: $c}}, first: 20) { nodes { id name
  parts(first: 20) { nodes { ... on IndustryChain { id name enterprises(first: 20) { nodes { id name
  servedBy(first: 20) { nodes { id name } } } } } } } } } }`
	e := newLimitsExtension(DefaultLimits, testSchema)
	op := operation(b, query, map[string]any{"c": "industry-cluster/x"})
	params := &graphql.RawParams{Query: query}
	for b.Loop() {
		if err := e.MutateOperationParameters(b.Context(), params); err != nil {
			b.Fatal(err)
		}
		if err := e.MutateOperationContext(b.Context(), op); err != nil {
			b.Fatal(err)
		}
	}
}
