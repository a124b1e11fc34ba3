package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/export"
	"github.com/castgraph/castgraph/loaders"
	"github.com/castgraph/castgraph/roster"
	"github.com/castgraph/castgraph/store"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// The bounds of an export besides the query's own (cost, depth, time): the
// rows of the table – Flatten multiplies a page of 500 nodes by their
// relationships' pages – and the bytes of the file. The server refuses more
// with LIMIT_EXCEEDED before writing anything.
const (
	DefaultExportMaxRows  = 50_000
	DefaultExportMaxBytes = 32 << 20
)

// ExportRequest is one export: a query, its variables, and how to make the
// table (export.Options says the rules).
type ExportRequest struct {
	Query         string
	OperationName string
	Variables     map[string]any
	List          string
	Flatten       bool
	English       bool
	Format        export.Format
	// MaxRows and MaxBytes bound the table and the file; 0 is the default
	// (DefaultExportMaxRows, DefaultExportMaxBytes).
	MaxRows  int
	MaxBytes int
}

// Runner runs GraphQL queries in-process through the server's own chain –
// transport, executable schema, limits, rows in flight, personal-read audit,
// request deadline – for an actor the caller vouches for: castgraph export
// (a local admin) and the server's /export (the signed-in caller).
type Runner struct {
	h      http.Handler
	schema *ast.Schema
}

// NewRunner is a Runner over s with the server's options (limits, bounds,
// the persisted-document allow-list when set).
func NewRunner(s *store.Store, opts Options) *Runner {
	opts = opts.withDefaults()
	return newRunner(s, opts, newRowsInFlight(opts.Bounds))
}

func newRunner(s *store.Store, opts Options, rows *rowsInFlight) *Runner {
	return &Runner{
		h:      bounded(opts.Bounds, loaders.Middleware(s, newGraphQLHandler(s, opts, rows))),
		schema: newExecutableSchema(&Resolver{Store: s}).Schema(),
	}
}

// Export runs the query as actor and makes the file. Any error of the query
// (a field refused, a limit, a bad argument) is the export's error, with its
// code and where it happened: no file is made from a partial answer.
func (r *Runner) Export(ctx context.Context, actor castgraph.Actor, req ExportRequest) ([]byte, error) {
	data, err := r.Query(ctx, actor, req.Query, req.OperationName, req.Variables)
	if err != nil {
		return nil, err
	}
	// The document ran, so it parses, validates and is within the limits.
	doc, errs := gqlparser.LoadQuery(r.schema, req.Query)
	if len(errs) > 0 {
		return nil, castgraph.Errorf(castgraph.EINVALID, "query", "%s", errs[0].Message)
	}
	op := doc.Operations.ForName(req.OperationName)
	if op == nil && len(doc.Operations) > 0 {
		op = doc.Operations[0]
	}
	maxRows, maxBytes := req.MaxRows, req.MaxBytes
	if maxRows <= 0 {
		maxRows = DefaultExportMaxRows
	}
	if maxBytes <= 0 {
		maxBytes = DefaultExportMaxBytes
	}
	table, err := export.Flatten(data, export.Options{
		List: req.List, Flatten: req.Flatten, English: req.English,
		Fields: export.Fields(op), Header: roster.ExportHeader,
		MaxRows: maxRows, MaxBytes: maxBytes,
	})
	if err != nil {
		return nil, err
	}
	file, err := export.Encode(table, req.Format)
	if err != nil {
		return nil, castgraph.Errorf(castgraph.EINTERNAL, "", "writing the %s file: %v", req.Format, err)
	}
	if len(file) > maxBytes {
		return nil, castgraph.Errorf(castgraph.ELIMIT, "bytes", "the %s file would be %d bytes, over the %d one export may hold: narrow the query", req.Format, len(file), maxBytes)
	}
	return file, nil
}

// Query runs a query as actor and returns its data, keys in the order asked
// (export.Decode). The first error of the answer is the error, as a
// castgraph.Error with the answer's code and its path in the message. Only
// queries run: the request goes as a GET, which refuses mutations.
func (r *Runner) Query(ctx context.Context, actor castgraph.Actor, query, operationName string, vars map[string]any) (any, error) {
	q := url.Values{"query": {query}}
	if operationName != "" {
		q.Set("operationName", operationName)
	}
	if len(vars) > 0 {
		b, err := json.Marshal(vars)
		if err != nil {
			return nil, castgraph.Errorf(castgraph.EINVALID, "variables", "the variables cannot be written as JSON: %v", err)
		}
		q.Set("variables", string(b))
	}
	hr, err := http.NewRequestWithContext(castgraph.WithActor(ctx, actor), http.MethodGet, "/graphql?"+q.Encode(), nil)
	if err != nil {
		return nil, castgraph.Errorf(castgraph.EINTERNAL, "", "building the request: %v", err)
	}
	hr.Header.Set("Accept", mediaJSON)
	w := &recorder{header: http.Header{}}
	r.h.ServeHTTP(w, hr)
	answer, err := export.DecodeBytes(w.body.Bytes())
	if err != nil {
		return nil, castgraph.Errorf(castgraph.EINTERNAL, "", "the answer (HTTP %d) cannot be read", w.status)
	}
	return answerData(answer)
}

// answerData is the data of an answer, or its first error.
func answerData(answer any) (any, error) {
	var errs []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	}
	// Only the errors are read as plain JSON; the data keeps its order.
	if raw := export.Get(answer, "errors"); raw != nil {
		b, _ := json.Marshal(export.Plain(raw))
		_ = json.Unmarshal(b, &errs)
	}
	if len(errs) > 0 {
		e := errs[0]
		code, _ := e.Extensions["code"].(string)
		if code == "" {
			code = castgraph.EINTERNAL
		}
		field, _ := e.Extensions["field"].(string)
		msg := e.Message
		if len(e.Path) > 0 {
			parts := make([]string, len(e.Path))
			for i, p := range e.Path {
				parts[i] = fmt.Sprint(p)
			}
			msg = strings.Join(parts, ".") + ": " + msg
		}
		if n := len(errs); n > 1 {
			msg += fmt.Sprintf(" (and %d more errors)", n-1)
		}
		return nil, castgraph.Errorf(code, field, "%s", msg)
	}
	data := export.Get(answer, "data")
	if data == nil {
		return nil, castgraph.Errorf(castgraph.EINTERNAL, "", "the answer has no data")
	}
	return data, nil
}

// recorder is the ResponseWriter of an in-process request.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *recorder) Header() http.Header { return w.header }
func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}
func (w *recorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}
