package graphiql

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/castgraph/castgraph/web/static"
)

// The asset path and the Cache-Control of a versioned asset URL, as
// package static serves them.
const (
	assetPrefix = static.Prefix
	immutable   = static.Immutable
)

func get(t *testing.T, h http.Handler, target string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var srcHref = regexp.MustCompile(`(?:src|href)="([^"]*)"`)

func TestPage(t *testing.T) {
	h := Handler(`cast<graph>`, "/graphql")
	resp := get(t, h, "/")
	page := body(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / = %d", resp.StatusCode)
	}
	for k, want := range map[string]string{
		"Content-Type":           "text/html; charset=utf-8",
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if !strings.Contains(page, "<title>cast&lt;graph&gt;</title>") {
		t.Errorf("title not escaped into page:\n%s", page)
	}
	if !strings.Contains(page, `data-endpoint="/graphql"`) {
		t.Errorf("endpoint missing from page:\n%s", page)
	}
	// The examples are the default document, escaped into an attribute.
	if !strings.Contains(page, `data-default-query="# Welcome to castgraph`) || !strings.Contains(page, "query ExpertsServingCluster {") {
		t.Errorf("the examples are not the page's default document:\n%s", page)
	}

	// Nothing may point off the origin: no scheme, no protocol-relative URL.
	for _, bad := range []string{"http:", "https:", "//", "<style", "style="} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q:\n%s", bad, page)
		}
	}
	// No inline script: every <script> has a src and no body.
	if n, m := strings.Count(page, "<script"), strings.Count(page, `"></script>`); n != m || n != 5 {
		t.Errorf("want 5 external scripts with empty bodies, got %d <script and %d empty:\n%s", n, m, page)
	}

	// Every referenced URL is data: or an asset this handler serves.
	refs := srcHref.FindAllStringSubmatch(page, -1)
	if len(refs) != 9 {
		t.Errorf("want 9 src/href references, got %d: %q", len(refs), refs)
	}
	for _, m := range refs {
		ref := m[1]
		if ref == "data:," {
			continue
		}
		if !strings.HasPrefix(ref, assetPrefix) {
			t.Errorf("reference %q is not relative under %s", ref, assetPrefix)
			continue
		}
		ar := get(t, h, "/"+strings.ReplaceAll(ref, "&amp;", "&"))
		body(t, ar)
		if ar.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d", ref, ar.StatusCode)
		}
		if got := ar.Header.Get("Cache-Control"); got != immutable {
			t.Errorf("GET %s: Cache-Control %q, want %q", ref, got, immutable)
		}
	}
}

