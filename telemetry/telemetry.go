// Package telemetry is castgraph's metrics (Prometheus) and traces
// (OpenTelemetry): the collectors, the bound on their labels, the hooks the
// store and the loaders call, and the OTLP exporter. It knows nothing of
// GraphQL; package graph tells it what each request was.
//
// Labels are bounded: operation names are chosen by clients, so only the
// first MaxOperations distinct ones (or, with persisted documents, only
// theirs) get a series of their own and the rest count as "other"; statement
// names come from the store's code; error codes from castgraph's own list,
// capped the same way. An attacker sending endless distinct names therefore
// adds no series and no memory.
package telemetry

import (
	"context"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/castgraph/castgraph/store"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// DefaultMaxOperations is how many distinct operation names get series of
// their own when no persisted documents say which names exist.
const DefaultMaxOperations = 100

// maxCodes bounds the label values of error codes: castgraph has about
// twenty, gqlgen a few more.
const maxCodes = 50

// Label values that are not an operation's own name.
const (
	// OpOther is every operation name past the bound.
	OpOther = "other"
	// OpAnonymous is an operation without a name.
	OpAnonymous = "anonymous"
	// OpNone is a request that never got as far as an operation (refused
	// by the rate limit, a body that is not GraphQL, …).
	OpNone = "none"
)

// Options configure Telemetry.
type Options struct {
	// Tracer makes the spans; nil: OpenTelemetry's global provider (which
	// records nothing unless set up, see SetupTracing).
	Tracer trace.TracerProvider
	// MaxOperations bounds the operation names that get series of their own
	// (DefaultMaxOperations when zero).
	MaxOperations int
	// Operations, when not nil, are the only operation names that get
	// series of their own (the names of persisted documents); MaxOperations
	// still bounds them.
	Operations []string
}

// Telemetry holds the collectors of one server.
type Telemetry struct {
	registry *prometheus.Registry
	tracer   trace.Tracer
	ops      *names
	codes    *names

	requests        *prometheus.CounterVec
	requestDuration *prometheus.HistogramVec
	errors          *prometheus.CounterVec
	cost            *prometheus.HistogramVec
	statements      *prometheus.CounterVec
	statementTime   *prometheus.HistogramVec
	batches         *prometheus.HistogramVec
	importRows      *prometheus.CounterVec

	// The children of the vectors, per label value, so that a request
	// looks them up once (label values are bounded, and so are these).
	perOp   sync.Map // operation label -> *opMetrics
	perStmt sync.Map // stmtKey -> *stmtMetrics
}

type opMetrics struct {
	ok, error, refused prometheus.Counter
	duration, cost     prometheus.Observer
}

type stmtKey struct {
	name  string
	write bool
}

type stmtMetrics struct {
	ok, error prometheus.Counter
	duration  prometheus.Observer
	mode      string
}

func (t *Telemetry) op(label string) *opMetrics {
	if m, ok := t.perOp.Load(label); ok {
		return m.(*opMetrics)
	}
	m := &opMetrics{
		ok:       t.requests.WithLabelValues(label, "ok"),
		error:    t.requests.WithLabelValues(label, "error"),
		refused:  t.requests.WithLabelValues(label, "refused"),
		duration: t.requestDuration.WithLabelValues(label),
		cost:     t.cost.WithLabelValues(label),
	}
	v, _ := t.perOp.LoadOrStore(label, m)
	return v.(*opMetrics)
}

func (t *Telemetry) stmt(name string, write bool) *stmtMetrics {
	k := stmtKey{name, write}
	if m, ok := t.perStmt.Load(k); ok {
		return m.(*stmtMetrics)
	}
	mode := "read"
	if write {
		mode = "write"
	}
	m := &stmtMetrics{
		ok:       t.statements.WithLabelValues(name, mode, "ok"),
		error:    t.statements.WithLabelValues(name, mode, "error"),
		duration: t.statementTime.WithLabelValues(name, mode),
		mode:     mode,
	}
	v, _ := t.perStmt.LoadOrStore(k, m)
	return v.(*stmtMetrics)
}

// latencyBuckets suit requests and statements: a lookup takes a couple of
// milliseconds, the slowest allowed request 30 s.
var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// New makes the collectors and registers them, with Go's and the process's.
func New(opts Options) *Telemetry {
	if opts.MaxOperations <= 0 {
		opts.MaxOperations = DefaultMaxOperations
	}
	tp := opts.Tracer
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	reg := prometheus.NewRegistry()
	t := &Telemetry{
		registry: reg,
		tracer:   tp.Tracer("github.com/castgraph/castgraph"),
		ops:      newNames(opts.MaxOperations, opts.Operations),
		codes:    newNames(maxCodes, nil),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "castgraph_requests_total",
			Help: "GraphQL requests by operation name (bounded: see castgraph_operation_names_dropped_total) and outcome: ok, error (executed, with errors), refused (not executed).",
		}, []string{"operation", "outcome"}),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "castgraph_request_duration_seconds",
			Help:    "Time from a request's arrival to its answer, by operation name.",
			Buckets: latencyBuckets,
		}, []string{"operation"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "castgraph_errors_total",
			Help: "Errors in answers, by extensions.code.",
		}, []string{"code"}),
		cost: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "castgraph_operation_cost",
			Help:    "Cost (rows the cost model allows the operation to read) of the operations served, by operation name.",
			Buckets: prometheus.ExponentialBuckets(1, 10, 8), // 1 … 10 000 000
		}, []string{"operation"}),
		statements: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "castgraph_neo4j_statements_total",
			Help: "Cypher statements run, by the store function that ran them, mode (read, write) and outcome (ok, error).",
		}, []string{"statement", "mode", "outcome"}),
		statementTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "castgraph_neo4j_statement_duration_seconds",
			Help:    "Time from running a Cypher statement to having read its records, by store function and mode.",
			Buckets: latencyBuckets,
		}, []string{"statement", "mode"}),
		batches: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "castgraph_loader_batch_size",
			Help:    "Nodes whose relationship field one batched statement reads, by loader: family (nodes one statement returned), dataloader (dataloadgen's fallback).",
			Buckets: []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000},
		}, []string{"loader", "what"}),
		importRows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "castgraph_import_rows_total",
			Help: "Roster rows imported through importRoster, by outcome: ok, rejected; dry runs apart.",
		}, []string{"outcome", "dry_run"}),
	}
	reg.MustRegister(t.requests, t.requestDuration, t.errors, t.cost, t.statements, t.statementTime, t.batches, t.importRows,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		buildInfo(),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "castgraph_operation_names_dropped_total",
			Help: "Requests whose operation name was counted as \"other\": past the bound of distinct names, or not a persisted document's.",
		}, func() float64 { return float64(t.ops.dropped()) }))
	return t
}

