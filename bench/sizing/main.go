// Command sizing measures how castgraph's cost grows with the graph: for each
// size (a number of experts; package synth scales every other kind of many
// nodes alike) it starts a Neo4j of its own, loads the synthetic graph of
// that size with the 2024 plan and the demo roster, runs the query
// benchmarks of bench/ and the roster import benchmark against it, and
// records Neo4j's memory settings, its store's size on disk and its peak
// resident memory. It ends with one table: each case's median latency at
// every size and how it grows per 10×.
//
//	go run ./bench/sizing                                 # 10 000, 100 000 and 1 000 000 experts
//	go run ./bench/sizing -sizes 10000,100000 -benchtime 20x
//
// Run it from the checkout's root. Each size has its own Neo4j home,
// .neo4j-size-N/ beside .neo4j/, kept afterwards: a later run finds the graph
// there and does not load it again (remove the folder, server stopped, to
// start afresh). Only one of these servers runs at a time, on -port.
// README.md in this folder gives the figures of the last full run.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/castgraph/castgraph/devdb"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// queryBenchmarks are the benchmarks of bench/bench_test.go measured at every
// size: all of the analyst questions, lists, nesting, the relationship
// filter and lookups.
const queryBenchmarks = `^Benchmark(Q[1-8]_|List_|Nested_|RelationshipFilter|LookupByID)`

// size is one graph of the curve and what was measured on it.
type size struct {
	experts   int
	heap      string // Neo4j's heap
	pageCache string // Neo4j's page cache
	home      string

	nodes, relationships int64
	loadRowsPerSec       float64 // castgraph generate, into an empty database
	loadedStoreBytes     int64   // data/databases/neo4j on disk right after the load
	storeBytes           int64   // the same at the end (deleted data leaves its space)
	peakRSS              int64   // the Neo4j process's peak resident memory (VmHWM)
	importRowsPerSec     float64 // a roster imported into the graph
	p50, p99             map[string]float64
	order                []string // benchmark cases in the order they ran
}

