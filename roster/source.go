package roster

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/castgraph/castgraph"
	"github.com/xuri/excelize/v2"
)

// Format is the file format of a roster.
type Format string

// The formats.
const (
	CSV   Format = "csv"
	TSV   Format = "tsv"
	XLSX  Format = "xlsx"
	JSONL Format = "jsonl"
)

// ParseFormat reads a --format value; "" means from the file name.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), ".")) {
	case "", "auto":
		return "", nil
	case "csv":
		return CSV, nil
	case "tsv", "tab", "txt":
		return TSV, nil
	case "xlsx", "xlsm", "excel":
		return XLSX, nil
	case "jsonl", "ndjson", "json-lines", "jsonlines":
		return JSONL, nil
	}
	return "", castgraph.Errorf(castgraph.EINVALID, "format", "unknown format %q: want csv, tsv, xlsx or jsonl", s)
}

// FormatOf returns the format a file name implies, or false.
func FormatOf(name string) (Format, bool) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return CSV, true
	case ".tsv", ".tab", ".txt":
		return TSV, true
	case ".xlsx", ".xlsm":
		return XLSX, true
	case ".jsonl", ".ndjson":
		return JSONL, true
	}
	return "", false
}

// rowReader reads a roster's rows.
type rowReader interface {
	// Next returns the next row: its number as the user sees it (the
	// spreadsheet row or the line of the text file) and its cells. A row
	// that cannot be read has a cellError; io.EOF ends the rows.
	Next() (row int, cells []string, err error)
	// Keys names the cells of keyed formats (JSON Lines: the keys seen so
	// far; it grows when an object brings a new one). It is nil for formats
	// whose first rows hold the header.
	Keys() []string
	// Fraction is how much of the input has been read, 0 to 1, or -1.
	Fraction() float64
	Close() error
}

// cellError is a row that could not be read (bad JSON, bad quoting).
type cellError struct {
	column, code, msg string
}

func (e *cellError) Error() string { return e.msg }

// input is what an import reads: the bytes of the file and how to read them.
type input struct {
	name     string
	r        io.ReadSeeker
	size     int64
	format   Format
	encoding string // text formats
	sheet    string // XLSX: the sheet read
	limits   Limits // zero fields: the defaults
	// checked is set once the whole file has passed the limits; every
	// pass over the file after that reads it knowing it will not stop on
	// one half-way.
	checked bool
}

// counter counts the bytes read through it.
type counter struct {
	r io.Reader
	n atomic.Int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// openRows starts reading the rows of the input from its beginning. The
// first time, it reads the whole file against the limits first (text files
// to the end through the same readers, XLSX archives part by part), so that
// a file over a limit is refused before any row of it is written rather
// than half-way through.
func openRows(in *input) (rowReader, error) {
	in.limits = in.limits.orDefault()
	if in.size > in.limits.MaxFileBytes {
		return nil, tooBig(in.name, "", "the file is", fmt.Sprintf("%d bytes", in.size), in.limits.MaxFileBytes, "MaxFileBytes")
	}
	if !in.checked && in.format != XLSX { // openXLSX checks the archive itself
		if err := checkText(in); err != nil {
			return nil, err
		}
		in.checked = true
	}
	return open(in)
}

// checkText reads a text roster to its end, keeping nothing: every limit is
// checked on the way. Rows that cannot be read are for the import to
// report; only an error that ends the reading is returned.
func checkText(in *input) error {
	rows, err := open(in)
	if err != nil {
		return err
	}
	defer rows.Close()
	for {
		_, _, err := rows.Next()
		var ce *cellError
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.As(err, &ce):
		case err != nil:
			var e *castgraph.Error
			if errors.As(err, &e) {
				return err
			}
			return badFile(in.name, "cannot be read: %v", err)
		}
	}
}

// open starts reading the rows of the input from its beginning.
func open(in *input) (rowReader, error) {
	if _, err := in.r.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	lim := in.limits
	switch in.format {
	case XLSX:
		return openXLSX(in)
	case CSV, TSV, JSONL:
		c := &counter{r: &fileLimit{r: in.r, max: lim.MaxFileBytes, name: in.name}}
		text, err := decoder(c, in.encoding)
		if err != nil {
			return nil, err
		}
		frac := func() float64 {
			if in.size <= 0 {
				return -1
			}
			return min(1, float64(c.n.Load())/float64(in.size))
		}
		if in.format == JSONL {
			return &jsonlReader{lines: bufio.NewReaderSize(text, 64<<10), fraction: frac, lim: lim, name: in.name}, nil
		}
		g := &csvGuard{r: text, comma: ',', lim: lim, name: in.name, line: 1, state: gRecordStart}
		if in.format == TSV {
			g.comma = '\t'
		}
		cr := csv.NewReader(g)
		cr.FieldsPerRecord = -1
		cr.LazyQuotes = true
		cr.ReuseRecord = true
		cr.Comma = rune(g.comma)
		return &csvReader{r: cr, guard: g, fraction: frac}, nil
	}
	return nil, castgraph.Errorf(castgraph.EINVALID, "format", "unknown format %q", in.format)
}