// buildInfo is castgraph_build_info: 1, with the module's version, the VCS
// revision and the Go version the binary was built with.
func buildInfo() prometheus.Collector {
	version, revision, modified, goVersion := Version(), "unknown", "unknown", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "castgraph_build_info",
		Help:        "1, labelled with the version, VCS revision and Go version of the binary (from its build information).",
		ConstLabels: prometheus.Labels{"version": version, "revision": revision, "modified": modified, "goversion": goVersion},
	})
	g.Set(1)
	return g
}

// Handler serves the metrics in Prometheus's text format.
func (t *Telemetry) Handler() http.Handler {
	return promhttp.HandlerFor(t.registry, promhttp.HandlerOpts{Registry: t.registry})
}

// Registry is where the collectors are registered.
func (t *Telemetry) Registry() *prometheus.Registry { return t.registry }

// Tracer makes castgraph's spans.
func (t *Telemetry) Tracer() trace.Tracer { return t.tracer }

// Operation is the label value of an operation name: the name itself while
// it is within the bound, else OpOther.
func (t *Telemetry) Operation(name string) string {
	if name == "" {
		return OpAnonymous
	}
	return t.ops.label(name)
}

// Request records a request: its operation's label value (Operation, or
// OpNone), its outcome (ok, error, refused), how long it took, its cost
// (0: not costed) and the codes of its errors.
func (t *Telemetry) Request(op, outcome string, took time.Duration, cost int, errorCodes []string) {
	m := t.op(op)
	switch outcome {
	case "ok":
		m.ok.Inc()
	case "error":
		m.error.Inc()
	default:
		m.refused.Inc()
	}
	m.duration.Observe(took.Seconds())
	if cost > 0 {
		m.cost.Observe(float64(cost))
	}
	for _, c := range errorCodes {
		t.errors.WithLabelValues(t.codes.label(c)).Inc()
	}
}

