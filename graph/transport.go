package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/castgraph/castgraph"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// httpTransport is castgraph's one gqlgen transport: GraphQL over HTTP as
// the spec (graphql.github.io/graphql-over-http) has it, GET for queries,
// POST with application/json, and POST multipart/form-data for uploads (the
// GraphQL multipart request spec). It replaces gqlgen's GET, POST, Options
// and MultipartForm transports, which answer malformed requests without
// extensions.code, with HTTP 200 or 422 where the spec wants 400, 405 or 415,
// with "data": null on request errors, and echo a malformed body whole into
// the error (and so into the log).
//
// It is also where a request is judged as a whole: a mutation over GET, a
// mutation that a browser could send cross-site without asking CORS first,
// and, with an allow-list, a document not in it, are refused here, once for
// every way a request can arrive.
type httpTransport struct {
	maxBody   int64              // bytes in a request body
	persisted persistedDocuments // nil: any document runs
}

var _ graphql.Transport = httpTransport{}

// Supports takes every request: one that is not GraphQL over HTTP still gets
// a GraphQL-shaped answer with a code, where gqlgen would say "transport not
// supported" without one.
func (httpTransport) Supports(*http.Request) bool { return true }

// PreflightHeader, with any value, lets a mutation arrive in a body that is
// not application/json (a multipart upload). Browsers send multipart/form-data,
// text/plain and form-urlencoded POSTs to any origin without a CORS
// preflight, so without this a page on another site could make a visitor's
// browser run a mutation against a server it can reach. A header that only
// a script can set forces the preflight, which CORS refuses to origins not
// allowed. (Apollo-Require-Preflight, which Apollo clients send, counts too.)
const PreflightHeader = "GraphQL-Require-Preflight"

// Response media types: application/graphql-response+json lets a client tell
// a GraphQL error from one of a proxy by the status; application/json is what
// older clients accept, and there request errors are 200 as they expect.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// transportStatus is the HTTP status of each transport code: a request that
// never became a GraphQL operation, or that may not run as sent.
var transportStatus = map[string]int{
	castgraph.EBADREQUEST: http.StatusBadRequest,
	castgraph.ETOOLARGE:   http.StatusRequestEntityTooLarge,
	castgraph.EMEDIATYPE:  http.StatusUnsupportedMediaType,
	castgraph.EMETHOD:     http.StatusMethodNotAllowed,
	castgraph.EPREFLIGHT:  http.StatusForbidden,
	castgraph.EPERSISTED:  http.StatusBadRequest,
	// Turned away for want of capacity, not for what it asked: retry later.
	castgraph.EOVERLOADED: http.StatusServiceUnavailable,
}

// request is one GraphQL-over-HTTP request, decoded.
type request struct {
	params      graphql.RawParams
	documentID  string // the persisted-documents proposal's documentId
	preflighted bool   // a browser asked CORS before sending it
}

func (t httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	start := graphql.Now()
	media := responseMediaType(r)
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	var req *request
	var err error
	switch r.Method {
	case http.MethodGet:
		req, err = readGET(r)
	case http.MethodPost:
		req, err = t.readPOST(r)
	case http.MethodOptions:
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		w.WriteHeader(http.StatusNoContent)
		return
	default:
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		err = castgraph.Errorf(castgraph.EMETHOD, "", "method %s is not allowed: use GET (queries) or POST", r.Method)
	}
	if err == nil {
		err = t.persisted.resolve(&req.params, req.documentID)
	}
	if err != nil {
		writeRequestError(w, r.Context(), exec, media, gqlerror.List{gqlerror.Wrap(err)}, nil)
		return
	}
	req.params.Headers = r.Header
	req.params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	noteOperation(r.Context(), &req.params, nil)

	opCtx, errs := exec.CreateOperationContext(r.Context(), &req.params)
	if opCtx != nil && opCtx.Operation != nil {
		noteOperation(r.Context(), nil, opCtx)
	}
	if errs == nil {
		errs = checkOperation(w, r, opCtx, req.preflighted)
	}
	if errs != nil {
		writeRequestError(w, r.Context(), exec, media, errs, opCtx)
		return
	}
	responses, ctx := exec.DispatchOperation(r.Context(), opCtx)
	resp := responses(ctx)
	if resp != nil && resp.Data == nil && len(resp.Errors) > 0 {
		// An extension refused the operation before it executed (the
		// executor's answer then has errors and no data at all): a request
		// error too. The errors are presented already.
		writeErrorStatus(w, resp.Errors, media)
		writeErrorBody(w, resp)
		return
	}
	noteExecuted(r.Context())
	b, err := json.Marshal(resp)
	if err != nil {
		// A resolver returned something JSON cannot hold: a bug.
		writeRequestError(w, r.Context(), exec, media, gqlerror.List{gqlerror.Wrap(err)}, opCtx)
		return
	}
	_, _ = w.Write(b)
}

