package graph

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/auth"
	"github.com/castgraph/castgraph/loaders"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/telemetry"
	"github.com/castgraph/castgraph/web/explore"
	"github.com/castgraph/castgraph/web/graphiql"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"golang.org/x/sync/semaphore"
)

// Options tune the HTTP server.
type Options struct {
	// AllowedOrigins may call /graphql from a browser on another origin; empty means none.
	AllowedOrigins []string
	// Limits bound what one operation may ask for (DefaultLimits where zero).
	Limits Limits
	// Bounds limit time, concurrency and rate (DefaultBounds where zero).
	Bounds Bounds
	// Auth says who each request acts for; nil: everyone is anonymous, with
	// public reads only.
	Auth *auth.Authenticator
	// MaxBodyBytes caps a request body (default 1 MiB).
	MaxBodyBytes int64
	// DisableIntrospection refuses __schema and __type (INTROSPECTION_DISABLED):
	// for production, where the schema is nobody's business but the front
	// end's. On by default, for development and GraphiQL.
	DisableIntrospection bool
	// PersistedDocuments, when not nil, is the allow-list of documents that
	// run (ReadPersistedDocuments reads a manifest): by hash, by documentId
	// or by their text; any other is PERSISTED_DOCUMENT_NOT_FOUND.
	PersistedDocuments map[string]string
	// Jobs bound import jobs and the WebSocket of subscriptions
	// (DefaultJobOptions where zero): jobs.go, websocket.go.
	Jobs JobOptions
	// ExportMaxRows and ExportMaxBytes bound a download from /export: rows
	// of the table and bytes of the file (DefaultExportMaxRows,
	// DefaultExportMaxBytes where zero).
	ExportMaxRows  int
	ExportMaxBytes int
	Log            *slog.Logger
	// Telemetry counts requests, errors, costs and loader batches and
	// makes the spans (observe.go); nil: a private one, whose metrics
	// nobody reads and whose spans go to OpenTelemetry's global provider.
	Telemetry *telemetry.Telemetry
	// NoAccessLog leaves out the access line logged for every request.
	NoAccessLog bool
	// Draining, once closed, makes /readyz answer 503 so that load
	// balancers stop sending requests before the server shuts down.
	Draining <-chan struct{}
}

func (opts Options) withDefaults() Options {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	opts.Limits = opts.Limits.withDefaults()
	opts.Bounds = opts.Bounds.withDefaults()
	if opts.MaxBodyBytes == 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	if opts.ExportMaxRows <= 0 {
		opts.ExportMaxRows = DefaultExportMaxRows
	}
	if opts.ExportMaxBytes <= 0 {
		opts.ExportMaxBytes = DefaultExportMaxBytes
	}
	if opts.Telemetry == nil {
		var known []string
		if opts.PersistedDocuments != nil {
			known = PersistedOperationNames(opts.PersistedDocuments)
		}
		opts.Telemetry = telemetry.New(telemetry.Options{Operations: known, MaxOperations: max(len(known), telemetry.DefaultMaxOperations)})
	}
	return opts
}

// NewHTTPHandler serves the API at /graphql (and its subscriptions over
// WebSocket), GraphiQL at /, the graph explorer at /explore/, downloads of
// stored queries as spreadsheets at /export (export.go), /healthz (the
// process is up) and /readyz (Neo4j answers and the schema is migrated).
func NewHTTPHandler(s *store.Store, opts Options) http.Handler {
	opts = opts.withDefaults()
	limiter := newRateLimiter(opts.Bounds)
	// One budget of rows in flight for /graphql and /export together.
	rows := newRowsInFlight(opts.Bounds)
	gql := withJobs(newJobs(s, opts.Jobs, opts.Log), newGraphQLHandler(s, opts, rows))
	api := authenticated(opts.Auth, limiter, limiter.wrap(limitBody(opts.MaxBodyBytes, bounded(opts.Bounds,
		withBookmarks(loaders.MiddlewareObserved(s, opts.Telemetry.LoaderBatch, gql))))))
	downloads := authenticated(opts.Auth, limiter, limiter.wrap(newExportHandler(s, opts, rows)))
	// rs/cors takes an empty list for "every origin": with none configured,
	// no CORS header is sent at all, and browsers keep other sites out.
	if len(opts.AllowedOrigins) > 0 {
		withCORS := cors.New(cors.Options{
			AllowedOrigins: opts.AllowedOrigins,
			AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
			AllowedHeaders: []string{"Content-Type", "Authorization", PreflightHeader, "Apollo-Require-Preflight", BookmarkHeader},
			// A front end on a listed origin may send its user's credentials.
			AllowCredentials: true,
			MaxAge:           600,
			ExposedHeaders:   []string{TraceHeader, BookmarkHeader},
		})
		api, downloads = withCORS.Handler(api), withCORS.Handler(downloads)
	}
	// Outermost, so that requests refused by any layer are logged and counted.
	api = observed(opts.Telemetry, opts.Log, !opts.NoAccessLog, api)

	mux := http.NewServeMux()
	// WebSocket upgrades (subscriptions) have bounds of their own: websocket.go.
	mux.Handle("/graphql", upgrades(websocketHandler(opts, limiter, gql), api))
	mux.Handle("/export", observed(opts.Telemetry, opts.Log, !opts.NoAccessLog, downloads))
	mux.Handle("/", graphiql.Handler("castgraph", "/graphql"))
	// The explorer's page and assets are public, like GraphiQL's: they hold
	// no data. Its queries go to /graphql, where sign-in is checked.
	mux.Handle("/explore/", http.StripPrefix("/explore", explore.Handler("/graphql", "/")))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-opts.Draining:
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "draining"})
			return
		default:
		}
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		version, err := s.SchemaVersion(ctx)
		switch {
		case err != nil:
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "code": castgraph.ErrorCode(err), "error": "the database does not answer"})
		case version < store.LatestVersion():
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "migrating", "schemaVersion": version, "want": store.LatestVersion()})
		default:
			writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "schemaVersion": version})
		}
	})
	return securityHeaders(mux)
}

