package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/export"
	"github.com/castgraph/castgraph/store"
)

// ExportQuery is a named analyst query that /export offers without a
// persisted-document manifest: the rosters an office takes to Excel, with
// the columns the roster importer reads back (so a download edited in
// Excel imports again).
type ExportQuery struct {
	Document string
	// Flatten is the default of the download's flatten parameter.
	Flatten bool
}

// ExportQueries are the built-in exports, by name. Each takes $name (names
// and aliases containing it), $first (at most 500, the list cap) and $after
// (the cursor of the page before). Their cost is far below the limit: the
// largest, planItems, may read 500 × (1 + 5 + 100 + 100) rows. A column the
// roster reads as one value (工作单位, 所在城市) asks for one node (first: 1):
// the importer adds relationships and never removes one, so one of an
// expert's employers re-imports unchanged, where "A、B" would name a new one.
var ExportQueries = map[string]ExportQuery{
	"experts": {Document: `query experts($name: String, $first: Int = 500, $after: String) {
  experts(name: $name, first: $first, after: $after) {
    nodes {
      name disambiguation title academician field
      employer: affiliations(first: 1) { nodes { name } }
      memberOf(first: 50) { nodes { name } }
      city: locatedIn(first: 1) { nodes { name } }
    }
  }
}`},
	// expertContacts has personal fields: analysts and above only.
	"expertContacts": {Document: `query expertContacts($name: String, $first: Int = 500, $after: String) {
  experts(name: $name, first: $first, after: $after) {
    nodes {
      name disambiguation
      employer: affiliations(first: 1) { nodes { name } }
      gender birthMonth phone email
    }
  }
}`},
	// members: one row per membership, with its role and dates (memberOf
	// is the first nested list, so flatten expands it).
	"members": {Flatten: true, Document: `query members($name: String, $first: Int = 500, $after: String) {
  experts(name: $name, first: $first, after: $after) {
    nodes {
      name disambiguation
      memberOf(first: 100) { edges { role since until node { name } } }
      employer: affiliations(first: 1) { nodes { name } }
    }
  }
}`},
	"enterprises": {Document: `query enterprises($name: String, $first: Int = 500, $after: String) {
  enterprises(name: $name, first: $first, after: $after) {
    nodes {
      name creditCode category
      city: locatedIn(first: 10) { nodes { ... on Region { name } } }
      park: locatedIn(first: 10) { nodes { ... on Park { name } } }
      chains(first: 50) { nodes { name } }
      clusters(first: 20) { nodes { name } }
    }
  }
}`},
	"societies": {Document: `query societies($name: String, $first: Int = 500, $after: String) {
  societies(name: $name, first: $first, after: $after) {
    nodes {
      name aliases scope field
      guidedBy(first: 10) { nodes { name } }
      city: locatedIn(first: 10) { nodes { name } }
      parent: memberOf(first: 10) { nodes { name } }
    }
  }
}`},
	"planItems": {Document: `query planItems($name: String, $first: Int = 500, $after: String) {
  planItems(name: $name, first: $first, after: $after) {
    nodes {
      year number name
      partOf(first: 5) { nodes { number name } }
      launches(first: 100) { nodes { name kind } }
      concerns(first: 100) { nodes { name } }
    }
  }
}`},
}

// exportDocument is one document /export may run.
type exportDocument struct {
	name    string // the file's name
	doc     string
	flatten bool
}

// exportDocuments are the documents /export runs, by name (the built-ins)
// and by sha256 (the built-ins and the persisted documents): never a
// document a request brings.
func exportDocuments(persisted map[string]string) map[string]exportDocument {
	out := map[string]exportDocument{}
	for hash, doc := range persisted {
		out[hash] = exportDocument{name: "export-" + hash[:min(8, len(hash))], doc: doc}
	}
	for name, q := range ExportQueries {
		d := exportDocument{name: name, doc: q.Document, flatten: q.Flatten}
		out[name] = d
		out[documentHash(q.Document)] = d
	}
	return out
}

// newExportHandler serves GET /export?document=…&format=xlsx|csv&variables=…
// (and list, flatten, headers=en): a stored query's answer as a file. The
// request has been signed in and rate-limited like /graphql; the query
// runs for its caller, with the same permissions, limits and budget of rows
// in flight, then the table is bounded by rows and bytes.
func newExportHandler(s *store.Store, opts Options, rows *rowsInFlight) http.Handler {
	docs := exportDocuments(opts.PersistedDocuments)
	// The runner's own allow-list is the same documents: a second lock.
	allowed := map[string]string{}
	for _, d := range docs {
		allowed[documentHash(d.doc)] = d.doc
	}
	runOpts := opts
	runOpts.PersistedDocuments = allowed
	runner := newRunner(s, runOpts, rows)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", "GET")
			refuse(w, r, http.StatusMethodNotAllowed, castgraph.EMETHOD, "an export is a GET")
			return
		}
		req, name, err := readExportRequest(r, docs)
		if err != nil {
			refuseExport(w, r, err, opts.Log)
			return
		}
		req.MaxRows, req.MaxBytes = opts.ExportMaxRows, opts.ExportMaxBytes
		actor, _ := castgraph.ActorFrom(r.Context())
		file, err := runner.Export(r.Context(), actor, req)
		if err != nil {
			refuseExport(w, r, err, opts.Log)
			return
		}
		filename := fmt.Sprintf("%s-%s.%s", name, time.Now().Format("20060102"), req.Format)
		w.Header().Set("Content-Type", req.Format.ContentType())
		w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
		w.Header().Set("Content-Length", fmt.Sprint(len(file)))
		_, _ = w.Write(file)
	})
}

