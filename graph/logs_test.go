package graph

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// TestLogs_InternalErrorNamesTheOperationOnly: an internal error is logged
// with the operation's name and the sha256 of its document, never the
// document or the variables, even when the error quotes a variable.
func TestLogs_InternalErrorNamesTheOperationOnly(t *testing.T) {
	const secret = "张三的身份证号 320102199001011234"
	long := strings.Repeat("保密", 500)
	query := `query Lookup($id: ID!, $x: [String]) { node(id: $id) { id } } # ` + secret
	ctx := graphql.WithOperationContext(context.Background(), &graphql.OperationContext{
		RawQuery:      query,
		OperationName: "Lookup",
		Variables:     map[string]any{"id": secret, "x": []any{long}},
	})
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	err := errors.New("neo4j said: bad value \"" + secret + "\" and " + long)
	got := presentError(ctx, err, log)
	if got.Extensions["code"] != "INTERNAL" || got.Message != "internal error" {
		t.Errorf("presented as %+v", got)
	}
	out := buf.String()
	for _, want := range []string{`"operation":"Lookup"`, `"documentSha256":"` + documentHash(query) + `"`, "neo4j said", "[variable]"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log line lacks %s: %s", want, out)
		}
	}
	if strings.Contains(out, "320102") || strings.Contains(out, "保密保密") || strings.Contains(out, "node(id") || len(out) > 1000 {
		t.Errorf("the log line copies the request: %s", out)
	}
}