func TestCSP(t *testing.T) {
	resp := get(t, Handler("", "/graphql"), "/")
	page := body(t, resp)
	csp := resp.Header.Get("Content-Security-Policy")
	directives := map[string]string{}
	for d := range strings.SplitSeq(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	for name, want := range map[string]string{
		"default-src":     "'none'",
		"script-src":      "'self'",
		"connect-src":     "'self'",
		"font-src":        "'self' data:",
		"img-src":         "'self' data:",
		"frame-ancestors": "'none'",
		"base-uri":        "'none'",
	} {
		if got := directives[name]; got != want {
			t.Errorf("CSP %s = %q, want %q (CSP %q)", name, got, want, csp)
		}
	}
	style := directives["style-src"]
	nonce, ok := strings.CutPrefix(style, "'self' 'nonce-")
	nonce, ok2 := strings.CutSuffix(nonce, "'")
	if !ok || !ok2 || len(nonce) < 16 {
		t.Fatalf("style-src = %q, want 'self' and a nonce", style)
	}
	if !strings.Contains(page, `nonce="`+nonce+`"`) {
		t.Errorf("page does not carry the CSP nonce %q:\n%s", nonce, page)
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("CSP allows something unsafe: %q", csp)
	}
	// A fresh nonce for every response.
	if again := get(t, Handler("", "/graphql"), "/").Header.Get("Content-Security-Policy"); again == csp {
		t.Errorf("two responses share the CSP nonce: %q", csp)
	}
}

func TestAssets(t *testing.T) {
	h := Handler("castgraph", "/graphql")
	for name, want := range map[string]string{
		"graphiql.min.js":                 "text/javascript; charset=utf-8",
		"graphiql.min.css":                "text/css; charset=utf-8",
		"graphiql-plugin-explorer.umd.js": "text/javascript; charset=utf-8",
		"graphiql-plugin-explorer.css":    "text/css; charset=utf-8",
		"react.production.min.js":         "text/javascript; charset=utf-8",
		"react-dom.production.min.js":     "text/javascript; charset=utf-8",
		"bootstrap.js":                    "text/javascript; charset=utf-8",
		"page.css":                        "text/css; charset=utf-8",
		"THIRD_PARTY_LICENSES.txt":        "text/plain; charset=utf-8",
	} {
		a := assets[name]
		resp := get(t, h, "/assets/"+name)
		b := body(t, resp)
		if resp.StatusCode != http.StatusOK || b != string(a.Data) {
			t.Errorf("GET /assets/%s = %d, %d bytes; want 200, %d bytes", name, resp.StatusCode, len(b), len(a.Data))
		}
		if got := resp.Header.Get("Content-Type"); got != want {
			t.Errorf("%s: Content-Type %q, want %q", name, got, want)
		}
		if got := resp.Header.Get("Cache-Control"); got != "no-cache" {
			t.Errorf("%s without ?v=: Cache-Control %q, want no-cache", name, got)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", name, got)
		}
		etag := resp.Header.Get("ETag")
		if etag == "" {
			t.Errorf("%s: no ETag", name)
			continue
		}
		if r := get(t, h, "/assets/"+name, "If-None-Match", etag); r.StatusCode != http.StatusNotModified {
			t.Errorf("%s: If-None-Match %s gave %d, want 304", name, etag, r.StatusCode)
		}
		if r := get(t, h, "/assets/"+name+"?v=stale"); r.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("%s?v=stale: Cache-Control %q, want no-cache", name, r.Header.Get("Cache-Control"))
		}
	}
}

func TestGzip(t *testing.T) {
	h := Handler("castgraph", "/graphql")
	resp := get(t, h, "/assets/graphiql.min.js", "Accept-Encoding", "br, gzip")
	b := body(t, resp)
	if resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("headers %v, want gzip and Vary: Accept-Encoding", resp.Header)
	}
	zr, err := gzip.NewReader(strings.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain, assets["graphiql.min.js"].Data) {
		t.Errorf("gunzipped body differs from the asset")
	}
	if len(b) >= len(plain) {
		t.Errorf("gzip did not shrink: %d >= %d", len(b), len(plain))
	}
	if r := get(t, h, "/assets/graphiql.min.js", "Accept-Encoding", "gzip;q=0"); r.Header.Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 still got Content-Encoding %q", r.Header.Get("Content-Encoding"))
	}
}

func TestRouting(t *testing.T) {
	h := Handler("castgraph", "/graphql")
	for target, want := range map[string]int{
		"/favicon.ico":           http.StatusNotFound,
		"/assets/":               http.StatusNotFound,
		"/assets/nope.js":        http.StatusNotFound,
		"/assets/../index.html":  http.StatusNotFound,
		"/graphiql.min.js":       http.StatusNotFound,
		"/assets/index.html":     http.StatusNotFound,
		"/assets/bootstrap.js/x": http.StatusNotFound,
	} {
		if got := get(t, h, target).StatusCode; got != want {
			t.Errorf("GET %s = %d, want %d", target, got, want)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST / = %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/", nil))
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD / = %d with %d body bytes, Content-Length %q", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Length"))
	}
}

