// Command compare benchmarks castgraph against the Neo4j GraphQL Library
// (@neo4j/graphql 7 with GraphQL Yoga, the Node.js project in peer/) serving
// an equivalent schema over the same Neo4j, and against the floor: the same
// questions as hand-written Cypher through the Go driver.
//
//	go run ./bench/compare            # the full run: about 20 minutes
//	go run ./bench/compare -smoke     # a few seconds per case, to see that it works
//
// It makes sure the benchmark Neo4j (.neo4j-bench/, Bolt 7688) runs and holds
// the synthetic graph (running `castgraph generate -bench-db` when it does
// not), installs the peer (npm ci), starts castgraph and the peer on free
// loopback ports, checks that all three give the same answers, drives the
// query mix through each at every concurrency, writes a table (markdown and
// CSV) and a chart (SVG) to bench/compare/results/, and stops what it
// started. README.md in this folder says more.
//
// What it must not do: send load anywhere but the loopback interface, run
// unbounded (every run stops at -duration or -max-requests), time a query
// whose answers differ between the systems, or stop a process it did not start.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// config is what the flags say.
type config struct {
	duration    time.Duration
	warmup      time.Duration
	maxRequests int
	concurrency []int
	queries     []string
	systems     []string
	out         string
	label       string
	checkOnly   bool
	verbose     bool
	keepDB      bool
	npm         string
	castgraph   string // URL of a running castgraph /graphql; empty starts one
	token       string // API token sent to castgraph; empty: anonymous
	peer        string // URL of a running peer /graphql; empty starts one
}

