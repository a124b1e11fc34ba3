package graphiql

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/castgraph/castgraph/web/static"
)

// files holds everything the handler serves. The third-party files in
// assets/ come from update-assets.sh; index.html, bootstrap.js, page.css and
// examples.graphql are castgraph's own.
//
//go:embed index.html bootstrap.js page.css examples.graphql
//go:embed assets/graphiql.min.js assets/graphiql.min.css
//go:embed assets/graphiql-plugin-explorer.umd.js assets/graphiql-plugin-explorer.css
//go:embed assets/react.production.min.js assets/react-dom.production.min.js
//go:embed assets/THIRD_PARTY_LICENSES.txt
var files embed.FS

// assets are the page's scripts and stylesheets and the licences.
var assets = static.Load(files, map[string]string{
	"bootstrap.js":                    "bootstrap.js",
	"page.css":                        "page.css",
	"graphiql.min.js":                 "assets/graphiql.min.js",
	"graphiql.min.css":                "assets/graphiql.min.css",
	"graphiql-plugin-explorer.umd.js": "assets/graphiql-plugin-explorer.umd.js",
	"graphiql-plugin-explorer.css":    "assets/graphiql-plugin-explorer.css",
	"react.production.min.js":         "assets/react.production.min.js",
	"react-dom.production.min.js":     "assets/react-dom.production.min.js",
	"THIRD_PARTY_LICENSES.txt":        "assets/THIRD_PARTY_LICENSES.txt",
})

var pageTemplate = template.Must(template.ParseFS(files, "index.html"))

// Examples is the document GraphiQL opens with: named example operations,
// one for each question analysts ask of the graph. It is written against
// castgraph's schema and demo data, and e2e/examples_test.go runs every
// operation in it against both.
var Examples = func() string {
	b, err := files.ReadFile("examples.graphql")
	if err != nil {
		panic("graphiql: embedded file missing: " + err.Error())
	}
	return string(b)
}()

// pageData is what index.html is executed with.
type pageData struct {
	Title    string
	Endpoint string
	Nonce    string
	// DefaultQuery is the editor's document when the browser has none
	// stored and the URL brings none.
	DefaultQuery string
}

// Asset returns the relative URL of the named asset, versioned by content so
// that browsers may cache it for good.
func (pageData) Asset(name string) (string, error) { return assets.URL(name) }

// Handler returns an http.Handler serving GraphiQL with the given page title,
// sending its queries to endpoint.
//
// The handler answers, relative to where it is mounted:
//   - "/": the HTML page (GET and HEAD);
//   - "/assets/NAME": the page's scripts and stylesheets;
//   - "": a redirect to the same URL with a trailing slash, so that the
//     page's relative asset URLs resolve under the mount point;
//   - anything else: 404.
//
// Mount it at the root of a mux, or under a prefix with http.StripPrefix:
//
//	mux.Handle("/", graphiql.Handler("castgraph", "/graphql"))
//	mux.Handle("/graphiql/", http.StripPrefix("/graphiql", graphiql.Handler("castgraph", "/graphql")))
//
// endpoint is resolved against the page's URL in the browser, so "/graphql"
// and "../graphql" both work. It must be on the page's origin: the
// Content-Security-Policy only lets the page connect to 'self'. Handler panics
// if endpoint is empty; an empty title becomes "GraphiQL".
func Handler(title, endpoint string) http.Handler {
	if endpoint == "" {
		panic("graphiql: Handler needs a GraphQL endpoint")
	}
	if title == "" {
		title = "GraphiQL"
	}
	// Render once to catch template errors early rather than per request.
	if err := pageTemplate.Execute(new(bytes.Buffer), pageData{Title: title, Endpoint: endpoint, Nonce: "x", DefaultQuery: Examples}); err != nil {
		panic(err)
	}
	h := &handler{title: title, endpoint: endpoint}
	return static.Handler(assets, h.servePage)
}

type handler struct {
	title, endpoint string
}

// contentSecurityPolicy allows the page to load only what the handler serves.
// Fonts and the favicon are data: URLs; styles also allow the per-response
// nonce, which bootstrap.js hands to the <style> element Radix UI injects
// when a dialog opens.
func contentSecurityPolicy(nonce string) string {
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self' 'nonce-" + nonce + "'",
		"font-src 'self' data:",
		"img-src 'self' data:",
		"connect-src 'self'",
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'none'",
	}, "; ")
}

// newNonce returns 144 random bits in unpadded URL-safe base64, which the
// CSP grammar allows as a nonce and html/template leaves unescaped.
func newNonce() string {
	var b [18]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (h *handler) servePage(w http.ResponseWriter, r *http.Request) {
	nonce := newNonce()
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, pageData{Title: h.title, Endpoint: h.endpoint, Nonce: nonce, DefaultQuery: Examples}); err != nil {
		http.Error(w, "graphiql: rendering page failed", http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	// The page carries a fresh nonce and points at the current asset
	// versions: never reuse a stored copy.
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Content-Security-Policy", contentSecurityPolicy(nonce))
	hdr.Set("Referrer-Policy", "same-origin")
	hdr.Set("X-Frame-Options", "DENY")
	hdr.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}
