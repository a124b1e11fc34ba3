package roster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
)

// DefaultBatchSize is Options.BatchSize when none is given: roster rows per
// transaction. On the benchmark roster (one node and three relationships a
// row, bench/import_bench_test.go) 500, 1 000 and 2 000 rows ran at the same
// speed within noise, and 5 000 and 10 000 slower (roster/README.md has the
// figures); 1 000 is the middle of the fast range, and a failed or retried
// batch costs little.
const DefaultBatchSize = 1000

// Options tune an import.
type Options struct {
	// Kind is the roster kind; empty means detect it from the headers.
	Kind Kind
	// Format is the file format; empty means from the file name.
	Format Format
	// Sheet is the XLSX sheet to read; empty means the first visible one.
	Sheet string
	// Encoding of text formats; empty means detect (BOM, then UTF-8 if the
	// whole file is valid UTF-8, else GB18030).
	Encoding string
	// Mapping overrides the built-in headers.
	Mapping Mapping
	// DryRun validates and resolves every row against the graph, and
	// writes nothing.
	DryRun bool
	// Strict writes nothing unless every row is good: the file is checked
	// whole first (as a dry run), then written.
	Strict bool
	// BatchSize is the most roster rows one transaction writes; a row is
	// never split between transactions. 0 means DefaultBatchSize.
	BatchSize int
	// Source names the file in provenance ("roster NAME, row N"); empty
	// means the file's base name.
	Source string
	// Progress, when set, is called after every batch.
	Progress func(Progress)
	// Limits bound what reading the file may cost; zero fields mean the
	// defaults (DefaultLimits).
	Limits Limits
	// CreateMissing lists the kinds of reference data (societies, parks,
	// regions …; ParseCreateMissing reads the command's list) that rows may
	// name without the graph having them: such a node is created, marked
	// needsReview, and reported in Report.Created, not as an error.
	CreateMissing []castgraph.Kind
	// MaxCreated bounds the nodes CreateMissing creates in one import; the
	// rows that would create more are rejected (CREATE_LIMIT). 0 means
	// DefaultMaxCreated.
	MaxCreated int
	// SuggestBudget bounds the time an import spends looking for the
	// names a missing reference may have meant (did you mean …?); 0
	// means DefaultSuggestBudget.
	SuggestBudget time.Duration
}

// Progress is how far an import has come.
type Progress struct {
	Rows     int     // rows read so far
	OK       int     // rows written (or, in a dry run, found good)
	Fraction float64 // of the input read, 0–1, or -1 when unknown
	Elapsed  time.Duration
	// Pass is 1, or 2 for the writing pass of a strict import.
	Pass int
}

// File is a roster to import: its name (for the format, the report and
// provenance), its bytes and their size. An *os.File is read in place.
type File struct {
	Name string
	R    io.ReadSeeker
	Size int64
}

// importer is one import run.
type importer struct {
	st    *store.Store
	opts  Options
	in    *input
	rep   *Report
	cache map[string]resolution
	start time.Time
	// created counts the nodes made for review so far (written, or in a
	// dry run planned); reviewed are their kind|key, so that a later batch
	// of a dry run does not count one twice. suggested counts the names
	// looked up for did-you-mean, suggestTime the time its queries took.
	// defined are the subjects of a reference roster's earlier batches
	// (kind|key, at most maxDefined), which later rows may name before a
	// dry run has them in the graph.
	created     int
	reviewed    map[string]bool
	suggested   int
	suggestTime time.Duration
	defined     map[string]bool
}

