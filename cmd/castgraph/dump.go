package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/castgraph/castgraph/store"
)

// dump writes every node and relationship with its provenance to a file (or
// stdout with -) in the dataset format `castgraph load` reads back: a
// backup that, loaded into an empty database, gives the graph it was taken
// from. The file holds personal data; keep it as the database is kept. It
// is written under a temporary name and renamed when complete.
func dump(ctx context.Context, args []string, log *slog.Logger) error {
	fs := flag.NewFlagSet("dump", flag.ContinueOnError)
	quiet := fs.Bool("quiet", false, "no progress output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: castgraph dump [-quiet] FILE.json (- for stdout)")
	}
	path := fs.Arg(0)
	s, err := open(ctx, log)
	if err != nil {
		return err
	}
	defer s.Close(context.Background())

	var w io.Writer = os.Stdout
	var tmp *os.File
	if path != "-" {
		if tmp, err = os.CreateTemp(filepath.Dir(path), ".castgraph-dump-*"); err != nil {
			return err
		}
		defer os.Remove(tmp.Name()) // gone once renamed
		w = tmp
	}
	start := time.Now()
	var progress func(store.DumpStats)
	if !*quiet && path != "-" {
		progress = func(st store.DumpStats) {
			fmt.Fprintf(os.Stderr, "\rdumped %d nodes, %d relationships", st.Nodes, st.Relationships)
		}
	}
	st, err := s.Dump(ctx, w, progress)
	if progress != nil {
		fmt.Fprintln(os.Stderr)
	}
	if err != nil {
		return err
	}
	if tmp != nil {
		if err := tmp.Close(); err != nil {
			return err
		}
		if err := os.Rename(tmp.Name(), path); err != nil {
			return err
		}
	}
	took := time.Since(start)
	log.Info("dumped", "nodes", st.Nodes, "relationships", st.Relationships, "took", took.Round(time.Millisecond),
		"rowsPerSecond", int(float64(st.Nodes+st.Relationships)/max(took.Seconds(), 0.001)), "file", path)
	return nil
}
