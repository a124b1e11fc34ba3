package explore

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/castgraph/castgraph"
)

// files holds everything the handler serves: cytoscape's build and its
// licence from update-assets.sh, the rest castgraph's own.
//
//go:embed index.html explore.js explore.css
//go:embed assets/cytoscape.min.js assets/THIRD_PARTY_LICENSES.txt
var files embed.FS

// assetPrefix is the path, relative to where the handler is mounted, under
// which the page's scripts and stylesheets are served.
const assetPrefix = "assets/"

// immutable is the Cache-Control of an asset requested with its current
// content version (?v=...): such a URL never changes content.
const immutable = "public, max-age=31536000, immutable"

// asset is one file the handler serves, with its content version.
type asset struct {
	contentType string
	data        []byte
	version     string // first 16 hex digits of the sha256 of data

	gzOnce sync.Once
	gz     []byte // gzip of data; nil when that is not smaller
}

func newAsset(contentType string, data []byte) *asset {
	sum := sha256.Sum256(data)
	return &asset{contentType: contentType, data: data, version: hex.EncodeToString(sum[:])[:16]}
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

// assets maps a name under assetPrefix to its file; registry.json is built
// from the domain registry and served the same way.
var assets = func() map[string]*asset {
	m := make(map[string]*asset)
	for name, file := range map[string]string{
		"explore.js":               "explore.js",
		"explore.css":              "explore.css",
		"cytoscape.min.js":         "assets/cytoscape.min.js",
		"THIRD_PARTY_LICENSES.txt": "assets/THIRD_PARTY_LICENSES.txt",
	} {
		data, err := files.ReadFile(file)
		if err != nil {
			panic("explore: embedded file missing: " + err.Error())
		}
		m[name] = newAsset(contentType(name), data)
	}
	m["registry.json"] = newAsset(contentType("registry.json"), registryJSON())
	return m
}()

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json":
		return "application/json; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	panic("explore: no content type for " + name)
}

// Registry is what registry.json holds: the kinds and relationship types of
// the domain registry in its order, with their display names and the
// properties the page may ask for and show.
type Registry struct {
	Kinds     []RegistryKind     `json:"kinds"`
	Relations []RegistryRelation `json:"relations"`
	// Fields names the fields every node has (id, name, aliases, description).
	Fields []RegistryProp `json:"fields"`
}

// RegistryKind is a node kind, with the properties that are not personal.
type RegistryKind struct {
	Name  string          `json:"name"`
	Label castgraph.Label `json:"label"`
	Props []RegistryProp  `json:"props"`
}

// RegistryRelation is a relationship type with its properties.
type RegistryRelation struct {
	Type  string          `json:"type"`
	Label castgraph.Label `json:"label"`
	Props []RegistryProp  `json:"props"`
}

// RegistryProp is a property and its display names.
type RegistryProp struct {
	Name  string          `json:"name"`
	Label castgraph.Label `json:"label"`
}

// BuildRegistry collects the registry.json of the domain registry. Personal
// properties (castgraph.PropSpec.Personal) are left out: the page would ask
// for them, and any caller below analyst would get FORBIDDEN for the node.
func BuildRegistry() Registry {
	r := Registry{Kinds: []RegistryKind{}, Relations: []RegistryRelation{}}
	for _, name := range []string{"id", "name", "aliases", "description"} {
		r.Fields = append(r.Fields, RegistryProp{Name: name, Label: castgraph.PropLabel(name)})
	}
	for _, k := range castgraph.Kinds {
		rk := RegistryKind{Name: string(k.Kind), Label: k.Kind.Label(), Props: []RegistryProp{}}
		for _, p := range k.Props {
			if !p.Personal {
				rk.Props = append(rk.Props, RegistryProp{Name: p.Name, Label: castgraph.PropLabel(p.Name)})
			}
		}
		r.Kinds = append(r.Kinds, rk)
	}
	for _, rel := range castgraph.Relations {
		rr := RegistryRelation{Type: string(rel.Type), Label: rel.Type.Label(), Props: []RegistryProp{}}
		for _, p := range rel.Props {
			rr.Props = append(rr.Props, RegistryProp{Name: p.Name, Label: castgraph.PropLabel(p.Name)})
		}
		r.Relations = append(r.Relations, rr)
	}
	return r
}

func registryJSON() []byte {
	b, err := json.Marshal(BuildRegistry())
	if err != nil {
		panic("explore: registry.json: " + err.Error())
	}
	return b
}

var pageTemplate = template.Must(template.ParseFS(files, "index.html"))

// pageData is what index.html is executed with.
type pageData struct {
	Endpoint string // the GraphQL endpoint, resolved against the page's URL
	GraphiQL string // GraphiQL's page, for the "open in GraphiQL" link
}

// Asset returns the relative URL of the named asset, versioned by content so
// that browsers may cache it for good.
func (pageData) Asset(name string) (string, error) {
	a, ok := assets[name]
	if !ok {
		return "", &assetError{name}
	}
	return assetPrefix + name + "?v=" + a.version, nil
}

type assetError struct{ name string }

func (e *assetError) Error() string { return "explore: unknown asset " + e.name }

// Handler returns an http.Handler serving the explorer, which sends its
// queries to endpoint and opens them in the GraphiQL page at graphiql.
//
// The handler answers, relative to where it is mounted:
//   - "/": the HTML page (GET and HEAD);
//   - "/assets/NAME": the page's scripts, stylesheet and registry.json;
//   - "": a redirect to the same URL with a trailing slash, so that the
//     page's relative URLs resolve under the mount point;
//   - anything else: 404.
//
// Mount it under a prefix with http.StripPrefix:
//
//	mux.Handle("/explore/", http.StripPrefix("/explore", explore.Handler("/graphql", "/")))
//
// Both URLs are resolved against the page's URL in the browser and must be
// on its origin (the Content-Security-Policy allows only 'self'). Handler
// panics if either is empty.
func Handler(endpoint, graphiql string) http.Handler {
	if endpoint == "" || graphiql == "" {
		panic("explore: Handler needs the GraphQL endpoint and GraphiQL's page")
	}
	d := pageData{Endpoint: endpoint, GraphiQL: graphiql}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, d); err != nil {
		panic(err)
	}
	// The page holds no per-request value (no nonce: the CSP needs none), so
	// it is rendered once.
	return &handler{page: buf.Bytes()}
}

type handler struct {
	page []byte
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
// slash, whose relative URLs would otherwise resolve one level too high.
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

// ContentSecurityPolicy allows the page to load only what the handler serves
// and to talk only to its own origin. Styles need no nonce: the one
// stylesheet cytoscape would inject is pre-empted by explore.css (see the
// <link> in index.html), and the rest of its styling is done through the
// CSSOM, which style-src does not govern.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (h *handler) servePage(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	// The page points at the current asset versions: never reuse a stored copy.
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Content-Security-Policy", ContentSecurityPolicy)
	// The GraphiQL link carries the query in its URL; same-origin keeps it
	// from other sites.
	hdr.Set("Referrer-Policy", "same-origin")
	hdr.Set("X-Frame-Options", "DENY")
	hdr.Set("Content-Length", strconv.Itoa(len(h.page)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(h.page)
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