// Import reads a roster and writes it to the graph (or only checks it, in a
// dry run). It returns the report also when it fails part-way: batches
// committed before the failure stay, and running the same file again
// finishes the job without duplicating anything. The error is a
// *castgraph.Error for bad input (unknown format, no header, a required
// column missing) and for a cancelled import.
func Import(ctx context.Context, st *store.Store, f File, opts Options) (*Report, error) {
	start := time.Now()
	rep := newReport()
	rep.File = f.Name
	rep.DryRun, rep.Strict = opts.DryRun, opts.Strict
	rep.Source = opts.Source
	if rep.Source == "" {
		rep.Source = filepath.Base(f.Name)
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	in := &input{name: f.Name, r: f.R, size: f.Size, format: opts.Format, sheet: opts.Sheet, limits: opts.Limits}
	fail := func(err error) (*Report, error) {
		rep.Error = err.Error()
		rep.finish(time.Since(start))
		return rep, err
	}
	if in.format == "" {
		var ok bool
		if in.format, ok = FormatOf(f.Name); !ok {
			return fail(castgraph.Errorf(castgraph.EINVALID, "format", "cannot tell the format of %q from its name: give the format (csv, tsv, xlsx or jsonl)", f.Name))
		}
	}
	rep.Format = in.format
	if in.format != XLSX {
		enc, err := ParseEncoding(opts.Encoding)
		if err != nil {
			return fail(err)
		}
		if enc == "" {
			if enc, err = DetectEncoding(f.R); err != nil {
				return fail(fmt.Errorf("reading %s: %w", f.Name, err))
			}
		}
		in.encoding = enc
		rep.Encoding = enc
	}
	im := newImporter(st, opts, in, rep, start)
	if opts.Strict && !opts.DryRun {
		// Pass 1: the whole file, checked against the graph.
		check := newImporter(st, opts, in, newReport(), start)
		check.opts.DryRun = true
		cr := check.rep
		cr.File, cr.Source = f.Name, rep.Source
		err := check.run(ctx, 1)
		cr.DryRun, cr.Strict, cr.Written = false, true, false
		if err != nil {
			cr.Error = err.Error()
			cr.finish(time.Since(start))
			return cr, err
		}
		if cr.RowsRejected > 0 {
			cr.Complete = true
			cr.errorf(0, "", CodeStrictRejection, "strict import: %d of %d rows are bad, so nothing was written", cr.RowsRejected, cr.RowsRead)
			cr.finish(time.Since(start))
			return cr, nil
		}
	}
	pass := 1
	if opts.Strict && !opts.DryRun {
		pass = 2
	}
	if err := im.run(ctx, pass); err != nil {
		return fail(err)
	}
	rep.Complete = true
	rep.finish(time.Since(start))
	return rep, nil
}

func newImporter(st *store.Store, opts Options, in *input, rep *Report, start time.Time) *importer {
	return &importer{st: st, opts: opts, in: in, rep: rep, cache: map[string]resolution{}, start: start,
		reviewed: map[string]bool{}, defined: map[string]bool{}}
}

// batchOf is a batch of plans with the count of rows read up to its end.
type batchOf struct {
	plans    []*plan
	rowsRead int
	fraction float64
}

// run reads the file once: a goroutine reads, validates and groups rows into
// batches of whole rows while this one resolves and writes them, each batch
// in one transaction.
func (im *importer) run(ctx context.Context, pass int) error {
	rep := im.rep
	rows, err := openRows(im.in)
	if err != nil {
		return err
	}
	defer rows.Close()
	rep.Sheet = im.in.sheet
	rep.Format = im.in.format
	rep.Encoding = im.in.encoding
	rep.File = im.in.name
	rep.DryRun = im.opts.DryRun
	rep.Strict = im.opts.Strict
	rep.Written = !im.opts.DryRun

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan batchOf, 2)
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		readErr <- im.read(ctx, rows, batches)
	}()
	for b := range batches {
		if err := ctx.Err(); err != nil {
			break
		}
		if err := im.batch(ctx, b); err != nil {
			cancel()
			for range batches {
			}
			<-readErr
			return err
		}
		if im.opts.Progress != nil {
			im.opts.Progress(Progress{Rows: b.rowsRead, OK: rep.RowsOK, Fraction: b.fraction, Elapsed: time.Since(im.start), Pass: pass})
		}
	}
	if err := <-readErr; err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return castgraph.Errorf(castgraph.EUNAVAILABLE, "", "the import was cancelled after %d batches (%d rows); run it again to finish", rep.Batches, rep.RowsOK)
	}
	return nil
}