// readExportRequest reads the URL's parameters; the document must be one
// of docs, by name or sha256 ("sha256:" before it allowed).
func readExportRequest(r *http.Request, docs map[string]exportDocument) (ExportRequest, string, error) {
	q := r.URL.Query()
	var req ExportRequest
	id := strings.TrimSpace(q.Get("document"))
	if id == "" {
		return req, "", castgraph.Errorf(castgraph.EBADREQUEST, "document", "name the stored query to export: document=<name or sha256> (built-in: %s)", strings.Join(exportNames(), ", "))
	}
	d, ok := docs[id]
	if !ok {
		d, ok = docs[strings.ToLower(strings.TrimPrefix(id, "sha256:"))]
	}
	if !ok {
		return req, "", castgraph.Errorf(castgraph.EPERSISTED, "document", "no stored query is called %q: exports run the built-in queries (%s) and the server's persisted documents only", clip(id, 80), strings.Join(exportNames(), ", "))
	}
	req.Query, req.Flatten = d.doc, d.flatten
	var err error
	if req.Format, err = export.ParseFormat(defaultString(q.Get("format"), "xlsx")); err != nil {
		return req, "", err
	}
	if v := q.Get("variables"); v != "" {
		dec := json.NewDecoder(bytes.NewReader([]byte(v)))
		dec.UseNumber()
		if dec.Decode(&req.Variables) != nil || req.Variables == nil || dec.More() {
			return req, "", castgraph.Errorf(castgraph.EBADREQUEST, "variables", "variables must be a JSON object")
		}
	}
	switch strings.ToLower(q.Get("flatten")) {
	case "":
	case "1", "true", "yes":
		req.Flatten = true
	case "0", "false", "no":
		req.Flatten = false
	default:
		return req, "", castgraph.Errorf(castgraph.EBADREQUEST, "flatten", "flatten is true or false")
	}
	switch strings.ToLower(q.Get("headers")) {
	case "", "zh":
	case "en":
		req.English = true
	default:
		return req, "", castgraph.Errorf(castgraph.EBADREQUEST, "headers", "headers is zh (the roster's Chinese headers) or en (GraphQL names)")
	}
	req.List = q.Get("list")
	req.OperationName = q.Get("operationName")
	return req, safeFilename.ReplaceAllString(d.name, "_"), nil
}

// safeFilename keeps a file name to characters no header or file system
// minds.
var safeFilename = regexp.MustCompile(`[^A-Za-z0-9._-]`)

func exportNames() []string {
	names := make([]string, 0, len(ExportQueries))
	for n := range ExportQueries {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func defaultString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// exportStatus is the HTTP status of an export's error code.
var exportStatus = map[string]int{
	castgraph.EUNAUTHENTICATED: http.StatusUnauthorized,
	castgraph.EFORBIDDEN:       http.StatusForbidden,
	castgraph.EPERSISTED:       http.StatusNotFound,
	castgraph.ENOTFOUND:        http.StatusNotFound,
	castgraph.EOVERLOADED:      http.StatusServiceUnavailable,
	castgraph.EUNAVAILABLE:     http.StatusServiceUnavailable,
	castgraph.ETIMEOUT:         http.StatusGatewayTimeout,
	castgraph.EINTERNAL:        http.StatusInternalServerError,
	castgraph.EMETHOD:          http.StatusMethodNotAllowed,
}

// refuseExport answers an export that makes no file: the error's code and
// message as a GraphQL-shaped error, with a status that says why.
// Internal errors are logged and shown without detail, as presentError does.
func refuseExport(w http.ResponseWriter, r *http.Request, err error, log *slog.Logger) {
	code := castgraph.ErrorCode(err)
	if code == castgraph.EINTERNAL {
		log.ErrorContext(r.Context(), "export failed", "error", err.Error())
	}
	status, ok := exportStatus[code]
	if !ok {
		status = http.StatusBadRequest
	}
	msg := "internal error"
	var e *castgraph.Error
	if errors.As(err, &e) && code != castgraph.EINTERNAL {
		msg = e.Message
	}
	switch status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="castgraph"`)
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "1")
	}
	refuse(w, r, status, code, msg)
}