// csvGuard stands between the text and encoding/csv, which holds a whole
// record (and a slice for its fields) before it returns it: it follows the
// quoting as csv.Reader does with LazyQuotes (a quote opens a quoted field
// only at the field's start; "" in one is a quote; a quote followed by
// anything but a separator or line end is kept), and fails the read as soon
// as a record, a field or the count of fields or records goes over its
// limit, so csv.Reader never sees more than the limits allow.
type csvGuard struct {
	r     io.Reader
	comma byte
	lim   Limits
	name  string
	err   error

	state   int
	line    int // of the byte being read
	recLine int // the line the record started on
	records int
	rec     int // bytes of the record
	fields  int // of the record, this one included
	field   int // bytes of this field
}

// The guard's states.
const (
	gRecordStart = iota // between records
	gFieldStart
	gUnquoted
	gQuoted
	gQuote // a quote in a quoted field: its end, or "" or a lazy quote
)

func (g *csvGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i, c := range p[:n] {
		if g.err = g.step(c); g.err != nil {
			return i, g.err
		}
	}
	return n, err
}

func (g *csvGuard) step(c byte) error {
	if g.state == gRecordStart {
		if c == '\n' || c == '\r' { // blank lines are no records to csv.Reader
			if c == '\n' {
				g.line++
			}
			return nil
		}
		g.records++
		g.recLine, g.rec, g.fields, g.field, g.state = g.line, 0, 1, 0, gFieldStart
		if g.records > g.lim.MaxRows {
			return tooBig(g.name, fmt.Sprintf("line %d", g.line), "the file has", fmt.Sprintf("over %d records", g.lim.MaxRows), int64(g.lim.MaxRows), "MaxRows")
		}
	}
	if c == '\n' {
		g.line++
		if g.state != gQuoted { // outside quotes (or just after the closing one) it ends the record
			g.state = gRecordStart
			return nil
		}
	}
	g.rec++
	if g.rec > g.lim.MaxLineBytes {
		return tooBig(g.name, fmt.Sprintf("line %d", g.recLine), "the record is", fmt.Sprintf("over %d bytes", g.lim.MaxLineBytes), int64(g.lim.MaxLineBytes), "MaxLineBytes")
	}
	switch g.state {
	case gFieldStart:
		switch c {
		case '"':
			g.state = gQuoted
		case g.comma:
			return g.nextField()
		default:
			g.state = gUnquoted
		}
	case gUnquoted:
		if c == g.comma {
			return g.nextField()
		}
	case gQuoted:
		if c == '"' {
			g.state = gQuote
		}
	case gQuote:
		switch c {
		case g.comma:
			return g.nextField()
		case '\r': // "\r\n ends the record; a lone \r is kept, as after a lazy quote
		default: // "" is a quote; any other byte, a lazy quote kept
			g.state = gQuoted
		}
	}
	g.field++
	if g.field > g.lim.MaxCellBytes {
		return tooBig(g.name, fmt.Sprintf("line %d, column %d", g.recLine, g.fields), "the cell is", fmt.Sprintf("over %d bytes", g.lim.MaxCellBytes), int64(g.lim.MaxCellBytes), "MaxCellBytes")
	}
	return nil
}

func (g *csvGuard) nextField() error {
	g.fields++
	g.field = 0
	g.state = gFieldStart
	if g.fields > g.lim.MaxColumns {
		return tooBig(g.name, fmt.Sprintf("line %d", g.recLine), "the record has", fmt.Sprintf("over %d fields", g.lim.MaxColumns), int64(g.lim.MaxColumns), "MaxColumns")
	}
	return nil
}

// csvReader reads CSV and TSV records.
type csvReader struct {
	r        *csv.Reader
	guard    *csvGuard
	fraction func() float64
	lastErr  int
}

func (c *csvReader) Keys() []string    { return nil }
func (c *csvReader) Fraction() float64 { return c.fraction() }
func (c *csvReader) Close() error      { return nil }

