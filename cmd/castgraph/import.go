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
	"strings"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/roster"
	"github.com/castgraph/castgraph/store"
)

const importUsage = `usage: castgraph import [flags] FILE

Imports a roster (CSV, TSV, XLSX or JSON Lines; UTF-8, UTF-16 or GB18030/GBK)
of experts, society members, enterprises, overseas-station contacts or
expert-to-enterprise services, or of reference data: societies, parks,
overseas stations, institutions, industry clusters and chains, programs,
regions. Rows are validated, resolved and merged on natural keys in batched
write transactions: re-running a file changes nothing, and an interrupted
import is finished by running it again. Reference data a row names must
exist unless -create-missing names its kind; then it is created and marked
needsReview. roster/README.md lists the headers and the report's codes.

flags (one dash or two):
`

// importCommand runs `castgraph import`; it returns an error when the import
// fails or any row is rejected, so that scripts notice.
func importCommand(ctx context.Context, args []string, log *slog.Logger) error {
	return runImport(ctx, args, os.Stdout, os.Stderr, func(ctx context.Context) (*store.Store, error) { return open(ctx, log) })
}

// runImport is importCommand with its outputs and store given, for tests.
func runImport(ctx context.Context, args []string, stdout io.Writer, stderr *os.File, openStore func(context.Context) (*store.Store, error)) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), importUsage)
		fs.PrintDefaults()
	}
	var kind string
	fs.StringVar(&kind, "kind", "", "roster kind: experts, members, enterprises, liaisons, services, societies, parks, stations, institutions, clusters, chains, programs, regions (default: detected from the headers)")
	fs.StringVar(&kind, "type", "", "the same as -kind")
	format := fs.String("format", "", "csv, tsv, xlsx or jsonl (default: from the file name)")
	sheet := fs.String("sheet", "", "XLSX: the sheet to read (default: the first visible one)")
	encoding := fs.String("encoding", "auto", "text files: auto, utf-8, utf-16, gb18030 or gbk")
	mapping := fs.String("mapping", "", "a JSON or YAML file mapping column headers to fields")
	dryRun := fs.Bool("dry-run", false, "validate and resolve every row, write nothing")
	strict := fs.Bool("strict", false, "write nothing unless every row is good and every column is read (a column no field takes is an error)")
	report := fs.String("report", "", "write the report here: FILE.json (everything) or FILE.csv (row, column, code, severity, message); - for JSON on stdout")
	batch := fs.Int("batch", roster.DefaultBatchSize, "roster rows per transaction")
	source := fs.String("source", "", "the file's name in provenance (default: its base name)")
	quiet := fs.Bool("quiet", false, "no progress output")
	createMissing := fs.String("create-missing", "", "create the reference data rows name and the graph lacks, marked needsReview: a comma list of societies, associations, institutions, parks, stations, clusters, chains, regions, or all")
	maxCreated := fs.Int("max-created", roster.DefaultMaxCreated, "-create-missing creates at most this many nodes; rows that would create more are rejected (CREATE_LIMIT)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("import takes one file")
	}
	name := fs.Arg(0)
	opts := roster.Options{Sheet: *sheet, Encoding: *encoding, DryRun: *dryRun, Strict: *strict, BatchSize: *batch, Source: *source}
	var err error
	if opts.Kind, err = roster.ParseKind(kind); err != nil {
		return err
	}
	if opts.Format, err = roster.ParseFormat(*format); err != nil {
		return err
	}
	if opts.CreateMissing, err = roster.ParseCreateMissing(*createMissing); err != nil {
		return err
	}
	if *maxCreated < 1 {
		return castgraph.Errorf(castgraph.EINVALID, "max-created", "-max-created must be at least 1")
	}
	opts.MaxCreated = *maxCreated
	if _, err := roster.ParseEncoding(*encoding); err != nil {
		return err
	}
	if *mapping != "" {
		mf, err := os.Open(*mapping)
		if err != nil {
			return err
		}
		opts.Mapping, err = roster.ReadMapping(mf, *mapping)
		mf.Close()
		if err != nil {
			return err
		}
	}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	s, err := openStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close(context.Background())

	if !*quiet {
		p := roster.NewProgressPrinter(stderr, filepath.Base(name), 0)
		opts.Progress = p.Update
		defer p.Done()
	}
	rep, importErr := roster.Import(ctx, s, roster.File{Name: name, R: f, Size: fi.Size()}, opts)
	summaryTo := stdout
	if *report == "-" {
		summaryTo = stderr
	}
	if opts.Progress != nil {
		fmt.Fprintln(stderr)
	}
	if rep != nil {
		fmt.Fprint(summaryTo, rep.Summary())
		if err := writeReport(rep, *report, stdout); err != nil {
			return err
		}
	}
	if importErr != nil {
		return importErr
	}
	if rep.RowsRejected > 0 {
		return castgraph.Errorf(castgraph.EINVALID, "", "%d of %d rows were rejected; the report says why", rep.RowsRejected, rep.RowsRead)
	}
	return nil
}

func writeReport(rep *roster.Report, to string, stdout io.Writer) error {
	if to == "" {
		return nil
	}
	if to == "-" {
		return rep.WriteJSON(stdout)
	}
	f, err := os.Create(to)
	if err != nil {
		return err
	}
	if strings.EqualFold(filepath.Ext(to), ".json") {
		err = rep.WriteJSON(f)
	} else {
		err = rep.WriteCSV(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
