package roster

import (
	"fmt"
	"io"

	"github.com/castgraph/castgraph"
)

// Limits bound what reading one roster file may cost, so that a small
// hostile file (a zip bomb, a line of a hundred megabytes, a sheet of a
// million cells) is refused before anything large is allocated. A file over
// a limit is refused whole with an INVALID_ARGUMENT error naming the limit,
// the allowed and the actual figure, and nothing of it is written: the
// limits are checked on a first pass over the file, before any row reaches
// the graph. A zero field means its default (DefaultLimits).
type Limits struct {
	// MaxFileBytes is the size of the file as given.
	MaxFileBytes int64
	// MaxRows is the most records a file may hold: CSV/TSV records, JSON
	// lines that are not blank, rows present in the sheet's XML.
	MaxRows int
	// MaxColumns is the most cells of one record: CSV/TSV fields, distinct
	// JSON keys of the file, cells (<c> elements) of one spreadsheet row.
	MaxColumns int
	// MaxCellBytes is the longest cell, in bytes of UTF-8 text; in XLSX
	// files, of the cell's XML (a <c> element of the sheet or an <si> of
	// the shared strings, markup and escapes included) and of any one XML
	// token, since that is what the spreadsheet reader holds at once.
	MaxCellBytes int
	// MaxLineBytes is the longest CSV/TSV record (quoted line breaks
	// included) or JSON line, in bytes of UTF-8 text.
	MaxLineBytes int

	// XLSX files are zip archives of XML parts.

	// MaxZipEntries is the most entries of the archive.
	MaxZipEntries int
	// MaxPartBytes is the uncompressed size of one part, both as its header
	// declares it and as it really inflates.
	MaxPartBytes int64
	// MaxUnzippedBytes is the uncompressed size of all parts together,
	// declared and real.
	MaxUnzippedBytes int64
	// MaxInMemoryBytes is the uncompressed size of the parts the
	// spreadsheet reader (excelize) holds in memory, together: every part
	// but the worksheets and shared strings over xlsxStreamBytes, which it
	// reads from temporary files.
	MaxInMemoryBytes int64
	// MaxCompressionRatio is the most the archive may inflate to, as a
	// multiple of its size, once it inflates to more than ratioFloorBytes.
	MaxCompressionRatio int64
	// MaxSharedStrings is the most entries of the shared-string table; the
	// reader keeps an offset pair (about 50 bytes) for each.
	MaxSharedStrings int
}

// The default limits. They are far above any real roster – the benchmark's
// million-row CSV is 100 MB with records of about 100 bytes, and Excel's
// own limits are 1 048 576 rows and 16 384 columns – and low enough that a
// refused file costs little: a record, a cell and a token are held whole,
// the rest is streamed.
const (
	DefaultMaxFileBytes        = 1 << 30 // 1 GiB; uploads are capped lower by the server's body limit
	DefaultMaxRows             = 1 << 20 // 1 048 576, Excel's rows a sheet
	DefaultMaxColumns          = 1 << 14 // 16 384, Excel's columns a sheet (CSV exports of Excel pad rows to the used range)
	DefaultMaxCellBytes        = 64 << 10
	DefaultMaxLineBytes        = 1 << 20
	DefaultMaxZipEntries       = 1000 // a workbook is a few dozen parts
	DefaultMaxPartBytes        = 512 << 20
	DefaultMaxUnzippedBytes    = 1 << 30
	DefaultMaxInMemoryBytes    = 64 << 20
	DefaultMaxCompressionRatio = 100 // Apache POI refuses below 1/100 too; workbooks inflate 5–20 times
	DefaultMaxSharedStrings    = 1 << 21
)

// xlsxStreamBytes is the size above which excelize reads a worksheet or the
// shared strings from a temporary file rather than memory (its
// UnzipXMLSizeLimit).
const xlsxStreamBytes = 1 << 20

// ratioFloorBytes: an archive that inflates to no more than this is not
// held to MaxCompressionRatio (tiny workbooks compress oddly, and cost
// nothing).
const ratioFloorBytes = 1 << 20

// DefaultLimits returns the default limits.
func DefaultLimits() Limits {
	return Limits{
		MaxFileBytes:        DefaultMaxFileBytes,
		MaxRows:             DefaultMaxRows,
		MaxColumns:          DefaultMaxColumns,
		MaxCellBytes:        DefaultMaxCellBytes,
		MaxLineBytes:        DefaultMaxLineBytes,
		MaxZipEntries:       DefaultMaxZipEntries,
		MaxPartBytes:        DefaultMaxPartBytes,
		MaxUnzippedBytes:    DefaultMaxUnzippedBytes,
		MaxInMemoryBytes:    DefaultMaxInMemoryBytes,
		MaxCompressionRatio: DefaultMaxCompressionRatio,
		MaxSharedStrings:    DefaultMaxSharedStrings,
	}
}

// orDefault fills the zero (or negative) fields with their defaults.
func (l Limits) orDefault() Limits {
	d := DefaultLimits()
	pick := func(v *int64, def int64) {
		if *v <= 0 {
			*v = def
		}
	}
	pickInt := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	pick(&l.MaxFileBytes, d.MaxFileBytes)
	pickInt(&l.MaxRows, d.MaxRows)
	pickInt(&l.MaxColumns, d.MaxColumns)
	pickInt(&l.MaxCellBytes, d.MaxCellBytes)
	pickInt(&l.MaxLineBytes, d.MaxLineBytes)
	pickInt(&l.MaxZipEntries, d.MaxZipEntries)
	pick(&l.MaxPartBytes, d.MaxPartBytes)
	pick(&l.MaxUnzippedBytes, d.MaxUnzippedBytes)
	pick(&l.MaxInMemoryBytes, d.MaxInMemoryBytes)
	pick(&l.MaxCompressionRatio, d.MaxCompressionRatio)
	pickInt(&l.MaxSharedStrings, d.MaxSharedStrings)
	return l
}

// tooBig is the error of a file over a limit: where (the file, and the
// row, column or part when known), what is too big and by how much, and
// the limit by its value and name.
func tooBig(file, where, what, actual string, limit int64, name string) error {
	if where != "" {
		where = ", " + where
	}
	return castgraph.Errorf(castgraph.EINVALID, "file", "%s%s: %s %s; the limit is %d (Limits.%s)", file, where, what, actual, limit, name)
}

// badFile is the error of a file that is not what its format says.
func badFile(file, format string, args ...any) error {
	return castgraph.Errorf(castgraph.EINVALID, "file", "%s: %s", file, fmt.Sprintf(format, args...))
}

// fileLimit reads at most max bytes of a file and fails beyond, so that a
// file larger than its stated size is refused too.
type fileLimit struct {
	r    io.Reader
	n    int64
	max  int64
	name string
}

func (f *fileLimit) Read(p []byte) (int, error) {
	if int64(len(p)) > f.max-f.n+1 {
		p = p[:f.max-f.n+1]
	}
	n, err := f.r.Read(p)
	f.n += int64(n)
	if f.n > f.max {
		return n, tooBig(f.name, "", "the file is", fmt.Sprintf("over %d bytes", f.max), f.max, "MaxFileBytes")
	}
	return n, err
}
