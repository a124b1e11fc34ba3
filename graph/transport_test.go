package graph_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/castgraph/castgraph/graph"
	"github.com/castgraph/castgraph/store/storetest"
)

// newAPIWith is newAPI (the demo data loaded) with a server of these options.
func newAPIWith(t *testing.T, opts graph.Options) *api {
	t.Helper()
	a := newAPI(t)
	if opts.Log == nil {
		opts.Log = storetest.Logger()
	}
	if opts.Auth == nil {
		opts.Auth = a.auth
	}
	srv := httptest.NewServer(graph.NewHTTPHandler(a.store, opts))
	t.Cleanup(srv.Close)
	return &api{url: srv.URL, store: a.store, auth: opts.Auth, token: a.token}
}

// rawResponse is an HTTP answer with its body kept raw, to see which keys it has.
type rawResponse struct {
	status int
	header http.Header
	body   map[string]json.RawMessage
	errors []gqlError
}

func send(t *testing.T, method, url, contentType string, body io.Reader, header map[string]string) rawResponse {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := rawResponse{status: res.StatusCode, header: res.Header}
	if method == http.MethodOptions {
		return out
	}
	if err := json.Unmarshal(raw, &out.body); err != nil {
		t.Fatalf("%s %s: not a JSON object (%d): %.300s", method, url, res.StatusCode, raw)
	}
	_ = json.Unmarshal(out.body["errors"], &out.errors)
	return out
}

func (r rawResponse) code() string {
	if len(r.errors) == 0 {
		return ""
	}
	c, _ := r.errors[0].Extensions["code"].(string)
	return c
}

