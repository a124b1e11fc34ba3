// Package static serves a browser page and its embedded files from one
// mount point, as the GraphiQL page (web/graphiql) and the explorer
// (web/explore) both need: the page at "/", its scripts and stylesheets
// under "assets/" with a content version in their URLs (cached for good when
// the URL names the current version, gzipped when that pays), a redirect for
// the mount point without its trailing slash, GET and HEAD only, 404 for
// anything else.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// Prefix is the path, relative to the mount point, under which the assets
// are served.
const Prefix = "assets/"

// Immutable is the Cache-Control of an asset requested with its current
// content version (?v=...): such a URL never changes content.
const Immutable = "public, max-age=31536000, immutable"

// Asset is one file served under Prefix, with its content version.
type Asset struct {
	ContentType string
	Data        []byte
	Version     string // first 16 hex digits of the sha256 of Data

	gzOnce sync.Once
	gz     []byte // gzip of Data; nil when that is not smaller
}

// NewAsset is the asset named name (its extension gives the content type:
// .js, .css, .json or .txt; any other is a programming error and panics).
func NewAsset(name string, data []byte) *Asset {
	sum := sha256.Sum256(data)
	return &Asset{ContentType: contentType(name), Data: data, Version: hex.EncodeToString(sum[:])[:16]}
}

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
	panic("static: no content type for " + name)
}

// gzipped returns the gzip-compressed content, computed on first use, or nil
// when compressing does not pay.
func (a *Asset) gzipped() []byte {
	a.gzOnce.Do(func() {
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			return
		}
		if _, err := zw.Write(a.Data); err != nil {
			return
		}
		if err := zw.Close(); err != nil {
			return
		}
		if buf.Len() < len(a.Data) {
			a.gz = buf.Bytes()
		}
	})
	return a.gz
}

// Assets are a page's assets by their names under Prefix.
type Assets map[string]*Asset

// Load reads the files of fsys into assets: files maps each asset's name
// under Prefix to its path in fsys. A missing file is a programming error
// (the files are embedded) and panics.
func Load(fsys fs.FS, files map[string]string) Assets {
	m := Assets{}
	for name, file := range files {
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			panic("static: embedded file missing: " + err.Error())
		}
		m[name] = NewAsset(name, data)
	}
	return m
}

// URL is the relative URL of the named asset, versioned by content so that
// browsers may cache it for good; page templates call it.
func (as Assets) URL(name string) (string, error) {
	a, ok := as[name]
	if !ok {
		return "", &unknownAsset{name}
	}
	return Prefix + name + "?v=" + a.Version, nil
}

type unknownAsset struct{ name string }

func (e *unknownAsset) Error() string { return "static: unknown asset " + e.name }

// Handler serves page at "/" and assets under Prefix, relative to where it
// is mounted (use http.StripPrefix to mount it under a path); "" is
// redirected to the same URL with a trailing slash, so that the page's
// relative URLs resolve under the mount point.
func Handler(assets Assets, page http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
			page(w, r)
		case strings.HasPrefix(p, "/"+Prefix):
			a, ok := assets[strings.TrimPrefix(p, "/"+Prefix)]
			if !ok {
				http.NotFound(w, r)
				return
			}
			serveAsset(w, r, a)
		default:
			http.NotFound(w, r)
		}
	})
}

// redirectToSlash handles a request for the mount point without its trailing
// slash (possible with http.StripPrefix), whose relative URLs would
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

func serveAsset(w http.ResponseWriter, r *http.Request, a *Asset) {
	hdr := w.Header()
	hdr.Set("Content-Type", a.ContentType)
	hdr.Add("Vary", "Accept-Encoding")
	if r.URL.Query().Get("v") == a.Version {
		hdr.Set("Cache-Control", Immutable)
	} else {
		// Unversioned (or stale-versioned) URL: cache, but revalidate.
		hdr.Set("Cache-Control", "no-cache")
	}
	body, etag := a.Data, `"`+a.Version+`"`
	if acceptsGzip(r) {
		if gz := a.gzipped(); gz != nil {
			body, etag = gz, `"`+a.Version+`-gz"`
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
