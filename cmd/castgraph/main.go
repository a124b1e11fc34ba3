// Command castgraph serves the castgraph GraphQL API and runs its tools:
//
//	castgraph serve [-addr 127.0.0.1:8080] [-demo | -seed]   serve /graphql, GraphiQL, /healthz, /readyz
//	                [-pprof 127.0.0.1:6060]            and Go's profiler on its own address
//	                [-metrics-addr :9090]              and Prometheus metrics on theirs
//	castgraph load [-demo | -seed] [FILE.json ...]    load datasets (data/README.md has the format),
//	                                                  files streamed in batches
//	castgraph dump FILE.json                          back the graph up in that format
//	castgraph migrate                                 apply schema migrations
//	castgraph export -q QUERY -o FILE.xlsx            a query's answer as a spreadsheet
//	castgraph token create|list|revoke                manage API tokens
//	castgraph devdb start|stop|status                 manage the local development Neo4j
//	castgraph probe URL                               a health check: exit 0 when URL answers 2xx
//
// Without NEO4J_URI every command uses the local development Neo4j, starting
// it when needed. main only wires; the work is done in the packages.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/data"
	"github.com/castgraph/castgraph/devdb"
	"github.com/castgraph/castgraph/graph"
	"github.com/castgraph/castgraph/neo4jenv"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/telemetry"
)

const usage = `usage:
  castgraph serve [-addr 127.0.0.1:8080] [-demo | -seed] [-pprof 127.0.0.1:6060] [-metrics-addr :9090]
                  [-introspection=false] [-persisted-documents manifest.json]
                  [-drain-delay 5s] [-shutdown-timeout 30s]
  castgraph load [-demo | -seed] [-batch 5000] [-quiet] [FILE.json ...]   files streamed in batches (load -h)
  castgraph dump [-quiet] FILE.json     every node and relationship with its provenance, for load (- for stdout)
  castgraph migrate
  castgraph import [-kind K] [-dry-run] [-strict] [-report FILE] … FILE.csv|.tsv|.xlsx|.jsonl   (import -h for all flags)
  castgraph export (-q QUERY | -f FILE) [-var name=value …] [-list PATH] [-flatten] [-headers en] -o FILE.xlsx|FILE.csv|-   (export -h)
  castgraph generate [-bench-db] [-seed 1] [-experts 100000] … [-batch N]   (generate -h for all flags)
  castgraph token create -name NAME -role ROLE [-expires 90d] | list | revoke NAME
  castgraph devdb start|stop|status
  castgraph probe URL        exit 0 when URL answers 2xx (a container's health check: /readyz)

Environment: NEO4J_URI (bolt:// or neo4j://), NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE;
without NEO4J_URI the local development Neo4j is used (and started).
CASTGRAPH_CORS_ORIGINS: comma-separated origins allowed to call /graphql from browsers.
CASTGRAPH_ADDR, CASTGRAPH_INTROSPECTION (on|off), CASTGRAPH_PERSISTED_DOCUMENTS, CASTGRAPH_METRICS_ADDR,
CASTGRAPH_DRAIN_DELAY, CASTGRAPH_SHUTDOWN_TIMEOUT: as the serve flags. CASTGRAPH_ACCESS_LOG (on|off),
CASTGRAPH_LOG_FORMAT (text|json). OTEL_EXPORTER_OTLP_ENDPOINT: export traces over OTLP/HTTP.
`

func main() {
	log := newLogger()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], log); err != nil {
		var e *castgraph.Error
		if errors.As(err, &e) {
			fmt.Fprintf(os.Stderr, "castgraph: %s\n", e.Error())
		} else {
			fmt.Fprintf(os.Stderr, "castgraph: %v\n", err)
		}
		os.Exit(1)
	}
}

// newLogger logs to standard error, as text or, with
// CASTGRAPH_LOG_FORMAT=json, as one JSON object a line for log collectors.
func newLogger() *slog.Logger {
	if os.Getenv("CASTGRAPH_LOG_FORMAT") == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, nil))
}