func (c *csvReader) Next() (int, []string, error) {
	rec, err := c.r.Read()
	if c.guard.err != nil {
		return 0, nil, c.guard.err
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if pe.StartLine == c.lastErr {
				return 0, nil, fmt.Errorf("line %d: %w", pe.StartLine, err)
			}
			c.lastErr = pe.StartLine
			return pe.StartLine, nil, &cellError{code: CodeBadRecord, msg: fmt.Sprintf("the line cannot be read: %v", pe.Err)}
		}
		return 0, nil, err
	}
	line, _ := c.r.FieldPos(0)
	return line, rec, nil
}

// jsonlReader reads JSON Lines: one object a line, its keys the headers.
type jsonlReader struct {
	lines    *bufio.Reader
	line     int
	rows     int
	buf      []byte
	header   []string
	column   map[string]int
	fraction func() float64
	lim      Limits
	name     string
}

func (j *jsonlReader) Keys() []string    { return j.header }
func (j *jsonlReader) Fraction() float64 { return j.fraction() }
func (j *jsonlReader) Close() error      { return nil }

func (j *jsonlReader) Next() (int, []string, error) {
	for {
		line, err := j.readLine()
		if err != nil && (!errors.Is(err, io.EOF) || len(line) == 0) {
			return 0, nil, err
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		n := j.line
		if j.rows++; j.rows > j.lim.MaxRows {
			return 0, nil, tooBig(j.name, fmt.Sprintf("line %d", n), "the file has", fmt.Sprintf("over %d lines", j.lim.MaxRows), int64(j.lim.MaxRows), "MaxRows")
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil || dec.More() {
			if err == nil {
				err = errors.New("more than one value on the line")
			}
			return n, nil, &cellError{code: CodeBadRecord, msg: fmt.Sprintf("the line is not a JSON object: %v", err)}
		}
		if j.column == nil {
			j.column = map[string]int{}
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys) // a new object's keys join the header in a stable order
		cells := make([]string, len(j.header))
		for _, k := range keys {
			i, ok := j.column[k]
			if !ok {
				if len(j.header) >= j.lim.MaxColumns {
					return 0, nil, tooBig(j.name, fmt.Sprintf("line %d", n), "the objects have", fmt.Sprintf("over %d distinct keys", j.lim.MaxColumns), int64(j.lim.MaxColumns), "MaxColumns")
				}
				i = len(j.header)
				j.column[k] = i
				j.header = append(j.header, k)
				cells = append(cells, "")
			}
			s, err := jsonCell(obj[k])
			if err != nil {
				return n, nil, &cellError{column: k, code: CodeBadType, msg: err.Error()}
			}
			if len(s) > j.lim.MaxCellBytes {
				return 0, nil, tooBig(j.name, fmt.Sprintf("line %d, key %q", n, k), "the value is", fmt.Sprintf("%d bytes", len(s)), int64(j.lim.MaxCellBytes), "MaxCellBytes")
			}
			cells[i] = s
		}
		return n, cells, nil
	}
}

// readLine reads the next line, and fails on one over MaxLineBytes before
// holding more of it than that.
func (j *jsonlReader) readLine() ([]byte, error) {
	j.line++
	j.buf = j.buf[:0]
	for {
		chunk, err := j.lines.ReadSlice('\n')
		if len(j.buf)+len(bytes.TrimSuffix(chunk, []byte("\n"))) > j.lim.MaxLineBytes {
			return nil, tooBig(j.name, fmt.Sprintf("line %d", j.line), "the line is", fmt.Sprintf("over %d bytes", j.lim.MaxLineBytes), int64(j.lim.MaxLineBytes), "MaxLineBytes")
		}
		j.buf = append(j.buf, chunk...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return j.buf, err
		}
	}
}

// jsonCell turns a JSON value into cell text: numbers as written, lists
// joined by 、 (several societies or chains).
func jsonCell(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	case bool:
		return strconv.FormatBool(v), nil
	case []any:
		parts := make([]string, 0, len(v))
		for _, e := range v {
			s, err := jsonCell(e)
			if err != nil {
				return "", err
			}
			if _, nested := e.([]any); nested {
				return "", errors.New("a list must not hold lists")
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, "、"), nil
	}
	return "", errors.New("an object is not a cell value: give text, a number, true/false or a list")
}

// xlsxReader streams the rows of one sheet with excelize's row iterator:
// the sheet's XML is read as it goes (large sheets from a temporary file),
// never as a whole grid.
type xlsxReader struct {
	f     *excelize.File
	rows  *excelize.Rows
	row   int
	read  int // rows that held cells
	total int
	lim   Limits
	name  string
}

// openXLSX checks the archive against the limits (the first time) and opens
// it with excelize, told the same limits. excelize is third-party code fed
// hostile bytes: a panic in it is the file's fault and is returned as the
// file's error, not let take the process down.
func openXLSX(in *input) (_ rowReader, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = badFile(in.name, "not a readable Excel workbook (.xlsx): the spreadsheet reader failed: %v", p)
		}
	}()
	lim := in.limits
	ra, ok := in.r.(io.ReaderAt)
	if !ok {
		// Neither a file nor in memory: read it into memory, within the
		// file limit.
		b, err := io.ReadAll(&fileLimit{r: in.r, max: lim.MaxFileBytes, name: in.name})
		if err != nil {
			return nil, err
		}
		ra, in.r, in.size = bytes.NewReader(b), bytes.NewReader(b), int64(len(b))
	}
	if !in.checked {
		if err := checkXLSX(ra, in.size, in.name, lim); err != nil {
			return nil, err
		}
		in.checked = true
	}
	var f *excelize.File
	opts := excelize.Options{RawCellValue: true, UnzipSizeLimit: lim.MaxUnzippedBytes, UnzipXMLSizeLimit: min(xlsxStreamBytes, lim.MaxUnzippedBytes)}
	if file, ok := in.r.(*os.File); ok {
		// Read the zip in place: only its parts are inflated (a large sheet
		// into a temporary file), not the whole file read into memory.
		f, err = excelize.OpenFile(file.Name(), opts)
	} else {
		f, err = excelize.OpenReader(io.NewSectionReader(ra, 0, in.size), opts)
	}
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, castgraph.Errorf(castgraph.EINVALID, "file", "%s is not an Excel workbook (.xlsx): %v", in.name, err)
	}
	sheet := in.sheet
	if sheet == "" {
		sheet = f.GetSheetName(0)
		for _, name := range f.GetSheetList() {
			if visible, _ := f.GetSheetVisible(name); visible {
				sheet = name
				break
			}
		}
		in.sheet = sheet
	} else if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		f.Close()
		return nil, castgraph.Errorf(castgraph.EINVALID, "sheet", "%s has no sheet %q; it has %s", in.name, sheet, strings.Join(f.GetSheetList(), ", "))
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		return nil, castgraph.Errorf(castgraph.EINVALID, "sheet", "cannot read sheet %q of %s: %v", sheet, in.name, err)
	}
	x := &xlsxReader{f: f, rows: rows, total: -1, lim: lim, name: in.name}
	if dim, err := f.GetSheetDimension(sheet); err == nil {
		if _, last, ok := strings.Cut(dim, ":"); ok {
			if _, r, err := excelize.CellNameToCoordinates(last); err == nil {
				x.total = r
			}
		}
	}
	return x, nil
}