// Statement reports a statement's time and outcome and, when the request's
// span records, traces it as a child span: store.Observer.
func (t *Telemetry) Statement(ctx context.Context, name string, write bool) func(error) {
	m := t.stmt(name, write)
	start := time.Now()
	span := trace.SpanFromContext(ctx)
	if span.IsRecording() {
		// Only under a span that records: the attributes cost allocations.
		_, span = t.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(attribute.String("db.system", "neo4j"), attribute.String("db.operation.name", name), attribute.String("castgraph.mode", m.mode)))
	} else {
		span = nil
	}
	return func(err error) {
		m.duration.Observe(time.Since(start).Seconds())
		if err != nil {
			m.error.Inc()
		} else {
			m.ok.Inc()
		}
		if span != nil {
			if err != nil {
				// No message: a driver's may quote a value.
				span.SetStatus(codes.Error, "statement failed")
			}
			span.End()
		}
	}
}

// WatchStore makes the store report its statements here, and adds the
// gauges of its gate: transactions in flight and the most it admits.
func (t *Telemetry) WatchStore(s *store.Store) {
	s.Observe(t)
	t.registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "castgraph_neo4j_transactions_in_flight",
			Help: "Transactions holding a slot of the store's gate (running on a pooled connection or about to).",
		}, func() float64 { n, _ := s.InFlight(); return float64(n) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "castgraph_neo4j_transactions_max",
			Help: "Slots of the store's gate (CASTGRAPH_MAX_IN_FLIGHT); the driver's pool holds 8 connections more.",
		}, func() float64 { _, m := s.InFlight(); return float64(m) }),
	)
}

// LoaderBatch records the size of one batched read: loader is "family" or
// "dataloader", what "pages" or "counts".
func (t *Telemetry) LoaderBatch(loader, what string, size int) {
	t.batches.WithLabelValues(loader, what).Observe(float64(size))
}

// ImportRows records the rows of one roster import.
func (t *Telemetry) ImportRows(ok, rejected int, dryRun bool) {
	dry := strconv.FormatBool(dryRun)
	t.importRows.WithLabelValues("ok", dry).Add(float64(ok))
	t.importRows.WithLabelValues("rejected", dry).Add(float64(rejected))
}

// graphQLName is what a GraphQL name may be; anything else is never given a
// series of its own.
var graphQLName = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]{0,99}$`)

// names admits label values up to a bound: the first max distinct ones, or
// only those of a fixed list. Its memory is at most max entries.
type names struct {
	mu       sync.RWMutex
	seen     map[string]struct{}
	max      int
	fixed    bool
	nDropped int64
}

func newNames(max int, fixed []string) *names {
	n := &names{seen: map[string]struct{}{}, max: max, fixed: fixed != nil}
	for _, s := range fixed {
		if len(n.seen) < max && graphQLName.MatchString(s) {
			n.seen[s] = struct{}{}
		}
	}
	return n
}

func (n *names) label(s string) string {
	n.mu.RLock()
	_, ok := n.seen[s]
	n.mu.RUnlock()
	if ok {
		return s
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, ok := n.seen[s]; ok {
		return s
	}
	if n.fixed || len(n.seen) >= n.max || !graphQLName.MatchString(s) {
		n.nDropped++
		return OpOther
	}
	n.seen[s] = struct{}{}
	return s
}

func (n *names) dropped() int64 {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.nDropped
}

func (n *names) size() int {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return len(n.seen)
}

func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		return bi.Main.Version
	}
	return ""
}