// TestPrefix mounts the handler under a prefix, as the package doc shows, and
// follows the page's relative asset URLs.
func TestPrefix(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/tools/graphiql/", http.StripPrefix("/tools/graphiql", Handler("castgraph", "/graphql")))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// The mux redirects the bare prefix to the prefix with a slash; the
	// handler does the same when it sees an empty path.
	resp, err := srv.Client().Get(srv.URL + "/tools/graphiql")
	if err != nil {
		t.Fatal(err)
	}
	page := body(t, resp)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/tools/graphiql/" {
		t.Fatalf("GET /tools/graphiql ended at %s with %d", resp.Request.URL, resp.StatusCode)
	}
	for _, m := range srcHref.FindAllStringSubmatch(page, -1) {
		if m[1] == "data:," {
			continue
		}
		u, err := resp.Request.URL.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
		if err != nil {
			t.Fatal(err)
		}
		ar, err := srv.Client().Get(u.String())
		if err != nil {
			t.Fatal(err)
		}
		body(t, ar)
		if ar.StatusCode != http.StatusOK || !strings.HasPrefix(u.Path, "/tools/graphiql/assets/") {
			t.Errorf("GET %s = %d", u, ar.StatusCode)
		}
	}

	// Without a mux in front, an empty path redirects to the slash form.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/ui?x=1", nil)
	http.StripPrefix("/ui", Handler("castgraph", "/graphql")).ServeHTTP(rec, req)
	if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "/ui/?x=1" {
		t.Errorf("GET /ui?x=1 under StripPrefix = %d to %q, want 301 to /ui/?x=1", rec.Code, rec.Header().Get("Location"))
	}
}

// TestVersions checks that assets/VERSIONS matches the embedded files.
func TestVersions(t *testing.T) {
	f, err := os.Open("assets/VERSIONS")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "  ") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		sum, name := fields[0], fields[1]
		a, ok := assets[name]
		if !ok {
			t.Errorf("VERSIONS lists %s, which is not embedded", name)
			continue
		}
		got := sha256.Sum256(a.Data)
		if hex.EncodeToString(got[:]) != sum {
			t.Errorf("%s: sha256 %x, VERSIONS says %s", name, got, sum)
		}
		seen[name] = true
	}
	for _, name := range []string{"graphiql.min.js", "graphiql.min.css", "graphiql-plugin-explorer.umd.js", "graphiql-plugin-explorer.css", "react.production.min.js", "react-dom.production.min.js"} {
		if !seen[name] {
			t.Errorf("VERSIONS does not list %s", name)
		}
	}
}

func TestHandlerPanicsWithoutEndpoint(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Handler with an empty endpoint did not panic")
		}
	}()
	Handler("castgraph", "")
}

// TestNoLoadsFromElsewhere checks the embedded bundles for what would make
// the browser fetch from another origin: CDNs, web fonts, url() in styles
// that is not a data: URL. (The bundles do name other sites, in licence
// comments, links and the SVG namespace; those load nothing.)
func TestNoLoadsFromElsewhere(t *testing.T) {
	cssURL := regexp.MustCompile(`url\(\s*['"]?([^)'"]*)`)
	for name, a := range assets {
		text := string(a.Data)
		for _, cdn := range []string{"unpkg.com", "cdn.jsdelivr.net", "cdnjs.cloudflare.com", "fonts.googleapis.com", "fonts.gstatic.com", "esm.sh/", "cdn.skypack.dev"} {
			if strings.Contains(text, cdn) {
				t.Errorf("%s mentions %s", name, cdn)
			}
		}
		if strings.HasSuffix(name, ".css") {
			for _, m := range cssURL.FindAllStringSubmatch(text, -1) {
				if !strings.HasPrefix(m[1], "data:") && m[1] != "" {
					t.Errorf("%s: url(%s) is not a data: URL", name, m[1])
				}
			}
		}
	}
	if strings.Contains(Examples, "http") {
		t.Errorf("examples.graphql names a URL")
	}
}
