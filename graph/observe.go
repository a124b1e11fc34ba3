package graph

import (
	"context"
	"encoding/hex"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/telemetry"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// TraceHeader is the response header that carries the request's trace id
// (32 hex digits), the id its access log line and its spans carry too.
const TraceHeader = "X-Trace-Id"

// maxLoggedCodes bounds the error codes of one access line: an answer may
// hold thousands of errors, mostly of one code.
const maxLoggedCodes = 20

// requestInfo is what the handlers learn about a request as it passes
// through them, for its access line, metrics and span: each layer fills in
// what it knows (the actor, the operation, the error codes).
type requestInfo struct {
	m        *telemetry.Telemetry
	mu       sync.Mutex
	actor    castgraph.Actor
	hasActor bool
	opName   string // as the client named it (or the document, when it has one operation)
	opType   string // query, mutation, subscription
	document string // the document that ran (its sha256 is logged, never the text)
	cost     int
	executed bool // the operation ran (the answer has data)
	codes    []string
	nCodes   int
}

type requestInfoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	i, _ := ctx.Value(requestInfoKey{}).(*requestInfo)
	return i
}

// telemetryOf is the request's telemetry, for what a resolver counts
// (rows of an import); nil outside a request.
func telemetryOf(ctx context.Context) *telemetry.Telemetry {
	if i := infoFrom(ctx); i != nil {
		return i.m
	}
	return nil
}

// noteActor records who the request acts for.
func noteActor(ctx context.Context, a castgraph.Actor) {
	if i := infoFrom(ctx); i != nil {
		i.mu.Lock()
		i.actor, i.hasActor = a, true
		i.mu.Unlock()
	}
}

// noteCode records the code of an error the client sees.
func noteCode(ctx context.Context, code string) {
	i := infoFrom(ctx)
	if i == nil || code == "" {
		return
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	i.nCodes++
	if !slices.Contains(i.codes, code) && len(i.codes) < maxLoggedCodes {
		i.codes = append(i.codes, code)
	}
}

// noteOperation records the operation a request names: its parameters as
// read, then, once parsed, the operation itself.
func noteOperation(ctx context.Context, params *graphql.RawParams, opCtx *graphql.OperationContext) {
	i := infoFrom(ctx)
	if i == nil {
		return
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if params != nil {
		i.opName, i.document = params.OperationName, params.Query
	}
	if opCtx != nil {
		i.document = opCtx.RawQuery
		if op := opCtx.Operation; op != nil {
			i.opName, i.opType = op.Name, string(op.Operation)
		}
		if c, ok := opCtx.Stats.GetExtension(costExtension).(*CostStats); ok && c != nil {
			i.cost = c.Requested
		}
	}
}

// noteExecuted records that the operation ran.
func noteExecuted(ctx context.Context) {
	if i := infoFrom(ctx); i != nil {
		i.mu.Lock()
		i.executed = true
		i.mu.Unlock()
	}
}

// observedWriter counts what is written and keeps the status.
type observedWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *observedWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *observedWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (w *observedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observed wraps the API: a span per request (a child of the caller's when
// it sends a W3C traceparent), its trace id in TraceHeader, and, once the
// answer is written, one access line and the request's metrics. The line
// holds the operation's name, the sha256 of its document and the codes of
// its errors, never the document, the variables or the body: those may
// carry personal data. accessLog false leaves the lines out.
func observed(m *telemetry.Telemetry, log *slog.Logger, accessLog bool, next http.Handler) http.Handler {
	tracer := m.Tracer()
	propagator := propagation.TraceContext{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx := propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, span := tracer.Start(ctx, "GraphQL", trace.WithSpanKind(trace.SpanKindServer))
		defer span.End()
		recording := span.IsRecording() // attributes only then: they cost allocations
		traceID := traceIDOf(span)
		w.Header().Set(TraceHeader, traceID)
		info := &requestInfo{m: m}
		ctx = context.WithValue(ctx, requestInfoKey{}, info)
		ow := &observedWriter{ResponseWriter: w}
		next.ServeHTTP(ow, r.WithContext(ctx))

		took := time.Since(start)
		info.mu.Lock()
		defer info.mu.Unlock()
		status := ow.status
		if status == 0 {
			status = http.StatusOK
		}
		outcome := "ok"
		switch {
		case !info.executed:
			outcome = "refused"
		case info.nCodes > 0:
			outcome = "error"
		}
		opLabel := telemetry.OpNone
		switch {
		case info.opName != "":
			opLabel = m.Operation(info.opName)
		case info.opType != "":
			opLabel = telemetry.OpAnonymous
		}
		m.Request(opLabel, outcome, took, info.cost, info.codes)
		if recording {
			if opLabel != telemetry.OpNone {
				// The bounded label, not the client's name: span names
				// must not grow without bound either.
				span.SetName("GraphQL " + info.opType + " " + opLabel)
			}
			span.SetAttributes(attribute.String("http.request.method", r.Method), attribute.String("url.path", r.URL.Path),
				attribute.Int("http.response.status_code", status),
				attribute.String("graphql.operation.name", capText(info.opName, 100)),
				attribute.String("graphql.operation.type", info.opType),
				attribute.StringSlice("castgraph.error_codes", info.codes))
			if outcome != "ok" {
				span.SetStatus(codes.Error, outcome)
			}
		}
		if !accessLog {
			return
		}
		attrs := make([]slog.Attr, 0, 14)
		attrs = append(attrs,
			slog.String("method", r.Method),
			slog.String("operation", capText(info.opName, 100)),
			slog.String("operationType", info.opType))
		if info.document != "" {
			attrs = append(attrs, slog.String("documentSha256", documentHash(info.document)))
		}
		actor := "none" // refused before the credentials were settled
		if info.hasActor {
			actor = info.actor.String()
		}
		attrs = append(attrs,
			slog.Int("status", status),
			slog.String("outcome", outcome),
			slog.Float64("durationMs", float64(took.Microseconds())/1000),
			slog.Int64("bytes", ow.bytes),
			slog.Int("cost", info.cost),
			slog.String("actor", actor),
			slog.String("traceId", traceID))
		if len(info.codes) > 0 {
			attrs = append(attrs, slog.Any("errorCodes", info.codes))
		}
		log.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
	})
}

// traceIDOf is the span's trace id, or, when nothing traces (no exporter
// and no traceparent from the caller), a random one, so that a client's
// report of the header still finds its log line.
func traceIDOf(span trace.Span) string {
	if sc := span.SpanContext(); sc.HasTraceID() {
		return sc.TraceID().String()
	}
	var id [16]byte
	a, b := rand.Uint64(), rand.Uint64()
	for i := range 8 {
		id[i], id[8+i] = byte(a>>(8*i)), byte(b>>(8*i))
	}
	return hex.EncodeToString(id[:])
}

// PersistedOperationNames are the names of the operations of a manifest's
// documents: with persisted documents only they can run, so only they get
// metrics of their own.
func PersistedOperationNames(docs map[string]string) []string {
	names := []string{}
	for _, doc := range docs {
		d, err := parser.ParseQuery(&ast.Source{Input: doc})
		if err != nil {
			continue
		}
		for _, op := range d.Operations {
			if op.Name != "" && !slices.Contains(names, op.Name) {
				names = append(names, op.Name)
			}
		}
	}
	slices.Sort(names)
	return names
}