// TestTransport_StatusesAndCodes: every way a request can be wrong at the
// HTTP level gets its status, a GraphQL-shaped body with extensions.code, and
// no "data" entry (execution never began).
func TestTransport_StatusesAndCodes(t *testing.T) {
	a := newAPI(t)
	gql := a.url + "/graphql"
	jsonBody := func(s string) io.Reader { return strings.NewReader(s) }
	big := `{"query":"{ __typename }","variables":{"x":"` + strings.Repeat("a", 1<<20) + `"}}`
	mutation := url.Values{"query": {`mutation { deleteRegion(id: "region/none") }`}}.Encode()
	for _, c := range []struct {
		name, method, url, contentType, body string
		header                               map[string]string
		status                               int
		code                                 string
		allow                                string
	}{
		{"malformed JSON", "POST", gql, "application/json", `{"query": "{ __typename }"`, nil, 400, "BAD_REQUEST", ""},
		{"a batch", "POST", gql, "application/json", `[{"query":"{ __typename }"},{"query":"{ __typename }"}]`, nil, 400, "BAD_REQUEST", ""},
		{"no body", "POST", gql, "application/json", ``, nil, 400, "BAD_REQUEST", ""},
		{"no query", "POST", gql, "application/json", `{"variables":{}}`, nil, 400, "BAD_REQUEST", ""},
		{"query not a string", "POST", gql, "application/json", `{"query":{"a":1}}`, nil, 400, "BAD_REQUEST", ""},
		{"variables not an object", "POST", gql, "application/json", `{"query":"{ __typename }","variables":[1]}`, nil, 400, "BAD_REQUEST", ""},
		{"body over the limit", "POST", gql, "application/json", big, nil, 413, "PAYLOAD_TOO_LARGE", ""},
		{"text/plain", "POST", gql, "text/plain", `{"query":"{ __typename }"}`, nil, 415, "UNSUPPORTED_MEDIA_TYPE", ""},
		{"form-urlencoded", "POST", gql, "application/x-www-form-urlencoded", `query=%7B__typename%7D`, nil, 415, "UNSUPPORTED_MEDIA_TYPE", ""},
		{"no content type", "POST", gql, "", `{"query":"{ __typename }"}`, nil, 415, "UNSUPPORTED_MEDIA_TYPE", ""},
		{"a mutation over GET", "GET", gql + "?" + mutation, "", ``, nil, 405, "METHOD_NOT_ALLOWED", "POST"},
		{"PUT", "PUT", gql, "application/json", `{"query":"{ __typename }"}`, nil, 405, "METHOD_NOT_ALLOWED", "GET, POST, OPTIONS"},
		{"DELETE", "DELETE", gql, "", ``, nil, 405, "METHOD_NOT_ALLOWED", "GET, POST, OPTIONS"},
		{"GET without a query", "GET", gql, "", ``, nil, 400, "BAD_REQUEST", ""},
		{"GET with malformed variables", "GET", gql + "?query=%7B__typename%7D&variables=%7B", "", ``, nil, 400, "BAD_REQUEST", ""},
		{"documentId without a manifest", "POST", gql, "application/json", `{"documentId":"sha256:00"}`, nil, 400, "BAD_REQUEST", ""},
		{"a parse error, application/json", "POST", gql, "application/json", `{"query":"{"}`, nil, 200, "GRAPHQL_PARSE_FAILED", ""},
		{"a parse error, graphql-response+json", "POST", gql, "application/json", `{"query":"{"}`,
			map[string]string{"Accept": "application/graphql-response+json"}, 400, "GRAPHQL_PARSE_FAILED", ""},
		{"a validation error, graphql-response+json", "POST", gql, "application/json", `{"query":"{ noSuchField }"}`,
			map[string]string{"Accept": "application/graphql-response+json"}, 400, "GRAPHQL_VALIDATION_FAILED", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := send(t, c.method, c.url, c.contentType, jsonBody(c.body), c.header)
			if r.status != c.status || r.code() != c.code {
				t.Errorf("HTTP %d %s, want %d %s: %+v", r.status, r.code(), c.status, c.code, r.errors)
			}
			if _, ok := r.body["data"]; ok {
				t.Errorf("a request error has a data entry: %s", r.body["data"])
			}
			if c.allow != "" && r.header.Get("Allow") != c.allow {
				t.Errorf("Allow: %q, want %q", r.header.Get("Allow"), c.allow)
			}
			if len(r.errors) > 0 && len(r.errors[0].Message) > 300 {
				t.Errorf("the message quotes the request: %.100s…", r.errors[0].Message)
			}
		})
	}

	t.Run("content negotiation", func(t *testing.T) {
		for accept, want := range map[string]string{
			"":                                  "application/json",
			"*/*":                               "application/json",
			"application/graphql-response+json": "application/graphql-response+json",
			"application/json;q=0.5, application/graphql-response+json": "application/graphql-response+json",
			"application/graphql-response+json;q=0.1, application/json": "application/json",
			"text/html": "application/json",
		} {
			r := send(t, "POST", gql, "application/json", jsonBody(`{"query":"{ __typename }"}`), map[string]string{"Accept": accept})
			if got := r.header.Get("Content-Type"); r.status != 200 || !strings.HasPrefix(got, want) {
				t.Errorf("Accept %q: HTTP %d %s, want %s", accept, r.status, got, want)
			}
		}
	})

	t.Run("OPTIONS", func(t *testing.T) {
		r := send(t, "OPTIONS", gql, "", nil, nil)
		if r.status != 204 || r.header.Get("Allow") != "GET, POST, OPTIONS" {
			t.Errorf("OPTIONS: %d, Allow %q", r.status, r.header.Get("Allow"))
		}
	})
}

// multipartBody is a GraphQL multipart request of an operation and no files
// (a forged form needs none).
func multipartBody(t *testing.T, query string) (io.Reader, string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	ops, _ := json.Marshal(map[string]any{"query": query})
	_ = w.WriteField("operations", string(ops))
	_ = w.WriteField("map", `{}`)
	_ = w.Close()
	return &body, w.FormDataContentType()
}

