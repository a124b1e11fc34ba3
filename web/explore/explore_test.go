package explore

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
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

var srcHref = regexp.MustCompile(`(?:src|href|data-registry)="([^"]*)"`)

func TestPage(t *testing.T) {
	h := Handler("/graphql", "/")
	resp := get(t, h, "/")
	page := body(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / = %d", resp.StatusCode)
	}
	for k, want := range map[string]string{
		"Content-Type":            "text/html; charset=utf-8",
		"Cache-Control":           "no-store",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "same-origin",
		"Content-Security-Policy": ContentSecurityPolicy,
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if !strings.Contains(page, `data-endpoint="/graphql"`) || !strings.Contains(page, `data-graphiql="/"`) {
		t.Errorf("endpoint or GraphiQL's page missing:\n%s", page)
	}
	// Chinese by default.
	if !strings.Contains(page, `<html lang="zh-CN">`) || !strings.Contains(page, "科协知识图谱浏览器") {
		t.Errorf("page is not Chinese by default:\n%s", page)
	}

	// Nothing may point off the origin, and no inline script, style or
	// event handler (html/template has removed the comments).
	for _, bad := range []string{"http:", "https:", "//", "<style", "style="} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if m := regexp.MustCompile(`\son[a-z]+=`).FindString(page); m != "" {
		t.Errorf("page has an inline event handler %q", m)
	}
	for _, m := range srcHref.FindAllStringSubmatch(page, -1) {
		if strings.HasPrefix(m[1], "//") || strings.Contains(m[1], ":") && m[1] != "data:," {
			t.Errorf("reference %q leaves the origin", m[1])
		}
	}
	if n, m := strings.Count(page, "<script"), strings.Count(page, `"></script>`); n != m || n != 2 {
		t.Errorf("want 2 external scripts with empty bodies, got %d <script and %d empty", n, m)
	}

	// Every referenced asset is served, cached for good at its versioned URL.
	refs := 0
	for _, m := range srcHref.FindAllStringSubmatch(page, -1) {
		ref := strings.ReplaceAll(m[1], "&amp;", "&")
		if !strings.HasPrefix(ref, assetPrefix) {
			continue
		}
		refs++
		ar := get(t, h, "/"+ref)
		body(t, ar)
		if ar.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d", ref, ar.StatusCode)
		}
		if got := ar.Header.Get("Cache-Control"); got != immutable {
			t.Errorf("GET %s: Cache-Control %q, want %q", ref, got, immutable)
		}
	}
	// explore.css, registry.json, cytoscape.min.js, explore.js and the licences.
	if refs != 5 {
		t.Errorf("page references %d assets, want 5", refs)
	}
}