func main() {
	sizes := flag.String("sizes", "10000,100000,1000000", "graph sizes in experts, comma-separated")
	port := flag.Int("port", 7690, "Bolt port of the sizing Neo4j (one runs at a time)")
	heap := flag.String("heap", "4g", "Neo4j heap at every size")
	pageCache := flag.String("pagecache", "", "Neo4j page cache at every size; empty: 1g for each 100 000 experts begun (at least 1g), enough to cache the whole store")
	benchtime := flag.String("benchtime", "50x", "go test -benchtime of the query benchmarks")
	importRows := flag.Int("import-rows", 20000, "rows of the roster imported into each graph")
	out := flag.String("out", "", "also write the table (markdown) to this file")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *sizes, *port, *heap, *pageCache, *benchtime, *importRows, *out); err != nil {
		fmt.Fprintln(os.Stderr, "sizing:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, sizeList string, port int, heap, pageCache, benchtime string, importRows int, out string) error {
	if _, err := os.Stat("go.mod"); err != nil {
		return errors.New("run it from the checkout's root (where go.mod is)")
	}
	var all []*size
	for _, f := range strings.Split(sizeList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("-sizes: %q is not a number of experts", f)
		}
		pc := pageCache
		if pc == "" {
			pc = fmt.Sprintf("%dg", max(1, (n+99999)/100000))
		}
		all = append(all, &size{experts: n, heap: heap, pageCache: pc,
			home: filepath.Join(filepath.Dir(devdb.DefaultHome()), fmt.Sprintf(".neo4j-size-%d", n))})
	}
	bin, err := os.MkdirTemp("", "castgraph-sizing-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(bin)
	castgraph := filepath.Join(bin, "castgraph")
	if err := command(ctx, nil, "go", "build", "-o", castgraph, "./cmd/castgraph").Run(); err != nil {
		return fmt.Errorf("building castgraph: %w", err)
	}
	for _, s := range all {
		if err := measure(ctx, s, castgraph, port, benchtime, importRows); err != nil {
			return fmt.Errorf("%d experts: %w", s.experts, err)
		}
	}
	table := report(all)
	fmt.Print(table)
	if out != "" {
		return os.WriteFile(out, []byte(table), 0o644)
	}
	return nil
}

// measure loads one size (unless its home holds it already) and runs the
// benchmarks on it, stopping its Neo4j at the end.
func measure(ctx context.Context, s *size, castgraph string, port int, benchtime string, importRows int) error {
	env := []string{
		"CASTGRAPH_NEO4J_HOME=" + s.home,
		"CASTGRAPH_BOLT_PORT=" + strconv.Itoa(port),
		"CASTGRAPH_NEO4J_HEAP=" + s.heap,
		"CASTGRAPH_NEO4J_PAGECACHE=" + s.pageCache,
		"NEO4J_URI=", // the sizing Neo4j, never one named elsewhere
	}
	opts := devdb.Options{Home: s.home, BoltPort: port, HeapSize: s.heap, PageCacheSize: s.pageCache, Log: os.Stderr}
	// A server left running with other settings is stopped first, so that
	// the figures are those of the settings reported.
	if err := devdb.Stop(opts); err != nil {
		return err
	}
	srv, err := devdb.Ensure(ctx, opts)
	if err != nil {
		return err
	}
	defer func() {
		if err := devdb.Stop(opts); err != nil {
			fmt.Fprintln(os.Stderr, "sizing:", err)
		}
	}()
	fmt.Fprintf(os.Stderr, "\n== %d experts: Neo4j heap %s, page cache %s, home %s\n", s.experts, s.heap, s.pageCache, s.home)

	driver, err := neo4j.NewDriverWithContext(srv.URI, neo4j.BasicAuth(srv.User, srv.Password, ""))
	if err != nil {
		return err
	}
	defer driver.Close(ctx)
	loaded, err := holdsGraph(ctx, driver, s.experts)
	if err != nil {
		return err
	}
	// What an earlier run's import benchmark left (or an interrupted one):
	// the graph is measured at its own size.
	if err := forgetImported(ctx, driver); err != nil {
		return err
	}
	if !loaded {
		var buf bytes.Buffer
		gen := command(ctx, env, castgraph, "generate", "-size", strconv.Itoa(s.experts))
		gen.Stdout = io.MultiWriter(os.Stdout, &buf)
		if err := gen.Run(); err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		// "… in 227 batches of 5000 rows, 61.2 s, 18524 rows/s"
		if m := regexp.MustCompile(`([0-9.]+) rows/s`).FindStringSubmatch(buf.String()); m != nil {
			s.loadRowsPerSec, _ = strconv.ParseFloat(m[1], 64)
		}
		if err := command(ctx, env, castgraph, "load", "-demo").Run(); err != nil {
			return fmt.Errorf("load -demo: %w", err)
		}
		s.loadedStoreBytes = dirSize(filepath.Join(s.home, "data", "databases", "neo4j"))
	} else {
		fmt.Fprintln(os.Stderr, "the graph is there already: not loaded again (no load figure this run)")
	}

	var buf bytes.Buffer
	bench := command(ctx, append(env,
		"CASTGRAPH_BENCH_NEO4J_URI="+srv.URI, "CASTGRAPH_BENCH_NEO4J_USER="+srv.User, "CASTGRAPH_BENCH_NEO4J_PASSWORD="+srv.Password),
		"go", "test", "-run", "^$", "-bench", queryBenchmarks, "-benchtime", benchtime, "-timeout", "60m", "./bench/")
	bench.Stdout, bench.Stderr = io.MultiWriter(os.Stdout, &buf), io.MultiWriter(os.Stderr, &buf)
	if err := bench.Run(); err != nil {
		return fmt.Errorf("the query benchmarks: %w", err)
	}
	s.p50, s.p99, s.order = parseBench(buf.String())
	if m := regexp.MustCompile(`benchmark graph: (\d+) nodes, (\d+) relationships`).FindStringSubmatch(buf.String()); m != nil {
		s.nodes, _ = strconv.ParseInt(m[1], 10, 64)
		s.relationships, _ = strconv.ParseInt(m[2], 10, 64)
	}

	// The import benchmark opens the Neo4j of CASTGRAPH_NEO4J_HOME and
	// CASTGRAPH_BOLT_PORT: this one, already running with this size's
	// settings. What it writes is taken out afterwards.
	buf.Reset()
	imp := command(ctx, append(env, "CASTGRAPH_IMPORT_BENCH_ROWS="+strconv.Itoa(importRows),
		"CASTGRAPH_IMPORT_BENCH_SAMPLE="+strconv.Itoa(max(1000, importRows/4))),
		"go", "test", "-run", "^$", "-bench", "^BenchmarkImport_ExpertRoster$", "-benchtime", "1x", "-timeout", "60m", "./bench/")
	imp.Stdout, imp.Stderr = io.MultiWriter(os.Stdout, &buf), io.MultiWriter(os.Stderr, &buf)
	if err := imp.Run(); err != nil {
		return fmt.Errorf("the import benchmark: %w", err)
	}
	if m := regexp.MustCompile(`\s([0-9.]+) rows/s`).FindStringSubmatch(buf.String()); m != nil {
		s.importRowsPerSec, _ = strconv.ParseFloat(m[1], 64)
	}
	if err := forgetImported(ctx, driver); err != nil {
		return err
	}

	s.storeBytes = dirSize(filepath.Join(s.home, "data", "databases", "neo4j"))
	s.peakRSS = peakRSS(srv.Pid)
	return nil
}

// holdsGraph tells whether the database holds the synthetic graph of this
// size (its last expert) with the plan loaded on top.
func holdsGraph(ctx context.Context, driver neo4j.DriverWithContext, experts int) (bool, error) {
	res, err := neo4j.ExecuteQuery(ctx, driver,
		`RETURN EXISTS { (:Expert {id: $last}) } AND EXISTS { (:PlanItem)-[:LAUNCHES]->() } AS loaded`,
		map[string]any{"last": fmt.Sprintf("expert/synth-1-%06d", experts)}, neo4j.EagerResultTransformer)
	if err != nil {
		return false, err
	}
	v, _ := res.Records[0].Get("loaded")
	return v == true, nil
}

// forgetImported deletes what the roster import benchmark writes (its
// experts, employers and societies, named by bench/import_bench_test.go
// with prefixes no other data uses), in batches, so that every run measures
// the graph of its size and nothing more.
func forgetImported(ctx context.Context, driver neo4j.DriverWithContext) error {
	session := driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeWrite})
	defer session.Close(ctx)
	// CALL … IN TRANSACTIONS needs an auto-commit transaction: session.Run.
	res, err := session.Run(ctx, `MATCH (n:Entity)
		WHERE (n:Expert AND n.name STARTS WITH '示例专家') OR (n:Enterprise AND n.name STARTS WITH '示例单位')
		   OR (n:Society AND n.name STARTS WITH '基准示例学会')
		CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS`, nil)
	if err != nil {
		return fmt.Errorf("deleting the import benchmark's nodes: %w", err)
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		return fmt.Errorf("deleting the import benchmark's nodes: %w", err)
	}
	if n := sum.Counters().NodesDeleted(); n > 0 {
		fmt.Fprintf(os.Stderr, "deleted %d nodes the import benchmark wrote\n", n)
	}
	return nil
}

