package explore

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/web/static"
)

// files holds everything the handler serves: cytoscape's build and its
// licence from update-assets.sh, the rest castgraph's own.
//
//go:embed index.html explore.js explore.css
//go:embed assets/cytoscape.min.js assets/THIRD_PARTY_LICENSES.txt
var files embed.FS

// assets are the page's scripts, stylesheet and licence; registry.json is
// built from the domain registry and served the same way.
var assets = func() static.Assets {
	m := static.Load(files, map[string]string{
		"explore.js":               "explore.js",
		"explore.css":              "explore.css",
		"cytoscape.min.js":         "assets/cytoscape.min.js",
		"THIRD_PARTY_LICENSES.txt": "assets/THIRD_PARTY_LICENSES.txt",
	})
	m["registry.json"] = static.NewAsset("registry.json", registryJSON())
	return m
}()

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
func (pageData) Asset(name string) (string, error) { return assets.URL(name) }

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
	h := &handler{page: buf.Bytes()}
	return static.Handler(assets, h.servePage)
}

type handler struct {
	page []byte
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
