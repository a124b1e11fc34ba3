package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/roster"
	"github.com/castgraph/castgraph/store"
)

const loadUsage = `usage: castgraph load [-demo | -seed] [-batch 5000] [-quiet] [FILE.json ...]

Loads datasets (data/README.md has the format; castgraph dump writes it).

-seed loads the 2024 plan with Jiangsu's divisions, -demo those and the demo roster: they are small,
refer to each other and go in one transaction, all or nothing, before the files.

Each FILE (- for standard input) is read as a stream and written in transactions of -batch rows
(nodes and relationships), so memory stays flat however big the file. The files load one after
another in the order given. A relationship may refer to the nodes of its own file if they come
before it or in the same batch (a dump writes all nodes first), to those of an earlier file, and to
nodes in the graph; any other is an error naming it.

Every committed batch stays committed: a load that stops (an error, Ctrl-C) leaves the batches before
the stop written and the rest not. Run the same command again (with the file fixed, if it was wrong):
a load merges, so what is written already is met again, not written twice.

flags:
`

// load runs `castgraph load`: the embedded datasets -seed or -demo choose in
// one transaction, then each file as a stream in batches (loadFile).
func load(ctx context.Context, args []string, log *slog.Logger) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), loadUsage)
		fs.PrintDefaults()
	}
	embedded := embeddedFlags(fs)
	batch := fs.Int("batch", store.DefaultBatchSize, "rows (nodes + relationships) per transaction")
	quiet := fs.Bool("quiet", false, "no progress output")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *batch < 1 {
		return errors.New("-batch must be at least 1")
	}
	d, err := embedded()
	if err != nil {
		return err
	}
	files := fs.Args()
	if d == nil && len(files) == 0 {
		fs.Usage()
		return errors.New("nothing to load: give -demo, -seed or dataset files")
	}
	s, err := open(ctx, log)
	if err != nil {
		return err
	}
	defer s.Close(context.Background())
	if d != nil {
		if err := loadDataset(ctx, s, d, log); err != nil {
			return err
		}
	}
	for _, name := range files {
		if err := loadFile(ctx, s, name, *batch, !*quiet, log); err != nil {
			return err
		}
	}
	return nil
}

// loadFile streams one dataset file into the graph with store.LoadBatches.
// As loadDataset does, each part first lets nodes that an older build keyed
// another way take the key the part gives them (store.AdoptKeys).
func loadFile(ctx context.Context, s *store.Store, name string, batch int, progress bool, log *slog.Logger) error {
	in := &countingReader{r: os.Stdin}
	size := int64(-1)
	if name == "-" {
		name = "standard input"
	} else {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in.r = f
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	}
	var readErr error // the stream's own error, which names the file already
	rekeyed := 0
	parts := func(yield func(*castgraph.Dataset, error) bool) {
		for part, err := range castgraph.StreamDataset(in, name, batch) {
			if err != nil {
				readErr = err
				yield(nil, err)
				return
			}
			n, err := s.AdoptKeys(ctx, part)
			if err != nil {
				yield(nil, err)
				return
			}
			rekeyed += n
			if !yield(part, nil) {
				return
			}
		}
	}
	opts := store.LoadOptions{BatchSize: batch}
	start := time.Now()
	var p *roster.ProgressPrinter
	if progress {
		p = roster.NewProgressPrinter(os.Stderr, "load "+name, 0)
		opts.Progress = func(st store.LoadStats) {
			fraction := -1.0
			if size > 0 {
				fraction = min(float64(in.n)/float64(size), 1)
			}
			p.Update(roster.Progress{Rows: st.Rows(), OK: st.Rows(), Fraction: fraction, Elapsed: time.Since(start), Pass: 1})
		}
	}
	stats, err := s.LoadBatches(ctx, parts, opts)
	if p != nil {
		p.Done()
	}
	if rekeyed > 0 {
		log.Info("nodes re-keyed for the dataset", "file", name, "nodes", rekeyed)
	}
	if err != nil {
		if err != readErr {
			err = inFile(name, err)
		}
		if stats.Batches > 0 {
			log.Warn("the load stopped; the batches before it are written: run it again to finish", "file", name,
				"batches", stats.Batches, "nodes", stats.Nodes, "relationships", stats.Relationships)
		}
		return err
	}
	log.Info("dataset loaded", "file", name, "nodes", stats.Nodes, "relationships", stats.Relationships,
		"created", stats.NodesCreated+stats.RelationshipsCreated, "batches", stats.Batches, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// inFile puts the file's name before an error's message, keeping a domain
// error one.
func inFile(name string, err error) error {
	var e *castgraph.Error
	if errors.As(err, &e) {
		return castgraph.Errorf(e.Code, e.Field, "%s: %s", name, e.Message)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// countingReader counts the bytes read through it, for the progress of a
// load: the share of the file read so far.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