const usageText = `usage: go run ./bench/compare [flags]

Benchmarks castgraph, the Neo4j GraphQL Library (peer/) and raw Cypher through
the Go driver (the floor) on the synthetic benchmark graph, after checking that
they give the same answers. Writes compare.md, compare.csv and compare.svg to -out.

Flags:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (*config, error) {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	c := &config{}
	fs.DurationVar(&c.duration, "duration", 20*time.Second, "measured time per query, system and concurrency")
	fs.DurationVar(&c.warmup, "warmup", 3*time.Second, "unmeasured time before each measurement")
	fs.IntVar(&c.maxRequests, "max-requests", 200000, "at most this many requests per measurement (and per warm-up)")
	conc := fs.String("concurrency", "1,8,32", "comma-separated numbers of requests in flight")
	queries := fs.String("queries", strings.Join(queryNames(), ","), "comma-separated queries of the mix to run")
	systems := fs.String("systems", strings.Join(systemNames, ","), "comma-separated systems to measure")
	fs.StringVar(&c.out, "out", "", "folder for compare.md, compare.csv and compare.svg (default bench/compare/results, or results/smoke with -smoke)")
	fs.StringVar(&c.label, "label", "", "a note printed in the title of the table and chart")
	smoke := fs.Bool("smoke", false, "a short run to see that everything works: -duration 2s -warmup 1s, results in results/smoke, labelled as a smoke run")
	fs.BoolVar(&c.checkOnly, "check", false, "only check that the systems give the same answers; measure nothing")
	fs.BoolVar(&c.verbose, "v", false, "print every normalised answer of the check")
	fs.BoolVar(&c.keepDB, "keep-db", false, "leave the benchmark Neo4j running if this run started it")
	fs.StringVar(&c.npm, "npm", "auto", "install the peer's packages: auto (npm ci when package-lock.json changed), ci (always), skip")
	fs.StringVar(&c.token, "castgraph-token", "", "send castgraph this API token (castgraph token create), to measure signed-in requests")
	fs.StringVar(&c.castgraph, "castgraph-url", "", "measure a castgraph already serving this /graphql URL (on the same database) instead of starting one")
	fs.StringVar(&c.peer, "peer-url", "", "measure a peer already serving this /graphql URL instead of starting one")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("compare takes no arguments, got %q", fs.Args())
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *smoke {
		if !set["duration"] {
			c.duration = 2 * time.Second
		}
		if !set["warmup"] {
			c.warmup = time.Second
		}
		if !set["out"] {
			c.out = filepath.Join("bench", "compare", "results", "smoke")
		}
		if !set["label"] {
			c.label = "SMOKE RUN: a few seconds per cell, to see that the harness works; not a measurement"
		}
	}
	if c.out == "" {
		c.out = filepath.Join("bench", "compare", "results")
	}
	if c.duration <= 0 || c.warmup < 0 || c.maxRequests < 1 {
		return nil, errors.New("-duration must be positive, -warmup not negative, -max-requests at least 1")
	}
	for _, s := range splitList(*conc) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 256 {
			return nil, fmt.Errorf("-concurrency: %q is not a number from 1 to 256", s)
		}
		c.concurrency = append(c.concurrency, n)
	}
	c.queries = splitList(*queries)
	for _, q := range c.queries {
		if !slices.Contains(queryNames(), q) {
			return nil, fmt.Errorf("-queries: unknown query %q (known: %s)", q, strings.Join(queryNames(), ", "))
		}
	}
	c.systems = splitList(*systems)
	for _, s := range c.systems {
		if !slices.Contains(systemNames, s) {
			return nil, fmt.Errorf("-systems: unknown system %q (known: %s)", s, strings.Join(systemNames, ", "))
		}
	}
	if len(c.concurrency) == 0 || len(c.queries) == 0 || len(c.systems) == 0 {
		return nil, errors.New("-concurrency, -queries and -systems must each name at least one")
	}
	for _, u := range []string{c.castgraph, c.peer} {
		if u != "" {
			if err := loopbackOnly(u); err != nil {
				return nil, err
			}
		}
	}
	switch c.npm {
	case "auto", "ci", "skip":
	default:
		return nil, fmt.Errorf("-npm must be auto, ci or skip, not %q", c.npm)
	}
	return c, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func run(ctx context.Context, args []string) (err error) {
	cfg, err := parseFlags(args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	if !filepath.IsAbs(cfg.out) {
		cfg.out = filepath.Join(root, cfg.out)
	}
	work, err := os.MkdirTemp("", "castgraph-compare-")
	if err != nil {
		return err
	}
	// The castgraph binary and the servers' logs: kept when something failed.
	defer func() {
		if err != nil {
			logf("the servers' logs are in %s", work)
			return
		}
		_ = os.RemoveAll(work)
	}()

	// The database, and the graph in it.
	db, err := ensureDB(ctx, root)
	if err != nil {
		return err
	}
	if db.started && !cfg.keepDB {
		defer db.stop()
	}
	floor, err := openFloor(ctx, db.conn)
	if err != nil {
		return err
	}
	defer floor.close()
	if err := ensureGraph(ctx, root, db, floor); err != nil {
		return err
	}
	anchors, err := pick(ctx, floor)
	if err != nil {
		return err
	}
	mix := selectQueries(buildMix(anchors), cfg.queries)

	// The servers.
	targets := map[string]target{"floor": floor}
	watch := cpuWatch{neo4j: db.pid, servers: map[string]int{}}
	if slices.Contains(cfg.systems, "castgraph") {
		url := cfg.castgraph
		if url == "" {
			p, u, err := startCastgraph(ctx, root, work, db.conn)
			if err != nil {
				return err
			}
			defer p.stop()
			url = u
			watch.servers["castgraph"] = p.cmd.Process.Pid
		}
		cg := newGraphQLTarget("castgraph", url, cfg.concurrency)
		if cfg.token != "" {
			cg.authorization = "Bearer " + cfg.token
		}
		targets["castgraph"] = cg
	}
	if slices.Contains(cfg.systems, "peer") {
		url := cfg.peer
		if url == "" {
			p, u, err := startPeer(ctx, root, work, db.conn, cfg.npm)
			if err != nil {
				return err
			}
			defer p.stop()
			url = u
			watch.servers["peer"] = p.cmd.Process.Pid
		}
		targets["peer"] = newGraphQLTarget("peer", url, cfg.concurrency)
	}

	// Same answers first.
	checks := checkAnswers(ctx, mix, targets, cfg.systems, cfg.verbose)
	printChecks(checks)
	if cfg.checkOnly {
		if !allAgree(checks) {
			return errors.New("the systems do not give the same answers (see above)")
		}
		return nil
	}

	info := describeMachine(ctx, root, floor)
	rep := &report{cfg: cfg, info: info, checks: checks, mix: mix, started: time.Now()}
	for _, q := range mix {
		if !checks[q.name].agree {
			logf("%s: not timed, the answers differ", q.name)
			continue
		}
		for _, c := range cfg.concurrency {
			for _, s := range cfg.systems {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				res := measure(ctx, targets[s], q, c, cfg, watch)
				if ctx.Err() != nil {
					return ctx.Err()
				}
				logf("%-10s c=%-2d %-9s %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  (%d requests, %d errors)",
					q.name, c, s, res.throughput(), ms(res.p50), ms(res.p99), res.requests, res.errors)
				rep.results = append(rep.results, res)
			}
		}
	}
	rep.finished = time.Now()
	if err := rep.write(); err != nil {
		return err
	}
	logf("wrote %s", filepath.Join(cfg.out, "compare.md"))
	return nil
}

// moduleRoot is the folder of castgraph's go.mod, found upwards from the
// working directory, so the command runs from anywhere in the checkout.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(b), "module github.com/castgraph/castgraph\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run me inside the castgraph checkout (no go.mod of github.com/castgraph/castgraph above the working directory)")
		}
		dir = parent
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}
