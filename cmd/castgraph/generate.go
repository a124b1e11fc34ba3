package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/castgraph/castgraph/devdb"
	"github.com/castgraph/castgraph/roster"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/synth"
)

// The benchmark Neo4j that `generate -bench-db` uses: its own home and port,
// so the big graph never lands in the database the tests share.
const (
	benchHomeName  = ".neo4j-bench"
	benchBoltPort  = 7688
	benchHeap      = "4g"
	benchPageCache = "2g"
)

const generateUsage = `usage: castgraph generate [-bench-db] [-seed 1] [-size EXPERTS] [-experts 100000] [-enterprises 30000] [-societies 1000]
       [-parks 300] [-institutions 500] [-stations 200] [-programs 300] [-clusters 16] [-chains 50]
       [-cities 20] [-countries 12] [-batch N] [-count]

Loads the synthetic graph of package synth (deterministic from the seed) through store.LoadBatches.
-size N scales the default graph to N experts: every kind of many nodes grows in proportion (-size
1000000: 300 000 enterprises, about 10 million relationships); clusters, chains, cities and countries
stay; the other flags then change single counts.
-bench-db uses the benchmark Neo4j in .neo4j-bench/ beside .neo4j/ on Bolt port 7688 (heap 4g and
page cache 2g unless CASTGRAPH_NEO4J_HEAP / CASTGRAPH_NEO4J_PAGECACHE say otherwise), starting it
when needed; without it the Neo4j of NEO4J_URI or the local development one is used.
`

func generate(ctx context.Context, args []string, log *slog.Logger) error {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), generateUsage) }
	o := synth.DefaultOptions()
	if size, ok := sizeArg(args); ok {
		o = synth.Sized(o.Seed, size)
	}
	fs.Uint64Var(&o.Seed, "seed", o.Seed, "random seed")
	size := fs.Int("size", o.Experts, "scale every kind of many nodes to this many experts (read before the other flags)")
	for _, f := range []struct {
		p    *int
		name string
	}{
		{&o.Experts, "experts"}, {&o.Enterprises, "enterprises"}, {&o.Societies, "societies"}, {&o.Parks, "parks"},
		{&o.Institutions, "institutions"}, {&o.Stations, "stations"}, {&o.Programs, "programs"},
		{&o.Clusters, "clusters"}, {&o.Chains, "chains"}, {&o.Cities, "cities"}, {&o.Countries, "countries"},
	} {
		fs.IntVar(f.p, f.name, *f.p, "number of "+f.name)
	}
	batch := fs.Int("batch", store.DefaultBatchSize, "rows (nodes + relationships) per transaction")
	bench := fs.Bool("bench-db", false, "load into the benchmark Neo4j (.neo4j-bench/, port 7688)")
	countOnly := fs.Bool("count", false, "only count the rows the options give; load nothing")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("generate takes no arguments, got %q", fs.Args())
	}
	if *size < 1 {
		return errors.New("-size must be at least 1")
	}
	if *batch < 1 {
		return errors.New("-batch must be at least 1")
	}
	g, err := synth.New(o)
	if err != nil {
		return err
	}
	nodes, rels := g.Count()
	if *countOnly {
		fmt.Printf("seed %d: %d nodes, %d relationships\n", o.Seed, nodes, rels)
		return nil
	}
	if *bench {
		if err := useBenchDB(); err != nil {
			return err
		}
	}
	s, err := open(ctx, log)
	if err != nil {
		return err
	}
	defer s.Close(context.Background())

	p := roster.NewProgressPrinter(os.Stderr, "generate", 0)
	start := time.Now()
	total := nodes + rels
	progress := func(st store.LoadStats) {
		p.Update(roster.Progress{Rows: st.Rows(), OK: st.Rows(), Fraction: float64(st.Rows()) / float64(max(total, 1)), Elapsed: time.Since(start), Pass: 1})
	}
	stats, err := s.LoadBatches(ctx, g.Datasets(*batch), store.LoadOptions{BatchSize: *batch, Progress: progress})
	p.Done()
	if err != nil {
		return err
	}
	took := time.Since(start).Seconds()
	fmt.Printf("%s: %d nodes and %d relationships (%d and %d new) in %d batches of %d rows, %.1f s, %.0f rows/s\n",
		g.Source(), stats.Nodes, stats.Relationships, stats.NodesCreated, stats.RelationshipsCreated,
		stats.Batches, *batch, took, float64(stats.Rows())/took)
	return nil
}

// sizeArg finds -size N among the arguments before the flag set parses
// them, since it sets the defaults that the other count flags then change.
// A malformed value is left for the flag set to report.
func sizeArg(args []string) (int, bool) {
	for i, a := range args {
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if a == name || name != "size" {
			continue
		}
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		n, err := strconv.Atoi(value)
		return n, err == nil && n > 0
	}
	return 0, false
}

// useBenchDB points neo4jenv at the benchmark Neo4j through the variables
// devdb reads, so generate opens it the way every command opens a database.
func useBenchDB() error {
	if os.Getenv("NEO4J_URI") != "" {
		return errors.New("-bench-db starts a local Neo4j; it cannot be combined with NEO4J_URI")
	}
	home := filepath.Join(filepath.Dir(devdb.DefaultHome()), benchHomeName)
	if err := os.Setenv("CASTGRAPH_NEO4J_HOME", home); err != nil {
		return err
	}
	if err := os.Setenv("CASTGRAPH_BOLT_PORT", strconv.Itoa(benchBoltPort)); err != nil {
		return err
	}
	for name, size := range map[string]string{"CASTGRAPH_NEO4J_HEAP": benchHeap, "CASTGRAPH_NEO4J_PAGECACHE": benchPageCache} {
		if os.Getenv(name) == "" {
			if err := os.Setenv(name, size); err != nil {
				return err
			}
		}
	}
	return nil
}