// checkOperation refuses, by its kind, an operation that parsed and validated
// but may not run as it arrived.
func checkOperation(w http.ResponseWriter, r *http.Request, opCtx *graphql.OperationContext, preflighted bool) gqlerror.List {
	op := opCtx.Operation.Operation
	switch {
	case r.Method == http.MethodGet && op != ast.Query:
		// GET must be safe: links, prefetchers and caches replay it.
		w.Header().Set("Allow", "POST")
		return gqlerror.List{gqlerror.Wrap(castgraph.Errorf(castgraph.EMETHOD, "", "a %s cannot be sent with GET: use POST", op))}
	case op == ast.Mutation && !preflighted:
		return gqlerror.List{gqlerror.Wrap(castgraph.Errorf(castgraph.EPREFLIGHT, "",
			"a mutation must be sent as application/json or carry the header %s (any value), so that browsers check CORS first", PreflightHeader))}
	}
	return nil
}

// writeRequestError answers a request that did not execute: no "data" entry
// (the spec's sign that execution never began) and a status that says why.
// The errors pass through the executor, and so through presentError, like
// every other error.
func writeRequestError(w http.ResponseWriter, ctx context.Context, exec graphql.GraphExecutor, media string, errs gqlerror.List, opCtx *graphql.OperationContext) {
	if opCtx != nil {
		ctx = graphql.WithOperationContext(ctx, opCtx)
	}
	resp := exec.DispatchError(ctx, errs)
	writeErrorStatus(w, resp.Errors, media)
	writeErrorBody(w, resp)
}

// writeErrorStatus writes the status of a request error; a server too busy
// (503) says when to come back.
func writeErrorStatus(w http.ResponseWriter, errs gqlerror.List, media string) {
	status := requestErrorStatus(errs, media)
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	w.WriteHeader(status)
}

// writeErrorBody writes a response's errors and extensions, without "data".
func writeErrorBody(w http.ResponseWriter, resp *graphql.Response) {
	b, _ := json.Marshal(struct {
		Errors     gqlerror.List  `json:"errors"`
		Extensions map[string]any `json:"extensions,omitempty"`
	}{resp.Errors, resp.Extensions})
	_, _ = w.Write(b)
}

// requestErrorStatus is the status of a request error: the transport code's
// own, else (a document that does not parse or validate, variables that do
// not coerce, a limit) 400 for application/graphql-response+json and 200 for
// application/json, as the spec says.
func requestErrorStatus(errs gqlerror.List, media string) int {
	for _, e := range errs {
		if code, ok := e.Extensions["code"].(string); ok {
			if status, ok := transportStatus[code]; ok {
				return status
			}
		}
	}
	if media == mediaGraphQLResponse {
		return http.StatusBadRequest
	}
	return http.StatusOK
}

