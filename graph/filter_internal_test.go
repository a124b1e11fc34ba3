package graph

import (
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
)

// Filters are parsed (filterParser) and compiled (store.CheckFilter)
// without a database: these tests need none.

func compileFilter(f map[string]any) (string, map[string]any, error) {
	var pr filterParser
	c, err := pr.parse(castgraph.KindExpert, f, "where", 0)
	if err != nil {
		return "", nil, err
	}
	return store.CheckFilter(castgraph.KindExpert, c)
}

func TestFilter_ValuesBecomeParameters(t *testing.T) {
	cypher, params, err := compileFilter(map[string]any{
		"name":  map[string]any{"contains": "x' OR 1=1 //"},
		"title": map[string]any{"in": []any{"研究员", "教授"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(cypher, "1=1") || len(params) != 2 {
		t.Fatalf("value spliced into Cypher: %s %v", cypher, params)
	}
}

func TestFilter_RefusesHugeFiltersBeforeAnyCypherRuns(t *testing.T) {
	branches := func(n int, item map[string]any) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = item
		}
		return out
	}
	values := make([]any, store.MaxInValues+1)
	for i := range values {
		values[i] = "x"
	}
	deep := map[string]any{"id": map[string]any{"eq": "x"}}
	for range store.MaxFilterDepth + 1 {
		deep = map[string]any{"memberOf": map[string]any{"some": map[string]any{"members": map[string]any{"some": deep}}}}
	}
	for name, f := range map[string]map[string]any{
		"an OR of 10 000 conditions":    {"OR": branches(10_000, map[string]any{"name": map[string]any{"eq": "x"}})},
		"an OR of 10 000 empty filters": {"OR": branches(10_000, map[string]any{})},
		"an in of too many values":      {"name": map[string]any{"in": values}},
		"relationships nested too deep": deep,
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := compileFilter(f)
			if castgraph.ErrorCode(err) != castgraph.EINVALID {
				t.Fatalf("got %v", err)
			}
		})
	}
	if _, _, err := compileFilter(map[string]any{"OR": branches(store.MaxFilterTerms/2, map[string]any{"name": map[string]any{"eq": "x"}})}); err != nil {
		t.Fatalf("a filter within the limit: %v", err)
	}
}

func FuzzFilter_NeverPanics(f *testing.F) {
	f.Add("name", "eq", "x", 3)
	f.Add("memberOf", "some", "", 1)
	f.Add("AND", "in", "研究员", 200)
	f.Fuzz(func(t *testing.T, field, op, value string, n int) {
		n = max(0, min(n, 300))
		items := make([]any, n)
		for i := range items {
			items[i] = map[string]any{field: map[string]any{op: value}}
		}
		for _, filter := range []map[string]any{
			{field: map[string]any{op: value}},
			{"OR": items},
			{field: map[string]any{op: map[string]any{"name": map[string]any{"eq": value}}}},
		} {
			cypher, _, err := compileFilter(filter)
			// Field names come from the registry and values go in
			// parameters, so text with quoting characters never reaches the
			// statement.
			for _, s := range []string{field, op, value} {
				if err == nil && strings.ContainsAny(s, "'\"`;") && strings.Contains(cypher, s) {
					t.Fatalf("%q spliced into %s", s, cypher)
				}
			}
			if err != nil && castgraph.ErrorCode(err) != castgraph.EINVALID {
				t.Fatalf("uncoded error: %v", err)
			}
		}
	})
}