// batch resolves and writes one batch and adds its outcome to the report.
func (im *importer) batch(ctx context.Context, b batchOf) error {
	var res batchResult
	work := func(tx *store.ImportTx) error {
		var err error
		res, err = im.runBatch(tx, b.plans, !im.opts.DryRun)
		return err
	}
	var err error
	if im.opts.DryRun {
		err = im.st.ImportRead(ctx, work)
	} else {
		err = im.st.ImportWrite(ctx, work)
	}
	if err != nil {
		if ctx.Err() != nil {
			return castgraph.Errorf(castgraph.EUNAVAILABLE, "", "the import was cancelled after %d batches (%d rows); run it again to finish", im.rep.Batches, im.rep.RowsOK)
		}
		first, last := b.plans[0].row, b.plans[len(b.plans)-1].row
		var e *castgraph.Error
		if errors.As(err, &e) {
			return castgraph.Errorf(e.Code, e.Field, "batch %d (rows %d–%d) was not written: %s", im.rep.Batches+1, first, last, e.Message)
		}
		return fmt.Errorf("batch %d (rows %d–%d) was not written: %w", im.rep.Batches+1, first, last, err)
	}
	rep := im.rep
	if im.opts.Strict && !im.opts.DryRun && res.rejRows > 0 {
		// The check pass found every row good, but the graph changed since.
		for _, is := range res.rejected {
			rep.add(is)
		}
		return castgraph.Errorf(castgraph.ECONFLICT, "", "strict import: %d rows of batch %d went bad after the check (the graph changed); the batches before it were written", res.rejRows, rep.Batches+1)
	}
	for _, is := range res.rejected {
		rep.add(is)
	}
	rep.mu.Lock()
	rep.RowsOK += res.ok
	rep.RowsRejected += res.rejRows
	rep.NodesCreated += res.stats.nodesCreated
	rep.NodesUpdated += res.stats.nodesUpdated
	rep.RelationshipsCreated += res.stats.relsCreated
	rep.RelationshipsUpdated += res.stats.relsUpdated
	rep.Batches++
	rep.mu.Unlock()
	for _, c := range res.created {
		rep.addCreated(c)
	}
	for _, k := range res.reviewKeys {
		if !im.reviewed[k] {
			im.reviewed[k] = true
			im.created++
		}
	}
	for _, k := range res.definedKeys {
		if len(im.defined) >= maxDefined {
			break
		}
		im.defined[k] = true
	}
	if len(im.cache)+len(res.learned) > maxCache {
		im.cache = map[string]resolution{}
	}
	for k, v := range res.learned {
		im.cache[k] = v
	}
	return nil
}

// headerScan is how many rows above the header may hold titles.
const headerScan = 20