// responseMediaType picks, by the Accept header, application/json or
// application/graphql-response+json: the supported type of the highest
// quality, the first listed on a tie. No Accept, */* or application/*
// mean application/json, which every client reads; so does an Accept that
// lists neither (the spec lets the server disregard it rather than say 406).
func responseMediaType(r *http.Request) string {
	best, bestQ := mediaJSON, -1.0
	for _, v := range r.Header.Values("Accept") {
		for part := range strings.SplitSeq(v, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			q := 1.0
			if s, ok := params["q"]; ok {
				if q, err = strconv.ParseFloat(s, 64); err != nil {
					continue
				}
			}
			if q <= 0 || q <= bestQ {
				continue
			}
			switch mt {
			case mediaGraphQLResponse:
				best, bestQ = mediaGraphQLResponse, q
			case mediaJSON, "*/*", "application/*":
				best, bestQ = mediaJSON, q
			}
		}
	}
	return best
}

// readGET reads a query from the URL (queries only: checkOperation refuses
// the rest once the document is parsed).
func readGET(r *http.Request) (*request, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, castgraph.Errorf(castgraph.EBADREQUEST, "", "the URL's query string is malformed")
	}
	fields := map[string]json.RawMessage{}
	for _, name := range []string{"query", "operationName", "documentId"} {
		if q.Has(name) {
			fields[name], _ = json.Marshal(q.Get(name))
		}
	}
	// variables and extensions are JSON, URL-encoded.
	for _, name := range []string{"variables", "extensions"} {
		if v := q.Get(name); v != "" {
			fields[name] = json.RawMessage(v)
		}
	}
	return parseParams(fields, "the URL")
}

// readPOST reads a body of application/json or multipart/form-data; any
// other type is 415 (text/plain and form-urlencoded included: they are what
// a cross-site form sends).
func (t httpTransport) readPOST(r *http.Request) (*request, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil && r.Header.Get("Content-Type") != "" {
		return nil, castgraph.Errorf(castgraph.EMEDIATYPE, "", "the Content-Type header is malformed: use application/json")
	}
	if r.ContentLength > t.maxBody {
		return nil, tooLarge(t.maxBody)
	}
	var req *request
	switch mt {
	case mediaJSON:
		req, err = t.readJSON(r)
	case "multipart/form-data":
		req, err = t.readMultipart(r)
	case "":
		return nil, castgraph.Errorf(castgraph.EMEDIATYPE, "", "a POST needs the header Content-Type: application/json")
	default:
		return nil, castgraph.Errorf(castgraph.EMEDIATYPE, "", "Content-Type %s is not supported: use application/json (or multipart/form-data for uploads)", mt)
	}
	if err != nil {
		return nil, err
	}
	h := r.Header
	req.preflighted = mt == mediaJSON || h.Get(PreflightHeader) != "" || h.Get("Apollo-Require-Preflight") != ""
	return req, nil
}

func (t httpTransport) readJSON(r *http.Request) (*request, error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, t.maxBody))
	if err != nil {
		return nil, readError(err, t.maxBody)
	}
	return decodeParams(body, "the body")
}

