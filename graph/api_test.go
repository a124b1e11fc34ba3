package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/auth"
	"github.com/castgraph/castgraph/data"
	"github.com/castgraph/castgraph/graph"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
)

// api is a castgraph HTTP server on the real Neo4j, with the demo data
// loaded, and the API token that its requests send (an admin's, unless a
// test asks for another role).
type api struct {
	url   string
	store *store.Store
	auth  *auth.Authenticator
	token string
}

var demoOnce sync.Once

func newAPI(t *testing.T) *api {
	t.Helper()
	s := storetest.MustOpen(t)
	demoOnce.Do(func() {
		d, err := data.Demo()
		if err != nil {
			t.Fatalf("read demo data: %v", err)
		}
		if _, err := s.Load(context.Background(), d); err != nil {
			t.Fatalf("load demo data: %v", err)
		}
	})
	// The authenticator has a store of its own, so that token look-ups do
	// not count among the statements that tests count.
	authn := auth.NewAuthenticator(storetest.MustOpen(t), nil, true)
	// Tests send requests faster than any client may; the rate limit has a test of its own.
	srv := httptest.NewServer(graph.NewHTTPHandler(s, graph.Options{Log: storetest.Logger(), Bounds: graph.Bounds{RatePerSecond: -1}, Auth: authn}))
	t.Cleanup(srv.Close)
	return &api{url: srv.URL, store: s, auth: authn, token: newToken(t, s, castgraph.RoleAdmin)}
}

// newToken creates an API token of the role for the test, taken out when
// it ends, and returns its secret.
func newToken(t *testing.T, s *store.Store, role castgraph.Role) string {
	t.Helper()
	secret, hash := auth.NewToken()
	name := unique("test-" + string(role))
	if err := s.CreateToken(context.Background(), store.Token{Name: name, Hash: hash, Role: role, CreatedAt: time.Now()}); err != nil {
		t.Fatalf("create token: %v", err)
	}
	t.Cleanup(func() { storetest.ForgetToken(t, name) })
	return secret
}

// as is the same server with requests signed by a token of the role, or
// by none for castgraph.RoleAnonymous.
func (a *api) as(t *testing.T, role castgraph.Role) *api {
	t.Helper()
	b := *a
	b.token = ""
	if role != castgraph.RoleAnonymous {
		b.token = newToken(t, a.store, role)
	}
	return &b
}

// signed adds the api's credentials to a request.
func (a *api) signed(req *http.Request) *http.Request {
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	return req
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	Data   map[string]any `json:"data"`
	Errors []gqlError     `json:"errors"`
}

// post sends a GraphQL operation and returns the decoded response.
func (a *api) post(t *testing.T, query string, vars map[string]any) response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, a.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(a.signed(req))
	return decodeResponse(t, res, err)
}

// decodeResponse reads a GraphQL response, failing the test when there is
// none or it is not JSON.
func decodeResponse(t *testing.T, res *http.Response, err error) response {
	t.Helper()
	if err != nil {
		t.Fatalf("POST /graphql: %v", err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out response
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("response is not JSON (%d): %s", res.StatusCode, raw)
	}
	return out
}

// ok sends an operation that must succeed and returns its data.
func (a *api) ok(t *testing.T, query string, vars map[string]any) map[string]any {
	t.Helper()
	r := a.post(t, query, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("unexpected errors: %+v", r.Errors)
	}
	return r.Data
}

// fails sends an operation that must fail with the code (and field, when not
// empty) and returns the error.
func (a *api) fails(t *testing.T, code, field, query string, vars map[string]any) gqlError {
	t.Helper()
	r := a.post(t, query, vars)
	if len(r.Errors) == 0 {
		t.Fatalf("expected a %s error, got data %v", code, r.Data)
	}
	e := r.Errors[0]
	if e.Extensions["code"] != code {
		t.Fatalf("expected code %s, got %+v", code, r.Errors)
	}
	if field != "" && e.Extensions["field"] != field {
		t.Fatalf("expected field %s, got %+v", field, e)
	}
	if strings.Contains(e.Message, "goroutine") || strings.Contains(e.Message, ".go:") {
		t.Fatalf("error leaks internals: %q", e.Message)
	}
	return e
}

// get walks a decoded JSON value: get(v, "a", 0, "b").
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func list(v any, path ...any) []any {
	l, _ := get(v, path...).([]any)
	return l
}

func str(v any, path ...any) string {
	s, _ := get(v, path...).(string)
	return s
}

// unique makes a name no other test run uses.
func unique(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, time.Now().UnixNano(), rand.Int64())
}
