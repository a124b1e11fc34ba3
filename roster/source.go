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

// openRows starts reading the rows of the input from its beginning.
func openRows(in *input) (rowReader, error) {
	if _, err := in.r.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	switch in.format {
	case XLSX:
		return openXLSX(in)
	case CSV, TSV, JSONL:
		c := &counter{r: in.r}
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
			return &jsonlReader{lines: bufio.NewReaderSize(text, 64<<10), fraction: frac}, nil
		}
		cr := csv.NewReader(text)
		cr.FieldsPerRecord = -1
		cr.LazyQuotes = true
		cr.ReuseRecord = true
		if in.format == TSV {
			cr.Comma = '\t'
		}
		return &csvReader{r: cr, fraction: frac}, nil
	}
	return nil, castgraph.Errorf(castgraph.EINVALID, "format", "unknown format %q", in.format)
}

// csvReader reads CSV and TSV records.
type csvReader struct {
	r        *csv.Reader
	fraction func() float64
	lastErr  int
}

func (c *csvReader) Keys() []string    { return nil }
func (c *csvReader) Fraction() float64 { return c.fraction() }
func (c *csvReader) Close() error      { return nil }

func (c *csvReader) Next() (int, []string, error) {
	rec, err := c.r.Read()
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
	header   []string
	column   map[string]int
	fraction func() float64
}

func (j *jsonlReader) Keys() []string    { return j.header }
func (j *jsonlReader) Fraction() float64 { return j.fraction() }
func (j *jsonlReader) Close() error      { return nil }

func (j *jsonlReader) Next() (int, []string, error) {
	for {
		line, err := j.lines.ReadBytes('\n')
		if err != nil && (!errors.Is(err, io.EOF) || len(line) == 0) {
			return 0, nil, err
		}
		j.line++
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		n := j.line
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
				i = len(j.header)
				j.column[k] = i
				j.header = append(j.header, k)
				cells = append(cells, "")
			}
			s, err := jsonCell(obj[k])
			if err != nil {
				return n, nil, &cellError{column: k, code: CodeBadType, msg: err.Error()}
			}
			cells[i] = s
		}
		return n, cells, nil
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
	total int
}

func openXLSX(in *input) (rowReader, error) {
	var f *excelize.File
	var err error
	opts := excelize.Options{RawCellValue: true}
	if file, ok := in.r.(*os.File); ok {
		// Read the zip in place: only its parts are inflated (a large sheet
		// into a temporary file), not the whole file read into memory.
		f, err = excelize.OpenFile(file.Name(), opts)
	} else {
		f, err = excelize.OpenReader(in.r, opts)
	}
	if err != nil {
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
	x := &xlsxReader{f: f, rows: rows, total: -1}
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

func (x *xlsxReader) Next() (int, []string, error) {
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return 0, nil, err
		}
		return 0, nil, io.EOF
	}
	x.row++ // Next advances one row at a time, gaps in the sheet included
	cells, err := x.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return x.row, nil, &cellError{code: CodeBadRecord, msg: fmt.Sprintf("the row cannot be read: %v", err)}
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
