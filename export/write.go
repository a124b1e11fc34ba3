package export

import (
	"bytes"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/castgraph/castgraph"
	"github.com/xuri/excelize/v2"
)

// Format is the file format of an export.
type Format string

// The formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// ParseFormat reads a format name (csv, xlsx; case ignored).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "csv":
		return CSV, nil
	case "xlsx":
		return XLSX, nil
	}
	return "", castgraph.Errorf(castgraph.EINVALID, "format", "unknown export format %q: want csv or xlsx", s)
}

// ContentType is the media type of a format.
func (f Format) ContentType() string {
	if f == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// Encode writes the table in the format into memory: the caller writes it
// out whole or not at all, so that a failure leaves no half file.
func Encode(t *Table, f Format) ([]byte, error) {
	var b bytes.Buffer
	var err error
	if f == XLSX {
		err = WriteXLSX(&b, t)
	} else {
		err = WriteCSV(&b, t)
	}
	if err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// bom makes Excel read a CSV file as UTF-8 (without it, Chinese Excel reads
// GBK and shows mojibake). The roster importer skips it.
const bom = "\ufeff"

// WriteCSV writes the header and the rows as CSV in UTF-8 with a byte-order
// mark. A cell that Excel would take for a formula (=, +, -, @ first, and
// not a number) is written with an apostrophe before it, as OWASP advises
// against CSV injection: an exported name cannot run in the analyst's Excel.
func WriteCSV(w io.Writer, t *Table) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	write := func(rec []string) error {
		if len(rec) == 1 && rec[0] == "" {
			// encoding/csv writes one empty field as an empty line, which
			// readers skip: the row would vanish. Quoted, it stays a row.
			cw.Flush()
			_, err := io.WriteString(w, "\"\"\n")
			return err
		}
		return cw.Write(rec)
	}
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = defuse(c.Header, false)
	}
	if err := write(header); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	for _, row := range t.Rows {
		for i, c := range row {
			rec[i] = defuse(c.Text, c.Number)
		}
		if err := write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse prefixes a text cell that a spreadsheet would evaluate.
func defuse(s string, number bool) string {
	if number || s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// The widths of XLSX columns, in characters: the widest cell of the first
// rows (a Chinese character counts two), within bounds.
const (
	minWidth   = 6
	maxWidth   = 60
	widthRows  = 1000
	sheetTitle = "export"
)

// WriteXLSX writes the table as a workbook of one sheet: a bold header row,
// frozen, columns as wide as their content. Cells are strings (never
// formulas: a name starting with = stays text) or numbers. It streams rows
// (excelize's StreamWriter), so a large table is not held twice.
func WriteXLSX(w io.Writer, t *Table) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheetTitle); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheetTitle)
	if err != nil {
		return err
	}
	for i := range t.Columns {
		width := cellWidth(t.Columns[i].Header)
		for r := 0; r < len(t.Rows) && r < widthRows; r++ {
			width = max(width, cellWidth(t.Rows[r][i].Text))
		}
		if err := sw.SetColWidth(i+1, i+1, float64(min(max(width+2, minWidth), maxWidth))); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	header := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = excelize.Cell{StyleID: bold, Value: c.Header}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	values := make([]any, len(t.Columns))
	for r, row := range t.Rows {
		for i, c := range row {
			values[i] = c.Text
			if c.Number {
				values[i] = numberValue(c.Text)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, values); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// numberValue is a JSON number as excelize writes numbers: an int when it is
// one (a year stays 2024, not 2024.0), else a float; text if neither reads.
func numberValue(s string) any {
	var n int64
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimPrefix(s, "-")
	if digits != "" && len(digits) <= 15 && strings.Trim(digits, "0123456789") == "" {
		for _, d := range digits {
			n = n*10 + int64(d-'0')
		}
		if neg {
			n = -n
		}
		return n
	}
	if x, err := strconv.ParseFloat(s, 64); err == nil {
		return x
	}
	return s
}

func cellWidth(s string) int {
	w := 0
	for _, r := range s {
		if r == '\n' {
			break
		}
		if utf8.RuneLen(r) > 1 {
			w += 2
		} else {
			w++
		}
	}
	return w
}