func (x *xlsxReader) Keys() []string { return nil }

func (x *xlsxReader) Fraction() float64 {
	if x.total <= 0 {
		return -1
	}
	return min(1, float64(x.row)/float64(x.total))
}

func (x *xlsxReader) Next() (row int, cells []string, err error) {
	defer func() {
		if p := recover(); p != nil {
			row, cells, err = 0, nil, badFile(x.name, "row %d cannot be read: the spreadsheet reader failed: %v", x.row, p)
		}
	}()
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return 0, nil, err
		}
		return 0, nil, io.EOF
	}
	x.row++ // Next advances one row at a time, gaps in the sheet included
	cells, err = x.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return x.row, nil, &cellError{code: CodeBadRecord, msg: fmt.Sprintf("the row cannot be read: %v", err)}
	}
	// checkXLSX bounded rows, cells and their XML before this; these
	// catch what it could not see.
	if len(cells) > 0 {
		if x.read++; x.read > x.lim.MaxRows {
			return 0, nil, tooBig(x.name, fmt.Sprintf("row %d", x.row), "the sheet has", fmt.Sprintf("over %d rows", x.lim.MaxRows), int64(x.lim.MaxRows), "MaxRows")
		}
	}
	for i, c := range cells {
		if len(c) > x.lim.MaxCellBytes {
			return 0, nil, tooBig(x.name, fmt.Sprintf("row %d, column %d", x.row, i+1), "the cell is", fmt.Sprintf("%d bytes", len(c)), int64(x.lim.MaxCellBytes), "MaxCellBytes")
		}
	}
	return x.row, cells, nil
}

func (x *xlsxReader) Close() error {
	err := x.rows.Close()
	if cerr := x.f.Close(); err == nil {
		err = cerr
	}
	return err
}