// TestTransport_MutationsNeedAPreflight: a form on another site can POST
// multipart/form-data (or text/plain, or form-urlencoded) without the
// browser asking CORS; no mutation runs from such a request unless it
// carries the preflight header, which a form cannot set.
func TestTransport_MutationsNeedAPreflight(t *testing.T) {
	a := newAPI(t)
	gql := a.url + "/graphql"
	const mutation = `mutation { deleteRegion(id: "region/no-such-region") }`

	body, ct := multipartBody(t, mutation)
	forged := send(t, "POST", gql, ct, body, map[string]string{"Origin": "https://elsewhere.example"})
	if forged.status != http.StatusForbidden || forged.code() != "PREFLIGHT_REQUIRED" || !strings.Contains(forged.errors[0].Message, graph.PreflightHeader) {
		t.Errorf("a cross-site multipart mutation: HTTP %d %+v", forged.status, forged.errors)
	}
	if _, ok := forged.body["data"]; ok {
		t.Errorf("the refused mutation has a data entry")
	}

	// The header lets it through to execution (which finds no such region).
	body, ct = multipartBody(t, mutation)
	ran := send(t, "POST", gql, ct, body, map[string]string{graph.PreflightHeader: "1", "Authorization": "Bearer " + a.token})
	if ran.status != 200 || ran.code() != "NOT_FOUND" {
		t.Errorf("a multipart mutation with the preflight header: HTTP %d %+v", ran.status, ran.errors)
	}
	// Queries need no preflight: a cross-site page cannot read the answer.
	body, ct = multipartBody(t, `{ __typename }`)
	if q := send(t, "POST", gql, ct, body, nil); q.status != 200 || len(q.errors) > 0 {
		t.Errorf("a multipart query: HTTP %d %+v", q.status, q.errors)
	}
	// application/json is preflighted by browsers: no header needed.
	j := send(t, "POST", gql, "application/json", strings.NewReader(`{"query":"mutation { deleteRegion(id: \"region/no-such-region\") }"}`), map[string]string{"Authorization": "Bearer " + a.token})
	if j.code() != "NOT_FOUND" {
		t.Errorf("a JSON mutation: HTTP %d %+v", j.status, j.errors)
	}

	t.Run("malformed multipart", func(t *testing.T) {
		for name, body := range map[string]string{
			"map first":       "--b\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{}\r\n--b--\r\n",
			"batch":           "--b\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n[]\r\n--b--\r\n",
			"not multipart":   "hello",
			"file not in map": "--b\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{\"query\":\"{ __typename }\"}\r\n--b\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{}\r\n--b\r\nContent-Disposition: form-data; name=\"1\"; filename=\"a\"\r\n\r\nx\r\n--b--\r\n",
		} {
			r := send(t, "POST", gql, "multipart/form-data; boundary=b", strings.NewReader(body), map[string]string{graph.PreflightHeader: "1"})
			if r.status != 400 || r.code() != "BAD_REQUEST" {
				t.Errorf("%s: HTTP %d %+v", name, r.status, r.errors)
			}
		}
	})
}

// TestSecurityHeaders_OnEveryResponse: the API, the probes and GraphiQL's
// page and assets all carry the headers; the page keeps its own policy,
// which lets its scripts run.
func TestSecurityHeaders_OnEveryResponse(t *testing.T) {
	a := newAPI(t)
	for _, path := range []string{"/graphql", "/graphql?query=%7B__typename%7D", "/healthz", "/readyz", "/", "/assets/page.css", "/nothing-here"} {
		res, err := http.Get(a.url + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		h := res.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") == "" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("Cache-Control") == "" {
			t.Errorf("%s: %v", path, h)
		}
		if strings.HasPrefix(path, "/graphql") || strings.HasSuffix(path, "z") {
			if h.Get("Cache-Control") != "no-store" || h.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
				t.Errorf("%s: %v", path, h)
			}
		}
		if path == "/" && !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("GraphiQL's page lost its own policy: %q", h.Get("Content-Security-Policy"))
		}
	}
}

