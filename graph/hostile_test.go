package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/castgraph/castgraph/graph"
	"github.com/castgraph/castgraph/hostile"
	"github.com/coder/websocket"
)

// TestHostile_RefusedBeforeAnyStatementRuns sends the attacks of the
// hostile-traffic review: each is refused with LIMIT_EXCEEDED naming its
// limit, and Neo4j sees not one statement of it.
func TestHostile_RefusedBeforeAnyStatementRuns(t *testing.T) {
	a := newAPI(t)
	for _, tc := range []struct {
		name, query, limit string
	}{
		{"relationships nested 8 deep at the default page", hostile.Nested(8, 0), "depth"},
		{"relationships nested 6 deep at the default page", hostile.Nested(6, 0), "cost"},
		{"first: 500 over 4 levels", hostile.Nested(4, 500), "cost"},
		{"50 levels", hostile.Nested(50, 0), "depth"},
		{"200 levels of first: 1", hostile.Nested(200, 1), "depth"},
		{"30 levels of first: 1", hostile.Nested(30, 1), "depth"},
		{"fragments doubling 40 times", hostile.FragmentBomb(40), "rootFields"},
		{"10 000 copies of a root field", "{" + strings.Repeat(" experts { totalCount }", 10_000) + " }", "documentBytes"},
		{"1 000 aliased root fields", hostile.Aliased(1000, "experts { totalCount }"), "tokens"},
		{"1 000 aliased root fields, small", hostile.Aliased(1000, "__typename"), "rootFields"},
		{"100 aliased node lookups", hostile.Aliased(100, `node(id: "x") { id }`), "rootFields"},
		{"500 aliases in one node", "{ node(id: \"x\") {" + strings.Repeat(" n: id", 500) + " } }", "aliases"},
		{"a relationship field asked 1 000 times", "{ experts(first: 1) { nodes {" + strings.Repeat(" memberOf { totalCount }", 1000) + " } } }", "fields"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := a.store.Statements()
			e := a.fails(t, "LIMIT_EXCEEDED", "", tc.query, nil)
			if e.Extensions["limit"] != tc.limit {
				t.Errorf("limit %v, want %s: %s", e.Extensions["limit"], tc.limit, e.Message)
			}
			if got, max := e.Extensions["actual"].(float64), e.Extensions["max"].(float64); got <= max {
				t.Errorf("actual %v is not over max %v", got, max)
			}
			if ran := a.store.Statements() - before; ran != 0 {
				t.Errorf("%d statements ran for a refused operation", ran)
			}
		})
	}
}

func TestHostile_HugeFiltersInVariablesAreRefused(t *testing.T) {
	a := newAPI(t)
	or := make([]any, 10_000)
	for i := range or {
		or[i] = map[string]any{"name": map[string]any{"eq": fmt.Sprintf("专家%d", i)}}
	}
	before := a.store.Statements()
	e := a.fails(t, "INVALID_ARGUMENT", "", `query($w: ExpertFilter) { experts(where: $w) { totalCount } }`, map[string]any{"w": map[string]any{"OR": or}})
	if !strings.Contains(e.Message, "conditions") {
		t.Errorf("message %q does not say which limit", e.Message)
	}
	if ran := a.store.Statements() - before; ran != 0 {
		t.Errorf("%d statements ran", ran)
	}
}