// newRowsInFlight is the gate of rows of the operations running at once.
func newRowsInFlight(b Bounds) *rowsInFlight {
	return &rowsInFlight{sem: semaphore.NewWeighted(b.RowsInFlight), limit: b.RowsInFlight, wait: b.QueueWait}
}

func newGraphQLHandler(s *store.Store, opts Options, rows *rowsInFlight) http.Handler {
	schema := newExecutableSchema(&Resolver{Store: s})
	srv := handler.New(schema)
	// Subscriptions over a WebSocket, before the HTTP transport, which takes every request.
	srv.AddTransport(newWebsocketTransport(opts))
	// GET, POST and multipart uploads (importRoster), with codes, statuses,
	// the CSRF check and the allow-list: transport.go.
	srv.AddTransport(httpTransport{maxBody: opts.MaxBodyBytes, persisted: opts.PersistedDocuments})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if opts.DisableIntrospection {
		srv.Use(noIntrospection{})
	} else {
		srv.Use(extension.Introspection{})
	}
	if opts.PersistedDocuments == nil {
		// Otherwise the allow-list is the only cache of documents: a client
		// must not register its own.
		srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	}
	srv.Use(transportRule{persisted: opts.PersistedDocuments}) // subscriptions over the WebSocket only, the rest over HTTP
	// After the persisted-query extensions, which turn a hash into its document.
	srv.Use(newLimitsExtension(opts.Limits, schema.Schema()))
	srv.SetParserTokenLimit(opts.Limits.MaxTokens)
	srv.Use(rows)
	srv.Use(personalReads{store: s, log: opts.Log}) // records reads of personal fields: personalreads.go
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		return presentError(ctx, err, opts.Log)
	})
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		opts.Log.Error("panic in resolver", "panic", p, "stack", string(debug.Stack()))
		return castgraph.Errorf(castgraph.EINTERNAL, "", "internal error")
	})
	return srv
}

// presentError is the one place where errors become what a client sees: a
// message, the query path, and extensions.code (plus extensions.field, the
// argument at fault). Errors without a castgraph code are logged and shown
// as INTERNAL with no detail.
func presentError(ctx context.Context, err error, log *slog.Logger) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	var domain *castgraph.Error
	switch {
	case errors.As(err, &domain):
		gqlErr.Message = domain.Message
		if gqlErr.Extensions == nil {
			gqlErr.Extensions = map[string]any{}
		}
		gqlErr.Extensions["code"] = domain.Code
		if domain.Field != "" {
			gqlErr.Extensions["field"] = domain.Field
		}
	case gqlErr.Extensions["code"] != nil:
		// gqlgen's own parse and validation errors carry their codes already.
	default:
		logInternal(ctx, log, gqlErr.Path.String(), err)
		gqlErr.Message = "internal error"
		gqlErr.Extensions = map[string]any{"code": castgraph.EINTERNAL}
	}
	code, _ := gqlErr.Extensions["code"].(string)
	noteCode(ctx, code)
	return gqlErr
}

func limitBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// SplitOrigins reads a comma-separated list of origins, as in CASTGRAPH_CORS_ORIGINS.
func SplitOrigins(s string) []string {
	var out []string
	for _, o := range strings.Split(s, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}