func TestIntrospection_Off(t *testing.T) {
	a := newAPIWith(t, graph.Options{DisableIntrospection: true})
	for _, q := range []string{
		`{ __schema { queryType { name } } }`,
		`{ __type(name: "Expert") { name } }`,
		`query { ...F } fragment F on Query { ... on Query { __schema { types { name } } } }`,
	} {
		a.fails(t, "INTROSPECTION_DISABLED", "", q, nil)
	}
	a.ok(t, `{ __typename experts(first: 1) { nodes { __typename } } }`, nil)

	on := newAPI(t)
	on.ok(t, `{ __schema { queryType { name } } }`, nil)
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestPersistedDocuments_OnlyTheListRuns(t *testing.T) {
	const doc = `query Sections { planSections(first: 1) { nodes { number } } }`
	manifest, err := graph.ReadPersistedDocuments(strings.NewReader(`{"sha256:` + sha(doc) + `": ` + strconvQuote(doc) + `}`))
	if err != nil {
		t.Fatal(err)
	}
	a := newAPIWith(t, graph.Options{PersistedDocuments: manifest})
	gql := a.url + "/graphql"
	post := func(body string) rawResponse {
		return send(t, "POST", gql, "application/json", strings.NewReader(body), nil)
	}
	for name, r := range map[string]rawResponse{
		"by documentId":        post(`{"documentId":"sha256:` + sha(doc) + `"}`),
		"by Apollo's hash":     post(`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"` + sha(doc) + `"}}}`),
		"by its text":          post(`{"query":` + strconvQuote(doc) + `}`),
		"by documentId, GET":   send(t, "GET", gql+"?documentId=sha256:"+sha(doc), "", nil, nil),
		"hash and text agreed": post(`{"query":` + strconvQuote(doc) + `,"extensions":{"persistedQuery":{"version":1,"sha256Hash":"` + sha(doc) + `"}}}`),
	} {
		if r.status != 200 || len(r.errors) > 0 || !strings.Contains(string(r.body["data"]), "planSections") {
			t.Errorf("%s: HTTP %d %+v %s", name, r.status, r.errors, r.body["data"])
		}
	}
	other := `{ experts(first: 1) { nodes { name } } }`
	for name, r := range map[string]rawResponse{
		"another document":       post(`{"query":` + strconvQuote(other) + `}`),
		"an unknown hash":        post(`{"documentId":"sha256:` + sha(other) + `"}`),
		"a known hash, new text": post(`{"query":` + strconvQuote(other) + `,"extensions":{"persistedQuery":{"version":1,"sha256Hash":"` + sha(doc) + `"}}}`),
		"registering by APQ":     post(`{"query":` + strconvQuote(other) + `,"extensions":{"persistedQuery":{"version":1,"sha256Hash":"` + sha(other) + `"}}}`),
	} {
		if r.status != 400 || r.code() != "PERSISTED_DOCUMENT_NOT_FOUND" {
			t.Errorf("%s: HTTP %d %+v", name, r.status, r.errors)
		}
	}

	t.Run("manifests", func(t *testing.T) {
		apollo := `{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":"` + sha(doc) + `","name":"Sections","type":"query","body":` + strconvQuote(doc) + `}]}`
		if m, err := graph.ReadPersistedDocuments(strings.NewReader(apollo)); err != nil || m[sha(doc)] != doc {
			t.Errorf("Apollo's manifest: %v %v", m, err)
		}
		for name, bad := range map[string]string{
			"a wrong hash": `{"` + sha("x") + `": ` + strconvQuote(doc) + `}`,
			"empty":        `{}`,
			"not JSON":     `query { x }`,
		} {
			if _, err := graph.ReadPersistedDocuments(strings.NewReader(bad)); err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
	})
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