// read reads, validates and batches the rows; it runs in its own goroutine
// and owns rows, the planner and the report's row counts until it returns.
func (im *importer) read(ctx context.Context, rows rowReader, out chan<- batchOf) error {
	rep := im.rep
	kind := im.opts.Kind
	var (
		pl      *planner
		cols    *columns
		pending []*plan
		read    int
		keyed   = im.in.format == JSONL
		nKeys   int
	)
	send := func() bool {
		if len(pending) == 0 {
			return true
		}
		b := batchOf{plans: pending, rowsRead: read, fraction: rows.Fraction()}
		pending = make([]*plan, 0, im.opts.BatchSize)
		select {
		case out <- b:
			return true
		case <-ctx.Done():
			return false
		}
	}
	setup := func(header []string) error {
		if kind == "" {
			var ok bool
			if kind, ok = detectKindWith(header, im.opts.Mapping); !ok {
				return castgraph.Errorf(castgraph.EINVALID, "kind", "cannot tell what kind of roster %s is from its headers (%s): give the kind (%s)",
					im.in.name, strings.Join(header, ", "), kindList())
			}
		}
		rep.mu.Lock()
		rep.Kind = kind
		rep.mu.Unlock()
		var err error
		cols, err = mapColumns(header, kind, im.opts.Mapping, rep, true)
		if err != nil {
			return err
		}
		rep.mu.Lock()
		rep.Columns = rep.Columns[:0]
		for i, h := range cols.header {
			if f := cols.fields[i]; f != "" && f != FieldIgnore {
				rep.Columns = append(rep.Columns, ColumnMapping{Column: h, Field: f})
			}
		}
		rep.IgnoredColumns = append(rep.IgnoredColumns[:0], cols.ignored...)
		rep.mu.Unlock()
		if err := im.strictColumns(cols.ignored); err != nil {
			return err
		}
		if pl == nil {
			pl = &planner{kind: kind, source: rep.Source, rep: rep, dupes: newDupes()}
		}
		pl.cols = cols
		return nil
	}
	var titleRows int
	for {
		if err := ctx.Err(); err != nil {
			return nil
		}
		row, cells, err := rows.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var ce *cellError
		if errors.As(err, &ce) {
			if cols != nil || keyed {
				read++
				rep.mu.Lock()
				rep.RowsRead++
				rep.RowsRejected++
				rep.mu.Unlock()
			}
			rep.errorf(row, ce.column, ce.code, "%s", ce.msg)
			continue
		}
		if err != nil {
			return castgraph.Errorf(castgraph.EINVALID, "file", "cannot read %s: %v", im.in.name, err)
		}
		if blank(cells) {
			continue
		}
		if keyed {
			if keys := rows.Keys(); cols == nil || len(keys) != nKeys {
				nKeys = len(keys)
				if cols == nil {
					if err := setup(keys); err != nil {
						return err
					}
				} else {
					// A new key: map it (and warn about it) alone.
					more, _ := mapColumns(keys[len(cols.header):], kind, im.opts.Mapping, rep, false)
					rep.mu.Lock()
					rep.IgnoredColumns = append(rep.IgnoredColumns, more.ignored...)
					rep.mu.Unlock()
					if err := im.strictColumns(more.ignored); err != nil {
						return err
					}
					for i, f := range more.fields {
						cols.header = append(cols.header, more.header[i])
						cols.fields = append(cols.fields, f)
						if f != "" && f != FieldIgnore {
							cols.index[f] = append(cols.index[f], len(cols.header)-1)
						}
					}
				}
			}
		} else if cols == nil {
			// The header is the first row that names a known field; rows
			// above it are titles.
			if !namesAField(cells, kind, im.opts.Mapping) && titleRows < headerScan {
				titleRows++
				continue
			}
			if err := setup(trimAll(cells)); err != nil {
				return err
			}
			continue
		}
		read++
		rep.mu.Lock()
		rep.RowsRead++
		rep.mu.Unlock()
		if p := pl.plan(row, cells); p != nil {
			pending = append(pending, p)
		} else {
			rep.mu.Lock()
			rep.RowsRejected++
			rep.mu.Unlock()
		}
		if len(pending) >= im.opts.BatchSize && !send() {
			return nil
		}
	}
	if cols == nil {
		return castgraph.Errorf(castgraph.EINVALID, "file", "%s has no header row naming a known column (姓名, 企业名称, 统一社会信用代码 …)", im.in.name)
	}
	send()
	return nil
}

// strictColumns refuses, in a strict import, columns whose cells would be
// ignored: strict means nothing of the file is lost, and the check pass
// meets the header before anything is written.
func (im *importer) strictColumns(ignored []string) error {
	if !im.opts.Strict || len(ignored) == 0 {
		return nil
	}
	word := "columns"
	if len(ignored) == 1 {
		word = "column"
	}
	msg := fmt.Sprintf("strict import: %d %s would be ignored: %s; map them to fields (a mapping file; \"-\" ignores a column on purpose) or remove them; nothing was written",
		len(ignored), word, strings.Join(ignored, ", "))
	im.rep.errorf(0, "", CodeStrictRejection, "%s", msg)
	return castgraph.Errorf(castgraph.EINVALID, "file", "%s", msg)
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func trimAll(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.TrimSpace(c)
	}
	return out
}

// namesAField reports whether a row could be a header: one of its cells is
// a known header or mapped column.
func namesAField(cells []string, kind Kind, m Mapping) bool {
	for _, c := range cells {
		if c = strings.TrimSpace(c); c == "" {
			continue
		}
		if _, ok := m[normaliseHeader(c)]; ok {
			return true
		}
		if _, ok := builtinField(kind, c); ok {
			return true
		}
		if kind == "" {
			// Not yet known: a header of any kind's own (机构名称, 院长).
			for _, m := range kindAliases {
				if _, ok := m[normaliseHeader(c)]; ok {
					return true
				}
			}
		}
	}
	return false
}

// detectKindWith detects the kind, taking the mapping's fields into account.
func detectKindWith(header []string, m Mapping) (Kind, bool) {
	if len(m) == 0 {
		return detectKind(header)
	}
	// Rename mapped columns to their field's first built-in header.
	named := make([]string, len(header))
	for i, h := range header {
		named[i] = h
		if f, ok := m[normaliseHeader(h)]; ok && f != FieldIgnore {
			named[i] = aliases[f][0]
		}
	}
	return detectKind(named)
}
