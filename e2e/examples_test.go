package e2e_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/castgraph/castgraph/web/graphiql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// TestGraphiQLExamples runs every operation of GraphiQL's default document
// (web/graphiql/examples.graphql) through the real server on the demo data,
// as GraphiQL sends it: the whole document with the operation's name. Each
// must answer without errors, and every field it asks at the top must hold
// something, so that an example never teaches an empty answer.
func TestGraphiQLExamples(t *testing.T) {
	doc, err := parser.ParseQuery(&ast.Source{Name: "examples.graphql", Input: graphiql.Examples})
	if err != nil {
		t.Fatalf("examples.graphql does not parse: %v", err)
	}
	if len(doc.Operations) < 6 {
		t.Fatalf("examples.graphql has %d operations, want one for each analyst question", len(doc.Operations))
	}
	base := startServer(t)
	for _, op := range doc.Operations {
		if op.Name == "" {
			t.Errorf("an example operation has no name: GraphiQL could not offer it by name")
			continue
		}
		t.Run(op.Name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{"query": graphiql.Examples, "operationName": op.Name})
			resp, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var answer struct {
				Data   map[string]json.RawMessage `json:"data"`
				Errors []json.RawMessage          `json:"errors"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
				t.Fatalf("status %d, answer not JSON: %v", resp.StatusCode, err)
			}
			if resp.StatusCode != http.StatusOK || len(answer.Errors) > 0 {
				t.Fatalf("status %d, errors %s", resp.StatusCode, answer.Errors)
			}
			for _, sel := range op.SelectionSet {
				field, ok := sel.(*ast.Field)
				if !ok {
					continue
				}
				key := field.Alias
				if key == "" {
					key = field.Name
				}
				switch v := string(answer.Data[key]); v {
				case "", "null", "[]", "{}":
					t.Errorf("%s answered %q: an example should show something", key, v)
				}
			}
		})
	}
}
