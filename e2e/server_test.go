package e2e_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/castgraph/castgraph/data"
	"github.com/castgraph/castgraph/graph"
	"github.com/castgraph/castgraph/store/storetest"
)

// startServer runs the real castgraph HTTP handler on the real Neo4j with the
// demo data loaded, as `castgraph serve -demo` does.
func startServer(t *testing.T) (baseURL string) {
	t.Helper()
	s := storetest.MustOpen(t)
	d, err := data.Demo()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(context.Background(), d); err != nil {
		t.Fatalf("load demo data: %v", err)
	}
	srv := httptest.NewServer(graph.NewHTTPHandler(s, graph.Options{Log: storetest.Logger()}))
	t.Cleanup(srv.Close)
	return srv.URL
}
