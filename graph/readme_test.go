package graph_test

import (
	"os"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
)

// The query the README's quick start offers must run on the schema as it
// is, and without signing in, as a new user first runs it.
func TestReadme_QuickStartQueryRuns(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(raw), "```graphql\n")
	query, _, closed := strings.Cut(rest, "```")
	if !ok || !closed {
		t.Fatal("README.md has no ```graphql block")
	}
	a := newAPI(t).as(t, castgraph.RoleAnonymous)
	d := a.ok(t, query, nil)
	if get(d, "planItems", "totalCount") != float64(21) || len(list(d, "planItems", "nodes")) != 21 {
		t.Errorf("the quick start query found %v plan items", get(d, "planItems", "totalCount"))
	}
	if str(d, "planItems", "nodes", 0, "partOf", "nodes", 0, "name") == "" {
		t.Errorf("plan item 1 has no section: %v", get(d, "planItems", "nodes", 0))
	}
}