func TestCost_ReportedInExtensions(t *testing.T) {
	a := newAPI(t)
	body, _ := json.Marshal(map[string]any{"query": `{ experts(first: 5) { nodes { memberOf(first: 3) { nodes { name } } } } }`})
	res, err := http.Post(a.url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Extensions struct {
			Cost struct{ Requested, Limit int }
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out.Extensions.Cost.Requested != 5*(1+3) || out.Extensions.Cost.Limit != graph.DefaultLimits.MaxCost {
		t.Fatalf("extensions.cost = %+v", out.Extensions.Cost)
	}
}

func TestLimits_AreConfigurable(t *testing.T) {
	a := newAPIWith(t, graph.Options{Limits: graph.Limits{MaxCost: 10, MaxDepth: 3}, Bounds: graph.Bounds{RatePerSecond: -1}})
	a.ok(t, `{ experts(first: 10) { totalCount } }`, nil)
	e := a.fails(t, "LIMIT_EXCEEDED", "", `{ experts(first: 11) { nodes { name } } }`, nil)
	if e.Extensions["limit"] != "cost" || e.Extensions["max"] != float64(10) {
		t.Errorf("%+v", e)
	}
	e = a.fails(t, "LIMIT_EXCEEDED", "", `{ experts(first: 1) { nodes { provenance { sources } } } }`, nil)
	if e.Extensions["limit"] != "depth" {
		t.Errorf("%+v", e)
	}
}

func TestRateLimit_429WithRetryAfter(t *testing.T) {
	a := newAPIWith(t, graph.Options{Bounds: graph.Bounds{RatePerSecond: 1, RateBurst: 3}})
	body := []byte(`{"query":"{ __typename }"}`)
	var codes []int
	var last *http.Response
	for range 5 {
		res, err := http.Post(a.url+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, res.StatusCode)
		if res.StatusCode == http.StatusTooManyRequests {
			last = res
			var out response
			if err := json.NewDecoder(res.Body).Decode(&out); err != nil || len(out.Errors) != 1 || out.Errors[0].Extensions["code"] != "RATE_LIMITED" || out.Data != nil {
				t.Errorf("429 body: %+v %v", out, err)
			}
		}
		res.Body.Close()
	}
	if fmt.Sprint(codes) != "[200 200 200 429 429]" {
		t.Fatalf("statuses %v: want a burst of 3, then 429", codes)
	}
	if ra := last.Header.Get("Retry-After"); ra != "1" {
		t.Errorf("Retry-After %q, want 1", ra)
	}
}

// TestRateLimit_ClientBehindATrustedProxy counts a request against the
// address the proxy forwarded for, and ignores X-Forwarded-For from anyone
// else (which a client could forge to escape its limit).
func TestRateLimit_ClientBehindATrustedProxy(t *testing.T) {
	proxies, err := graph.ParsePrefixes("127.0.0.0/8, ::1")
	if err != nil {
		t.Fatal(err)
	}
	trusted := graph.Bounds{RatePerSecond: 1, RateBurst: 1, TrustedProxies: proxies}
	untrusted := graph.Bounds{RatePerSecond: 1, RateBurst: 1}
	status := func(a *api, forwardedFor string) int {
		req, _ := http.NewRequest(http.MethodPost, a.url+"/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", forwardedFor)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	behind := newAPIWith(t, graph.Options{Bounds: trusted})
	if s1, s2, s3 := status(behind, "203.0.113.1"), status(behind, "203.0.113.2"), status(behind, "203.0.113.1"); s1 != 200 || s2 != 200 || s3 != 429 {
		t.Errorf("behind a trusted proxy: %d %d %d, want 200 200 429", s1, s2, s3)
	}
	direct := newAPIWith(t, graph.Options{Bounds: untrusted})
	if s1, s2 := status(direct, "203.0.113.1"), status(direct, "203.0.113.2"); s1 != 200 || s2 != 429 {
		t.Errorf("forged X-Forwarded-For: %d %d, want 200 429", s1, s2)
	}
}

// TestCORS_NoOriginUnlessConfigured: with no CASTGRAPH_CORS_ORIGINS no site
// may call the API from a browser (rs/cors would read an empty list as
// every origin); with one configured, only that one may.
func TestCORS_NoOriginUnlessConfigured(t *testing.T) {
	preflight := func(a *api, origin string) string {
		req, _ := http.NewRequest(http.MethodOptions, a.url+"/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.Header.Get("Access-Control-Allow-Origin")
	}
	if got := preflight(newAPI(t), "https://evil.example"); got != "" {
		t.Errorf("no origins configured: Access-Control-Allow-Origin %q", got)
	}
	a := newAPIWith(t, graph.Options{AllowedOrigins: []string{"https://portal.example"}, Bounds: graph.Bounds{RatePerSecond: -1}})
	if got := preflight(a, "https://evil.example"); got != "" {
		t.Errorf("another origin: Access-Control-Allow-Origin %q", got)
	}
	if got := preflight(a, "https://portal.example"); got != "https://portal.example" {
		t.Errorf("the configured origin: Access-Control-Allow-Origin %q", got)
	}
}

// Guessing tokens costs an address its failed sign-ins: after 20, a request
// with credentials is answered 429 before they are looked up, while
// requests without credentials (public reads) still answer.
func TestSignIn_FailuresAreRateLimited(t *testing.T) {
	a := newAPIWith(t, graph.Options{Bounds: graph.Bounds{RatePerSecond: 1000, RateBurst: 1000}})
	body := []byte(`{"query":"{ __typename }"}`)
	post := func(token string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, a.url+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	var codes []int
	for i := range 24 {
		codes = append(codes, post(fmt.Sprintf("cgt_guess%040d", i)).StatusCode)
	}
	unauthorized, limited := 0, 0
	for _, c := range codes {
		switch c {
		case http.StatusUnauthorized:
			unauthorized++
		case http.StatusTooManyRequests:
			limited++
		}
	}
	// The bucket refills one a second, so a slow machine may see one more 401.
	if unauthorized < 20 || unauthorized > 22 || limited < 2 || unauthorized+limited != 24 {
		t.Fatalf("statuses %v: want 20 refusals of the guesses, then 429", codes)
	}
	last := post("cgt_" + strings.Repeat("x", 43))
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Errorf("a guess after the limit: %d, Retry-After %q", last.StatusCode, last.Header.Get("Retry-After"))
	}
	if res := post(""); res.StatusCode != http.StatusOK {
		t.Errorf("a public read from the same address: %d", res.StatusCode)
	}
}

// A token guessed in a WebSocket's connection_init costs the address as one
// sent over HTTP: after 20 failures the connection is closed before the
// token is looked up, and the address's HTTP sign-ins are spent too.
func TestSignIn_WebsocketInitFailuresAreRateLimited(t *testing.T) {
	a := newAPIWith(t, graph.Options{Bounds: graph.Bounds{RatePerSecond: 1000, RateBurst: 1000}})
	var reasons []string
	for i := range 24 {
		c, _, err := dial(t, a, nil)
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		_, err = c.init(map[string]any{"Authorization": fmt.Sprintf("Bearer cgt_guess%040d", i)})
		if websocket.CloseStatus(err) != 4403 {
			t.Fatalf("connection_init %d with a guessed token: %v, want closed with 4403", i, err)
		}
		reasons = append(reasons, err.Error())
		_ = c.conn.CloseNow()
	}
	unknown, limited := 0, 0
	for _, r := range reasons {
		switch {
		case strings.Contains(r, "unknown token"):
			unknown++
		case strings.Contains(r, "too many failed sign-ins"):
			limited++
		}
	}
	// The bucket refills one a second, so a slow machine may see one more.
	if unknown < 20 || unknown > 22 || limited < 2 || unknown+limited != 24 {
		t.Fatalf("closing reasons %q: want 20 unknown tokens, then too many failed sign-ins", reasons)
	}
	req, _ := http.NewRequest(http.MethodPost, a.url+"/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("an HTTP sign-in from the same address after the WebSocket guesses: %d, want 429", res.StatusCode)
	}
}
