package e2e_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/auth"
	"github.com/castgraph/castgraph/data"
	"github.com/castgraph/castgraph/graph"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
)

// startServer runs the real castgraph HTTP handler on the real Neo4j with the
// demo data loaded, as `castgraph serve -demo` does.
func startServer(t *testing.T) (baseURL string) {
	t.Helper()
	return startServerWith(t, graph.Options{Log: storetest.Logger()})
}

// startServerWith is startServer with options of the test's choosing.
func startServerWith(t *testing.T, opts graph.Options) (baseURL string) {
	t.Helper()
	s := demoStore(t)
	srv := httptest.NewServer(graph.NewHTTPHandler(s, opts))
	t.Cleanup(srv.Close)
	return srv.URL
}

// demoStore opens the test Neo4j with the demo data loaded.
func demoStore(t *testing.T) *store.Store {
	t.Helper()
	s := storetest.MustOpen(t)
	d, err := data.Demo()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(context.Background(), d); err != nil {
		t.Fatalf("load demo data: %v", err)
	}
	return s
}

// startClosedServer runs the server as with CASTGRAPH_ANONYMOUS=none: every
// request needs credentials. It returns the secret of a viewer's API token,
// taken out when the test ends.
func startClosedServer(t *testing.T) (baseURL, token string) {
	t.Helper()
	s := demoStore(t)
	secret, hash := auth.NewToken()
	name := "e2e-viewer-" + time.Now().Format("150405.000000000")
	if err := s.CreateToken(context.Background(), store.Token{Name: name, Hash: hash, Role: castgraph.RoleViewer, CreatedAt: time.Now()}); err != nil {
		t.Fatalf("create token: %v", err)
	}
	t.Cleanup(func() { storetest.ForgetToken(t, name) })
	srv := httptest.NewServer(graph.NewHTTPHandler(s, graph.Options{
		Log:  storetest.Logger(),
		Auth: auth.NewAuthenticator(s, nil, false),
	}))
	t.Cleanup(srv.Close)
	return srv.URL, secret
}
