package graphiql

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"html/template"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
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

// assetPrefix is the path, relative to where the handler is mounted, under
// which the page's scripts and stylesheets are served.
const assetPrefix = "assets/"

// immutable is the Cache-Control of an asset requested with its current
// content version (?v=...): such a URL never changes content.
const immutable = "public, max-age=31536000, immutable"

// asset is one embedded file served under assetPrefix.
type asset struct {
	name        string // file name under assetPrefix, as in URLs
	contentType string
	data        []byte
	version     string // first 16 hex digits of the sha256 of data

	gzOnce sync.Once
	gz     []byte // gzip of data; nil if that is not smaller
}

// gzipped returns the gzip-compressed content, computed on first use, or nil
// when compressing does not pay.
func (a *asset) gzipped() []byte {
	a.gzOnce.Do(func() {
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			return
		}
		if _, err := zw.Write(a.data); err != nil {
			return
		}
		if err := zw.Close(); err != nil {
			return
		}
		if buf.Len() < len(a.data) {
			a.gz = buf.Bytes()
		}
	})
	return a.gz
}

// assets maps a name under assetPrefix to its file.
var assets = func() map[string]*asset {
	m := make(map[string]*asset)
	for name, file := range map[string]string{
		"bootstrap.js":                    "bootstrap.js",
		"page.css":                        "page.css",
		"graphiql.min.js":                 "assets/graphiql.min.js",
		"graphiql.min.css":                "assets/graphiql.min.css",
		"graphiql-plugin-explorer.umd.js": "assets/graphiql-plugin-explorer.umd.js",
		"graphiql-plugin-explorer.css":    "assets/graphiql-plugin-explorer.css",
		"react.production.min.js":         "assets/react.production.min.js",
		"react-dom.production.min.js":     "assets/react-dom.production.min.js",
		"THIRD_PARTY_LICENSES.txt":        "assets/THIRD_PARTY_LICENSES.txt",
	} {
		data, err := files.ReadFile(file)
		if err != nil {
			panic("graphiql: embedded file missing: " + err.Error())
		}
		sum := sha256.Sum256(data)
		m[name] = &asset{
			name:        name,
			contentType: contentType(name),
			data:        data,
			version:     hex.EncodeToString(sum[:])[:16],
		}
	}
	return m
}()

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	panic("graphiql: no content type for " + name)
}

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
func (pageData) Asset(name string) (string, error) {
	a, ok := assets[name]
	if !ok {
		return "", &assetError{name}
	}
	return assetPrefix + a.name + "?v=" + a.version, nil
}

type assetError struct{ name string }

func (e *assetError) Error() string { return "graphiql: unknown asset " + e.name }

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
	return &handler{title: title, endpoint: endpoint}
}

type handler struct {
	title, endpoint string
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	switch {
	case p == "":
		redirectToSlash(w, r)
	case p == "/":
		h.servePage(w, r)
	case strings.HasPrefix(p, "/"+assetPrefix):
		a, ok := assets[strings.TrimPrefix(p, "/"+assetPrefix)]
		if !ok {
			http.NotFound(w, r)
			return
		}
		serveAsset(w, r, a)
	default:
		http.NotFound(w, r)
	}
}

// redirectToSlash handles a request for the mount point without its trailing
// slash (possible with http.StripPrefix), whose relative asset URLs would
// otherwise resolve one level too high.
func redirectToSlash(w http.ResponseWriter, r *http.Request) {
	u := r.RequestURI
	if u == "" {
		u = r.URL.RequestURI()
	}
	p, q, hasQuery := strings.Cut(u, "?")
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	if hasQuery {
		p += "?" + q
	}
	http.Redirect(w, r, p, http.StatusMovedPermanently)
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

func serveAsset(w http.ResponseWriter, r *http.Request, a *asset) {
	hdr := w.Header()
	hdr.Set("Content-Type", a.contentType)
	hdr.Add("Vary", "Accept-Encoding")
	if r.URL.Query().Get("v") == a.version {
		hdr.Set("Cache-Control", immutable)
	} else {
		// Unversioned (or stale-versioned) URL: cache, but revalidate.
		hdr.Set("Cache-Control", "no-cache")
	}
	body, etag := a.data, `"`+a.version+`"`
	if acceptsGzip(r) {
		if gz := a.gzipped(); gz != nil {
			body, etag = gz, `"`+a.version+`-gz"`
			hdr.Set("Content-Encoding", "gzip")
		}
	}
	hdr.Set("ETag", etag)
	// ServeContent handles HEAD, If-None-Match and Range; it keeps the
	// Content-Type set above.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip.
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
				continue
			}
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