func run(ctx context.Context, args []string, log *slog.Logger) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], log)
	case "load":
		return load(ctx, args[1:], log)
	case "dump":
		return dump(ctx, args[1:], log)
	case "generate":
		return generate(ctx, args[1:], log)
	case "import":
		return importCommand(ctx, args[1:], log)
	case "export":
		return exportCommand(ctx, args[1:], log)
	case "token":
		return tokenCommand(ctx, args[1:], log)
	case "migrate":
		s, err := open(ctx, log)
		if err != nil {
			return err
		}
		defer s.Close(context.Background())
		return nil
	case "devdb":
		return devdbCommand(ctx, args[1:])
	case "probe":
		return probe(ctx, args[1:])
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	fmt.Fprint(os.Stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// open connects to Neo4j and applies the migrations.
func open(ctx context.Context, log *slog.Logger) (*store.Store, error) {
	cfg, err := neo4jenv.Resolve(ctx, os.Stderr)
	if err != nil {
		return nil, err
	}
	s, err := store.Open(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close(context.Background())
		return nil, err
	}
	return s, nil
}

// embeddedFlags registers -demo and -seed and returns a function that reads
// the embedded dataset they choose, or nil when neither is given. Call it
// after parsing.
func embeddedFlags(fs *flag.FlagSet) func() (*castgraph.Dataset, error) {
	demo := fs.Bool("demo", false, "load the 2024 plan and the synthetic demo roster")
	seed := fs.Bool("seed", false, "load the 2024 plan")
	return func() (*castgraph.Dataset, error) {
		switch {
		case *demo:
			return data.Demo()
		case *seed:
			return data.Seed()
		}
		return nil, nil
	}
}

// datasetFlags registers -demo and -seed and returns a function that parses
// the arguments and reads the chosen embedded datasets together with the
// files named after the flags, whole, as one dataset: serve's start-up data.
// (castgraph load streams its files instead: load.go.)
func datasetFlags(fs *flag.FlagSet) func(args []string) (*castgraph.Dataset, error) {
	embedded := embeddedFlags(fs)
	return func(args []string) (*castgraph.Dataset, error) {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		d, err := embedded()
		if err != nil {
			return nil, err
		}
		if d == nil {
			d = &castgraph.Dataset{}
		}
		for _, name := range fs.Args() {
			f, err := os.Open(name)
			if err != nil {
				return nil, err
			}
			more, err := castgraph.ReadDataset(f, name)
			f.Close()
			if err != nil {
				return nil, err
			}
			d.Merge(more)
		}
		return d, nil
	}
}

func loadDataset(ctx context.Context, s *store.Store, d *castgraph.Dataset, log *slog.Logger) error {
	if len(d.Nodes) == 0 && len(d.Relationships) == 0 {
		return nil
	}
	start := time.Now()
	// A graph loaded by an older build may hold the dataset's nodes under
	// keys made another way (regions by name, now by code).
	if n, err := s.AdoptKeys(ctx, d); err != nil {
		return err
	} else if n > 0 {
		log.Info("nodes re-keyed for the dataset", "nodes", n)
	}
	stats, err := s.Load(ctx, d)
	if err != nil {
		return err
	}
	log.Info("dataset loaded", "nodes", stats.Nodes, "relationships", stats.Relationships, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// serverGCPercent is the garbage collector's target for the server when
// GOGC does not set one: its live heap is small (tens of MB) and every
// request allocates afresh, so collecting a quarter as often trades a little
// memory for CPU (more requests a second under load: bench/compare/README.md).
const serverGCPercent = 400

func serve(ctx context.Context, args []string, log *slog.Logger) error {
	start := time.Now()
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	// Loopback unless told otherwise: a development server (GraphiQL,
	// introspection, demo data) should not be reachable from the network by
	// accident; -addr :8080 serves every interface.
	addr := fs.String("addr", neo4jenv.Getenv("CASTGRAPH_ADDR", "127.0.0.1:8080"), "listen address; :8080 for every interface")
	introspection := fs.Bool("introspection", os.Getenv("CASTGRAPH_INTROSPECTION") != "off", "answer __schema and __type (GraphiQL needs them); -introspection=false or CASTGRAPH_INTROSPECTION=off in production")
	persistedPath := fs.String("persisted-documents", os.Getenv("CASTGRAPH_PERSISTED_DOCUMENTS"), "run only the documents of this manifest (JSON: sha256 hash -> document); any document when empty")
	pprofAddr := fs.String("pprof", os.Getenv("CASTGRAPH_PPROF_ADDR"), "serve Go's profiler (/debug/pprof/) on this address, e.g. 127.0.0.1:6060; off when empty")
	metricsAddr := fs.String("metrics-addr", os.Getenv("CASTGRAPH_METRICS_ADDR"), "serve Prometheus metrics (/metrics) on this address, e.g. :9090; not served when empty")
	drainDelay := fs.Duration("drain-delay", envDuration("CASTGRAPH_DRAIN_DELAY", 5*time.Second), "on SIGTERM, answer /readyz with 503 this long before closing the listener, so that load balancers stop sending requests")
	shutdownTimeout := fs.Duration("shutdown-timeout", envDuration("CASTGRAPH_SHUTDOWN_TIMEOUT", 30*time.Second), "on SIGTERM, how long requests in flight may take to finish once the listener is closed")
	demoToken := fs.Bool("admin-token", false, "print a short-lived admin token at start (-demo implies it)")
	datasets := datasetFlags(fs)
	d, err := datasets(args)
	if err != nil {
		return err
	}
	if fs.Lookup("demo").Value.String() == "true" {
		*demoToken = true // the demo's quick start: GraphiQL with a token to paste
	}
	limits, bounds, err := serveBounds()
	if err != nil {
		return err
	}
	if *drainDelay < 0 || *shutdownTimeout <= 0 {
		return errors.New("-drain-delay (CASTGRAPH_DRAIN_DELAY) must be a duration of 0 or more, such as 5s, and -shutdown-timeout (CASTGRAPH_SHUTDOWN_TIMEOUT) one above 0")
	}
	accessLog, err := envSwitch("CASTGRAPH_ACCESS_LOG")
	if err != nil {
		return err
	}
	// Traces only when the standard OTEL_EXPORTER_OTLP_ENDPOINT asks for them.
	tracer, stopTracing, err := telemetry.SetupTracing(ctx, telemetry.Version())
	if err != nil {
		return err
	}
	defer func() {
		flush, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := stopTracing(flush); err != nil {
			log.Warn("traces not flushed", "err", err)
		}
	}()
	if telemetry.TracingConfigured() {
		log.Info("exporting traces over OTLP/HTTP")
	}
	jobs, err := serveJobs()
	if err != nil {
		return err
	}
	if v := os.Getenv("CASTGRAPH_INTROSPECTION"); v != "" && v != "on" && v != "off" {
		return fmt.Errorf("CASTGRAPH_INTROSPECTION must be on or off, not %q", v)
	}
	var persisted map[string]string
	if *persistedPath != "" {
		if persisted, err = readPersistedDocuments(*persistedPath); err != nil {
			return err
		}
		log.Info("running persisted documents only", "manifest", *persistedPath, "documents", len(persisted))
	}
	var known []string
	if persisted != nil {
		known = graph.PersistedOperationNames(persisted)
	}
	tel := telemetry.New(telemetry.Options{Tracer: tracer, Operations: known, MaxOperations: max(len(known), telemetry.DefaultMaxOperations)})
	s, err := open(ctx, log)
	if err != nil {
		return err
	}
	defer func() {
		s.Close(context.Background())
		log.Info("the Neo4j driver is closed")
	}()
	tel.WatchStore(s)
	if err := loadDataset(ctx, s, d, log); err != nil {
		return err
	}
	authn, err := serveAuth(ctx, s)
	if err != nil {
		return err
	}
	if *demoToken {
		if err := printDemoToken(ctx, s, *addr); err != nil {
			return err
		}
	}

	draining := make(chan struct{})
	srv := &http.Server{
		Addr: *addr,
		Handler: graph.NewHTTPHandler(s, graph.Options{
			AllowedOrigins:       graph.SplitOrigins(os.Getenv("CASTGRAPH_CORS_ORIGINS")),
			DisableIntrospection: !*introspection,
			PersistedDocuments:   persisted,
			Limits:               limits,
			Bounds:               bounds,
			Jobs:                 jobs,
			Auth:                 authn,
			Log:                  log,
			Telemetry:            tel,
			NoAccessLog:          !accessLog,
			Draining:             draining,
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	if *pprofAddr != "" {
		go func() { errc <- servePprof(*pprofAddr, log) }()
	}
	var metricsSrv *http.Server
	if *metricsAddr != "" {
		metricsSrv = metricsServer(*metricsAddr, tel)
		go func() { errc <- fmt.Errorf("metrics: %w", metricsSrv.ListenAndServe()) }()
		log.Info("metrics are serving", "url", "http://"+*metricsAddr+"/metrics")
	}
	log.Info("castgraph is serving", "graphiql", browseURL(*addr), "api", "/graphql", "startup", time.Since(start).Round(time.Millisecond))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// A second signal ends the process at once, as it would have without us.
	signal.Reset(os.Interrupt, syscall.SIGTERM)
	// Not ready first, so that load balancers stop sending requests while
	// the listener still takes them; then no new connections, and the
	// requests in flight finish (for at most shutdownTimeout); then the
	// driver closes (deferred above).
	close(draining)
	log.Info("draining: /readyz answers 503", "delay", drainDelay.String())
	time.Sleep(*drainDelay)
	shutdown, cancel := context.WithTimeout(context.Background(), *shutdownTimeout)
	defer cancel()
	log.Info("shutting down: no new connections; waiting for requests in flight", "timeout", shutdownTimeout.String())
	err = srv.Shutdown(shutdown)
	if err != nil {
		_ = srv.Close()
		err = fmt.Errorf("requests still in flight after %s were cut off: %w", *shutdownTimeout, err)
	}
	if metricsSrv != nil {
		_ = metricsSrv.Close()
	}
	log.Info("the server is stopped")
	return err
}

// metricsServer serves the metrics on their own listener, never on the
// API's address: they tell whoever reads them which operations run and
// how the database fares.
func metricsServer(addr string, tel *telemetry.Telemetry) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", tel.Handler())
	return &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
}

// envDuration reads a duration such as 5s from the environment, or def;
// a value that does not parse is left to the flag's check as -1.
func envDuration(name string, def time.Duration) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return -1
	}
	return d
}

// envSwitch reads on or off (unset: on).
func envSwitch(name string) (bool, error) {
	switch v := os.Getenv(name); v {
	case "", "on":
		return true, nil
	case "off":
		return false, nil
	default:
		return false, fmt.Errorf("%s must be on or off, not %q", name, v)
	}
}

func readPersistedDocuments(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	docs, err := graph.ReadPersistedDocuments(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return docs, nil
}

// servePprof serves the profiler on its own listener, never on the API's
// address, so it is reachable only where the operator asks (loopback, say).
func servePprof(addr string, log *slog.Logger) error {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	log.Info("profiler is serving", "url", "http://"+addr+"/debug/pprof/")
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	return fmt.Errorf("profiler: %w", srv.ListenAndServe())
}

func devdbCommand(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return errors.New("usage: castgraph devdb start|stop|status")
	}
	opts := devdb.Options{Log: os.Stderr}
	switch args[0] {
	case "start":
		srv, err := devdb.Ensure(ctx, opts)
		if err != nil {
			return err
		}
		fmt.Printf("Neo4j is up at %s (home %s)\n", srv.URI, srv.Home)
		return nil
	case "stop":
		return devdb.Stop(opts)
	case "status":
		running, uri, err := devdb.Status(opts)
		if err != nil {
			return err
		}
		if running {
			fmt.Printf("running at %s\n", uri)
		} else {
			fmt.Println("not running")
		}
		return nil
	}
	return fmt.Errorf("unknown devdb command %q", args[0])
}

// browseURL is where a browser on this machine finds the server listening
// on addr: its host, or localhost when it listens on every interface.
func browseURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + "/"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// probe is a health check for images without a shell or curl (distroless):
// it succeeds when the URL answers 2xx within 3 seconds.
func probe(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return errors.New("usage: castgraph probe URL")
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, args[0], nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("%s answered %s", args[0], res.Status)
	}
	return nil
}