func TestCSP(t *testing.T) {
	directives := map[string]string{}
	for d := range strings.SplitSeq(ContentSecurityPolicy, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	for name, want := range map[string]string{
		"default-src":     "'none'",
		"script-src":      "'self'",
		"style-src":       "'self'",
		"connect-src":     "'self'",
		"img-src":         "'self' data:",
		"font-src":        "'self'",
		"frame-ancestors": "'none'",
		"base-uri":        "'none'",
		"form-action":     "'none'",
	} {
		if got := directives[name]; got != want {
			t.Errorf("CSP %s = %q, want %q", name, got, want)
		}
	}
	if strings.Contains(ContentSecurityPolicy, "unsafe") || strings.Contains(ContentSecurityPolicy, "*") {
		t.Errorf("CSP allows too much: %q", ContentSecurityPolicy)
	}
}

func TestAssets(t *testing.T) {
	h := Handler("/graphql", "/")
	for name, want := range map[string]string{
		"explore.js":               "text/javascript; charset=utf-8",
		"explore.css":              "text/css; charset=utf-8",
		"cytoscape.min.js":         "text/javascript; charset=utf-8",
		"registry.json":            "application/json; charset=utf-8",
		"THIRD_PARTY_LICENSES.txt": "text/plain; charset=utf-8",
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
		if got := get(t, h, "/assets/"+name+"?v="+a.Version).Header.Get("Cache-Control"); got != immutable {
			t.Errorf("%s?v=<version>: Cache-Control %q, want %q", name, got, immutable)
		}
		if got := get(t, h, "/assets/"+name+"?v=stale").Header.Get("Cache-Control"); got != "no-cache" {
			t.Errorf("%s?v=stale: Cache-Control %q, want no-cache", name, got)
		}
		etag := resp.Header.Get("ETag")
		if etag == "" {
			t.Errorf("%s: no ETag", name)
			continue
		}
		if r := get(t, h, "/assets/"+name, "If-None-Match", etag); r.StatusCode != http.StatusNotModified {
			t.Errorf("%s: If-None-Match %s gave %d, want 304", name, etag, r.StatusCode)
		}
	}
}

func TestGzip(t *testing.T) {
	h := Handler("/graphql", "/")
	resp := get(t, h, "/assets/cytoscape.min.js", "Accept-Encoding", "gzip")
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
	if string(plain) != string(assets["cytoscape.min.js"].Data) {
		t.Errorf("gunzipped body differs from the asset")
	}
}

func TestRouting(t *testing.T) {
	h := Handler("/graphql", "/")
	for target, want := range map[string]int{
		"/favicon.ico":          http.StatusNotFound,
		"/assets/":              http.StatusNotFound,
		"/assets/nope.js":       http.StatusNotFound,
		"/assets/../index.html": http.StatusNotFound,
		"/assets/index.html":    http.StatusNotFound,
		"/explore.js":           http.StatusNotFound,
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
	rec = httptest.NewRecorder()
	http.StripPrefix("/explore", h).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/explore?lang=en", nil))
	if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "/explore/?lang=en" {
		t.Errorf("GET /explore?lang=en = %d to %q, want 301 to /explore/?lang=en", rec.Code, rec.Header().Get("Location"))
	}
}

// offOrigin finds what, in castgraph's own files, would make the browser
// reach another origin: an absolute or protocol-relative URL.
var offOrigin = regexp.MustCompile(`(?i)(https?:|wss?:)?//[a-z0-9.-]+\.[a-z]{2,}`)

// TestNoExternalURLs checks castgraph's own page, script, stylesheet and
// registry for URLs of other origins, and the third-party bundle for
// anything that loads from elsewhere: CDNs, web fonts, url() in styles.
func TestNoExternalURLs(t *testing.T) {
	for _, name := range []string{"explore.js", "explore.css", "registry.json"} {
		if m := offOrigin.FindAllString(string(assets[name].Data), -1); len(m) > 0 {
			t.Errorf("%s holds URLs of other origins: %q", name, m)
		}
	}
	page, err := files.ReadFile("index.html")
	if err != nil {
		t.Fatal(err)
	}
	if m := offOrigin.FindAllString(string(page), -1); len(m) > 0 {
		t.Errorf("index.html holds URLs of other origins: %q", m)
	}
	if strings.Contains(string(assets["explore.css"].Data), "url(") {
		t.Errorf("explore.css loads something with url()")
	}
	// cytoscape's build names a few pages in its licence comments (and
	// loads none); anything else would be new and needs a look.
	allowed := map[string]bool{
		"http://en.wikipedia.org":   true,
		"http://engelschall.com":    true,
		"http://opensource.org":     true,
		"https://github.com":        true,
		"http://www.w3.org":         true, // SVG namespace, not a request
		"https://js.cytoscape.org":  true,
		"http://js.cytoscape.org":   true,
		"https://www.w3.org":        true,
		"http://www.opensource.org": true,
	}
	for _, u := range offOrigin.FindAllString(string(assets["cytoscape.min.js"].Data), -1) {
		if !allowed[strings.ToLower(u)] {
			t.Errorf("cytoscape.min.js names %q: check that it is not loaded, then allow it here", u)
		}
	}
	for _, cdn := range []string{"unpkg.com", "cdn.jsdelivr.net", "cdnjs.cloudflare.com", "fonts.googleapis.com", "fonts.gstatic.com", "importScripts("} {
		if strings.Contains(string(assets["cytoscape.min.js"].Data), cdn) {
			t.Errorf("cytoscape.min.js mentions %s", cdn)
		}
	}
}

// TestRegistry checks that registry.json names every kind and relationship
// type of the domain registry with both display names, in the registry's
// order, and leaves out personal properties.
func TestRegistry(t *testing.T) {
	var r Registry
	if err := json.Unmarshal(assets["registry.json"].Data, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Kinds) != len(castgraph.Kinds) || len(r.Relations) != len(castgraph.Relations) {
		t.Fatalf("registry.json has %d kinds and %d types, want %d and %d", len(r.Kinds), len(r.Relations), len(castgraph.Kinds), len(castgraph.Relations))
	}
	for i, k := range castgraph.Kinds {
		got := r.Kinds[i]
		if got.Name != string(k.Kind) || got.Label != k.Kind.Label() || got.Label.Zh == "" || got.Label.En == "" {
			t.Errorf("kind %d = %+v, want %s labelled %v", i, got, k.Kind, k.Kind.Label())
		}
		want := 0
		for _, p := range k.Props {
			if !p.Personal {
				want++
			}
		}
		if len(got.Props) != want {
			t.Errorf("%s: %d properties, want the %d that are not personal", k.Kind, len(got.Props), want)
		}
		for _, p := range got.Props {
			if spec, _ := k.Prop(p.Name); spec == nil || spec.Personal || p.Label.Zh == "" {
				t.Errorf("%s.%s should not be in registry.json, or lacks a label", k.Kind, p.Name)
			}
		}
	}
	for i, rel := range castgraph.Relations {
		got := r.Relations[i]
		if got.Type != string(rel.Type) || got.Label != rel.Type.Label() || len(got.Props) != len(rel.Props) {
			t.Errorf("relation %d = %+v, want %s labelled %v with %d properties", i, got, rel.Type, rel.Type.Label(), len(rel.Props))
		}
	}
	expert := r.Kinds[5]
	if expert.Name != "Expert" || expert.Label.Zh != "专家" {
		t.Errorf("kind 5 = %+v, want Expert (专家)", expert)
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
		fields := strings.Fields(sc.Text())
		if !strings.HasPrefix(sc.Text(), "  ") || len(fields) < 2 {
			continue
		}
		a, ok := assets[fields[1]]
		if !ok {
			t.Errorf("VERSIONS lists %s, which is not embedded", fields[1])
			continue
		}
		got := sha256.Sum256(a.Data)
		if hex.EncodeToString(got[:]) != fields[0] {
			t.Errorf("%s: sha256 %x, VERSIONS says %s", fields[1], got, fields[0])
		}
		seen[fields[1]] = true
	}
	if !seen["cytoscape.min.js"] {
		t.Errorf("VERSIONS does not list cytoscape.min.js")
	}
}

func TestHandlerPanicsWithoutURLs(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Handler with an empty endpoint did not panic")
		}
	}()
	Handler("", "/")
}