// benchLine is a line of go test -bench output with castgraph's metrics:
// "BenchmarkQ1_ExpertsServingCluster/hub-cluster-2  50  4634567 ns/op  4.60 p50-ms  10.9 p99-ms".
var benchLine = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+.*?([0-9.]+) p50-ms\s+([0-9.]+) p99-ms`)

func parseBench(out string) (p50, p99 map[string]float64, order []string) {
	p50, p99 = map[string]float64{}, map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		if _, seen := p50[m[1]]; !seen {
			order = append(order, m[1])
		}
		p50[m[1]], _ = strconv.ParseFloat(m[2], 64)
		p99[m[1]], _ = strconv.ParseFloat(m[3], 64)
	}
	return p50, p99, order
}

func dirSize(dir string) int64 {
	var total int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return total
}

// peakRSS is a process's peak resident memory from /proc (Linux), 0 when
// it cannot be read.
func peakRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// report is the markdown table of every size: the graph and Neo4j's
// memory, then each case's p50 (and p99) at each size and the growth of the
// p50 per 10× (from each size to the next, scaled to a factor of ten).
func report(all []*size) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s, %s\n\n", time.Now().UTC().Format("2006-01-02"), machine())
	b.WriteString("| experts | nodes | relationships | load rows/s | import rows/s | Neo4j heap | page cache | store after the load | store at the end | Neo4j peak RSS |\n")
	b.WriteString("| ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: |\n")
	for _, s := range all {
		load := "–"
		if s.loadRowsPerSec > 0 {
			load = fmt.Sprintf("%.0f", s.loadRowsPerSec)
		}
		fmt.Fprintf(&b, "| %d | %d | %d | %s | %.0f | %s | %s | %s | %s | %s |\n", s.experts, s.nodes, s.relationships, load,
			s.importRowsPerSec, s.heap, s.pageCache, mib(s.loadedStoreBytes), mib(s.storeBytes), mib(s.peakRSS))
	}
	b.WriteString("\n| case |")
	for _, s := range all {
		fmt.Fprintf(&b, " p50 ms %s | p99 ms %s |", short(s.experts), short(s.experts))
	}
	for i := 1; i < len(all); i++ {
		fmt.Fprintf(&b, " p50 × per 10× (%s→%s) |", short(all[i-1].experts), short(all[i].experts))
	}
	b.WriteString("\n| --- |" + strings.Repeat(" ---: |", 2*len(all)+max(0, len(all)-1)) + "\n")
	var cases []string
	for _, s := range all {
		for _, c := range s.order {
			if !slices.Contains(cases, c) {
				cases = append(cases, c)
			}
		}
	}
	for _, c := range cases {
		fmt.Fprintf(&b, "| %s |", c)
		for _, s := range all {
			fmt.Fprintf(&b, " %s | %s |", num(s.p50, c), num(s.p99, c))
		}
		for i := 1; i < len(all); i++ {
			fmt.Fprintf(&b, " %s |", growth(all[i-1], all[i], c))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// growth is the p50's factor from one size to the next, normalised to a
// factor of ten in size (the sizes are usually ten apart).
func growth(a, b *size, c string) string {
	pa, oka := a.p50[c]
	pb, okb := b.p50[c]
	if !oka || !okb || pa == 0 {
		return "–"
	}
	ratio := pb / pa
	if step := float64(b.experts) / float64(a.experts); step != 10 {
		ratio = math.Pow(ratio, 1/math.Log10(step))
	}
	return fmt.Sprintf("%.2f", ratio)
}

func num(m map[string]float64, c string) string {
	if v, ok := m[c]; ok {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return "–"
}

func short(n int) string {
	switch {
	case n%1000000 == 0:
		return fmt.Sprintf("%dM", n/1000000)
	case n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return strconv.Itoa(n)
}

func mib(n int64) string {
	if n == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}

func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		if m := regexp.MustCompile(`model name\s*:\s*(.+)`).FindSubmatch(b); m != nil {
			cpu = string(m[1])
		}
	}
	return fmt.Sprintf("%s, %d cores as Go sees them", cpu, runtime.NumCPU())
}

func command(ctx context.Context, env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd
}