// readMultipart reads the GraphQL multipart request spec: the part
// "operations" (the request as JSON), the part "map" (which variables each
// file fills) and the files, all in memory: the body is capped by maxBody.
func (t httpTransport) readMultipart(r *http.Request) (*request, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, t.maxBody)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, castgraph.Errorf(castgraph.EBADREQUEST, "", "the multipart body is malformed")
	}
	next := func(want string) ([]byte, error) {
		part, err := mr.NextPart()
		if err != nil {
			return nil, readError(err, t.maxBody)
		}
		if part.FormName() != want {
			return nil, castgraph.Errorf(castgraph.EBADREQUEST, "", "the multipart part %q must come first, then map, then the files", "operations")
		}
		b, err := io.ReadAll(part)
		if err != nil {
			return nil, readError(err, t.maxBody)
		}
		return b, nil
	}
	ops, err := next("operations")
	if err != nil {
		return nil, err
	}
	req, err := decodeParams(ops, "the part operations")
	if err != nil {
		return nil, err
	}
	m, err := next("map")
	if err != nil {
		return nil, err
	}
	var paths map[string][]string
	if err := json.Unmarshal(m, &paths); err != nil {
		return nil, castgraph.Errorf(castgraph.EBADREQUEST, "", "the part map must be a JSON object of file names to lists of variable paths")
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, readError(err, t.maxBody)
		}
		key := part.FormName()
		targets := paths[key]
		if len(targets) == 0 {
			return nil, castgraph.Errorf(castgraph.EBADREQUEST, "", "the file part %q is not in the map", key)
		}
		delete(paths, key)
		data, err := io.ReadAll(part)
		if err != nil {
			return nil, readError(err, t.maxBody)
		}
		for _, path := range targets {
			up := graphql.Upload{File: bytes.NewReader(data), Size: int64(len(data)), Filename: part.FileName(), ContentType: part.Header.Get("Content-Type")}
			if gqlErr := req.params.AddUpload(up, key, path); gqlErr != nil {
				return nil, castgraph.Errorf(castgraph.EBADREQUEST, "", "the map's path %q for file %q names no variable", path, key)
			}
		}
	}
	if len(paths) > 0 {
		return nil, castgraph.Errorf(castgraph.EBADREQUEST, "", "the map names files that the body does not carry")
	}
	return req, nil
}

// readError tells a body over the limit (413) from one cut short or
// malformed (400). The reader's own message is not passed on: it may quote
// the body.
func readError(err error, max int64) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return tooLarge(max)
	}
	return castgraph.Errorf(castgraph.EBADREQUEST, "", "the request body could not be read")
}

func tooLarge(max int64) error {
	return castgraph.Errorf(castgraph.ETOOLARGE, "", "the request body is over the limit of %d bytes", max)
}

// decodeParams reads a GraphQL-over-HTTP request object from JSON.
func decodeParams(body []byte, where string) (*request, error) {
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
		return nil, castgraph.Errorf(castgraph.EBADREQUEST, "", "%s is empty: send a JSON object with a query", where)
	case trimmed[0] == '[':
		return nil, castgraph.Errorf(castgraph.EBADREQUEST, "", "batched requests (a JSON array) are not supported: send one request at a time")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &fields); err != nil || fields == nil {
		// The decoder's message is not passed on: it may quote the body.
		return nil, castgraph.Errorf(castgraph.EBADREQUEST, "", "%s is not a JSON object", where)
	}
	return parseParams(fields, where)
}

// parseParams checks each parameter's type (query, operationName and
// documentId strings, variables and extensions objects, each may be null)
// and that there is a document to run.
func parseParams(fields map[string]json.RawMessage, where string) (*request, error) {
	req := &request{}
	str := func(name string, dst *string) error {
		raw, ok := fields[name]
		if !ok || string(raw) == "null" {
			return nil
		}
		if json.Unmarshal(raw, dst) != nil {
			return castgraph.Errorf(castgraph.EBADREQUEST, name, "%s must be a string", name)
		}
		return nil
	}
	obj := func(name string, dst *map[string]any) error {
		raw, ok := fields[name]
		if !ok || string(bytes.TrimSpace(raw)) == "null" {
			return nil
		}
		// Numbers stay json.Number, as gqlgen's input unmarshalers expect.
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if dec.Decode(dst) != nil || *dst == nil || dec.More() {
			return castgraph.Errorf(castgraph.EBADREQUEST, name, "%s must be a JSON object", name)
		}
		return nil
	}
	p := &req.params
	for _, err := range []error{
		str("query", &p.Query), str("operationName", &p.OperationName), str("documentId", &req.documentID),
		obj("variables", &p.Variables), obj("extensions", &p.Extensions),
	} {
		if err != nil {
			return nil, err
		}
	}
	if p.Query == "" && req.documentID == "" && p.Extensions["persistedQuery"] == nil {
		return nil, castgraph.Errorf(castgraph.EBADREQUEST, "query", "%s has no query", where)
	}
	return req, nil
}
