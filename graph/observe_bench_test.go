package graph

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/telemetry"
)

// BenchmarkObserved is what observed adds to a request: its span (no
// exporter), trace id, metrics and JSON access line, around a handler that
// notes what the GraphQL layers would and writes a small answer.
//
//	go test -short -run '^$' -bench Observed -benchmem ./graph/
func BenchmarkObserved(b *testing.B) {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noteActor(r.Context(), castgraph.Anonymous)
		if i := infoFrom(r.Context()); i != nil {
			i.mu.Lock()
			i.opName, i.opType, i.document, i.cost, i.executed = "Lookup", "query", `query Lookup($id: ID!) { node(id: $id) { id name } }`, 1, true
			i.mu.Unlock()
		}
		_, _ = io.WriteString(w, `{"data":{"node":{"id":"expert/1","name":"x"}}}`)
	})
	for _, c := range []struct {
		name string
		h    http.Handler
	}{
		{"bare", inner},
		{"observed", observed(telemetry.New(telemetry.Options{}), slog.New(slog.NewJSONHandler(io.Discard, nil)), true, inner)},
		{"observed-no-access-log", observed(telemetry.New(telemetry.Options{}), slog.New(slog.NewJSONHandler(io.Discard, nil)), false, inner)},
	} {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(""))
			b.ReportAllocs()
			for b.Loop() {
				c.h.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}
