package roster

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
)

// These tests feed the readers hostile files and check that each is refused
// with INVALID_ARGUMENT naming the limit, allocating little: no Neo4j is
// needed, as the files never get past reading.

// memBound is what refusing any of the files below may allocate in all
// (TotalAlloc, not the live heap): a few read buffers and a zip directory.
// Before the limits, the first file below made excelize allocate 15 GiB.
const memBound = 16 << 20

// drain reads a file as an import does (encoding detected, limits checked,
// then every row) and returns the first error that ends the reading.
func drain(in *input) error {
	if in.format != XLSX && in.encoding == "" {
		enc, err := DetectEncoding(in.r)
		if err != nil {
			return err
		}
		in.encoding = enc
	}
	rows, err := openRows(in)
	if err != nil {
		return err
	}
	defer rows.Close()
	for {
		_, _, err := rows.Next()
		var ce *cellError
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil && !errors.As(err, &ce) {
			return err
		}
	}
}

// refused reads the file and checks it is refused for the limit named,
// within memBound; it logs what refusing cost.
func refused(t *testing.T, in *input, limit string) {
	t.Helper()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	err := drain(in)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%s (%d bytes): refused in %v, %.1f MiB allocated: %v", in.name, in.size, took.Round(time.Millisecond), float64(alloc)/(1<<20), err)
	if err == nil {
		t.Fatalf("%s was read; want it refused for %s", in.name, limit)
	}
	if code := castgraph.ErrorCode(err); code != castgraph.EINVALID {
		t.Errorf("code %q, want %s: %v", code, castgraph.EINVALID, err)
	}
	if !strings.Contains(err.Error(), limit) || !strings.Contains(err.Error(), in.name) {
		t.Errorf("error %q does not name %s and the file", err, limit)
	}
	if alloc > memBound {
		t.Errorf("refusing %s allocated %d bytes, over %d", in.name, alloc, memBound)
	}
}

func memInput(name string, b []byte, format Format, lim Limits) *input {
	return &input{name: name, r: bytes.NewReader(b), size: int64(len(b)), format: format, limits: lim}
}

// deflated compresses what write writes, as a zip entry's data.
func deflated(t *testing.T, write func(w io.Writer)) (data []byte, crc uint32, size uint64) {
	t.Helper()
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestSpeed)
	h := crc32.NewIEEE()
	c := &countWriter{}
	write(io.MultiWriter(fw, h, c))
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), h.Sum32(), c.n
}

type countWriter struct{ n uint64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += uint64(len(p)); return len(p), nil }

// workbook builds an XLSX archive around a first sheet whose entry has the
// given data and declares the given size (lying, when it differs).
func workbook(t *testing.T, sheet []byte, crc uint32, declared uint64, extra func(zw *zip.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, text := range map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, text)
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(len(sheet)), UncompressedSize64: declared})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(sheet)
	if extra != nil {
		extra(zw)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
const sheetTail = `</sheetData></worksheet>`

// sheetXML is a small, honest sheet.
func sheetXML(t *testing.T) ([]byte, uint32, uint64) {
	return deflated(t, func(w io.Writer) {
		io.WriteString(w, sheetHead+`<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c></row>`+sheetTail)
	})
}

// The file of the report: 7 KB whose sheet declares 15 GiB (under
// excelize's 16 GB default), which excelize allocated up front.
func TestHostile_XLSXDeclaringGigabytesIsRefusedUnread(t *testing.T) {
	data, crc, _ := sheetXML(t)
	b := workbook(t, data, crc, 15<<30, nil)
	refused(t, memInput("declares-15GiB.xlsx", b, XLSX, Limits{}), "MaxPartBytes")
}

// A header that understates: 1 000 bytes declared, 64 MiB of XML inside.
// The check reads no more than the declared size and a byte.
func TestHostile_XLSXHeaderUnderstatingItsSize(t *testing.T) {
	data, crc, _ := deflated(t, func(w io.Writer) {
		io.WriteString(w, sheetHead)
		row := []byte(`<row><c t="inlineStr"><is><t>bomb</t></is></c></row>`)
		for n := 0; n < 64<<20; n += len(row) {
			w.Write(row)
		}
		io.WriteString(w, sheetTail)
	})
	b := workbook(t, data, crc, 1000, nil)
	in := memInput("understates.xlsx", b, XLSX, Limits{})
	refused(t, in, "understates.xlsx")
	if err := drain(memInput("understates.xlsx", b, XLSX, Limits{})); !strings.Contains(err.Error(), "more than the 1000 bytes its header declares") {
		t.Errorf("error %q does not say the header lied", err)
	}
}

// An honest bomb: a part of 256 MiB of zeros in a 256 KB file, inside
// MaxPartBytes but inflating 1 000 times; refused without inflating.
func TestHostile_XLSXCompressionRatio(t *testing.T) {
	data, crc, size := deflated(t, func(w io.Writer) {
		io.WriteString(w, sheetHead)
		zeros := make([]byte, 1<<20)
		for range 256 {
			w.Write(zeros)
		}
		io.WriteString(w, sheetTail)
	})
	b := workbook(t, data, crc, size, nil)
	refused(t, memInput("ratio.xlsx", b, XLSX, Limits{}), "MaxCompressionRatio")
}

// 100 000 entries: refused from the end record, before archive/zip reads
// a header for each.
func TestHostile_XLSXHundredThousandEntries(t *testing.T) {
	data, crc, size := sheetXML(t)
	b := workbook(t, data, crc, size, func(zw *zip.Writer) {
		for i := range 100_000 {
			if _, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("xl/media/e%d", i), Method: zip.Store}); err != nil {
				t.Fatal(err)
			}
		}
	})
	refused(t, memInput("entries.xlsx", b, XLSX, Limits{}), "MaxZipEntries")
}

// A row of a million cells, and a cell of 100 MB: both inflate far over
// the ratio; with the ratio lifted, the XML scan refuses them itself.
func TestHostile_XLSXMillionCellsAndHugeCell(t *testing.T) {
	cells, ccrc, csize := deflated(t, func(w io.Writer) {
		io.WriteString(w, sheetHead+"<row>")
		for range 1_000_000 {
			io.WriteString(w, `<c><v>1</v></c>`)
		}
		io.WriteString(w, "</row>"+sheetTail)
	})
	huge, hcrc, hsize := deflated(t, func(w io.Writer) {
		io.WriteString(w, sheetHead+`<row><c t="inlineStr"><is><t>`)
		a := bytes.Repeat([]byte("A"), 1<<20)
		for range 100 {
			w.Write(a)
		}
		io.WriteString(w, `</t></is></c></row>`+sheetTail)
	})
	wide := workbook(t, cells, ccrc, csize, nil)
	big := workbook(t, huge, hcrc, hsize, nil)
	refused(t, memInput("wide.xlsx", wide, XLSX, Limits{}), "MaxCompressionRatio")
	refused(t, memInput("hugecell.xlsx", big, XLSX, Limits{}), "MaxCompressionRatio")
	lifted := Limits{MaxCompressionRatio: 1 << 40}
	refused(t, memInput("wide.xlsx", wide, XLSX, lifted), "MaxColumns")
	refused(t, memInput("hugecell.xlsx", big, XLSX, lifted), "MaxCellBytes")
}

// The same huge text hidden where a tag-by-tag scan would not look: in
// CDATA broken by '<', and in a comment.
func TestHostile_XLSXHugeTokenInCDATAOrComment(t *testing.T) {
	for _, c := range []struct{ open, close string }{{"<![CDATA[", "]]>"}, {"<!--", "-->"}} {
		data, crc, size := deflated(t, func(w io.Writer) {
			io.WriteString(w, sheetHead+`<row><c t="inlineStr"><is><t>`+c.open)
			chunk := append(bytes.Repeat([]byte("A"), 1000), '<', '>')
			for range 100_000 {
				w.Write(chunk)
			}
			io.WriteString(w, c.close+`</t></is></c></row>`+sheetTail)
		})
		b := workbook(t, data, crc, size, nil)
		refused(t, memInput("hidden.xlsx", b, XLSX, Limits{MaxCompressionRatio: 1 << 40}), "MaxCellBytes")
	}
}

// Garbage, a truncated workbook and an encrypted one are file errors.
func TestHostile_XLSXGarbageIsAFileError(t *testing.T) {
	data, crc, size := sheetXML(t)
	good := workbook(t, data, crc, size, nil)
	if err := drain(memInput("good.xlsx", good, XLSX, Limits{})); err != nil {
		t.Fatalf("a good workbook: %v", err)
	}
	for name, b := range map[string][]byte{
		"garbage.xlsx":   []byte("this is not a zip file at all, just text"),
		"empty.xlsx":     nil,
		"truncated.xlsx": good[:len(good)/2],
		"encrypted.xlsx": append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...),
	} {
		err := drain(memInput(name, b, XLSX, Limits{}))
		if castgraph.ErrorCode(err) != castgraph.EINVALID || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v, want an INVALID_ARGUMENT error naming the file", name, err)
		}
	}
	// A corrupt entry: the sheet's data flipped, so it fails its checksum.
	bad := bytes.Clone(good)
	i := bytes.Index(bad, data)
	bad[i+len(data)/2] ^= 0xFF
	if err := drain(memInput("corrupt.xlsx", bad, XLSX, Limits{})); castgraph.ErrorCode(err) != castgraph.EINVALID {
		t.Errorf("corrupt entry: %v, want INVALID_ARGUMENT", err)
	}
}

// lazyFile is a text file made up as it is read: a header, then n bytes
// of a repeated pattern, then a line end; nothing of it is held.
type lazyFile struct {
	head, fill string
	n          int64
	off        int64
}

func (f *lazyFile) size() int64 { return int64(len(f.head)) + f.n + 1 }

func (f *lazyFile) Read(p []byte) (int, error) {
	if f.off >= f.size() {
		return 0, io.EOF
	}
	k := 0
	for ; k < len(p) && f.off < f.size(); k, f.off = k+1, f.off+1 {
		switch h := int64(len(f.head)); {
		case f.off < h:
			p[k] = f.head[f.off]
		case f.off < h+f.n:
			p[k] = f.fill[(f.off-h)%int64(len(f.fill))]
		default:
			p[k] = '\n'
		}
	}
	return k, nil
}

func (f *lazyFile) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		off += f.off
	case io.SeekEnd:
		off += f.size()
	}
	f.off = off
	return off, nil
}

func lazyInput(name string, f *lazyFile, format Format, lim Limits) *input {
	return &input{name: name, r: f, size: f.size(), format: format, limits: lim}
}

// A 100 MB line: refused at the first MiB, read in constant memory. Its
// fields are short, so that it is the line that is too long.
func TestHostile_TextHundredMegabyteLine(t *testing.T) {
	field := strings.Repeat("a", 127)
	refused(t, lazyInput("line.csv", &lazyFile{head: "姓名,工作单位\n", fill: field + ",", n: 100 << 20}, CSV, Limits{}), "MaxLineBytes")
	refused(t, lazyInput("line.tsv", &lazyFile{head: "姓名\t工作单位\n", fill: field + "\t", n: 100 << 20}, TSV, Limits{}), "MaxLineBytes")
	refused(t, lazyInput("line.jsonl", &lazyFile{head: `{"姓名":"张三"}` + "\n", fill: " ", n: 100 << 20}, JSONL, Limits{}), "MaxLineBytes")
	// Quoted fields holding line breaks are one record to csv.Reader.
	refused(t, lazyInput("quoted.csv", &lazyFile{head: "姓名,工作单位\n", fill: `"` + field[:60] + "\n" + field[:64] + `",`, n: 100 << 20}, CSV, Limits{}), "MaxLineBytes")
	// One cell of 100 MB.
	refused(t, lazyInput("cell.csv", &lazyFile{head: "姓名\n", fill: "x", n: 100 << 20}, CSV, Limits{}), "MaxCellBytes")
}

// A million fields on one line of 1 MB (under MaxLineBytes), and more
// records, keys, bytes than small limits allow.
func TestHostile_TextColumnsCellsRows(t *testing.T) {
	refused(t, lazyInput("wide.csv", &lazyFile{head: "姓名\n", fill: ",", n: 1_000_000}, CSV, Limits{}), "MaxColumns")
	rows := []byte("姓名\n" + strings.Repeat("张三\n", 20))
	refused(t, memInput("rows.csv", rows, CSV, Limits{MaxRows: 10}), "MaxRows")
	refused(t, memInput("rows.jsonl", bytes.Repeat([]byte(`{"姓名":"张三"}`+"\n"), 20), JSONL, Limits{MaxRows: 10}), "MaxRows")
	refused(t, memInput("keys.jsonl", []byte(`{"姓名":"张三","a":1,"b":2,"c":3}`), JSONL, Limits{MaxColumns: 3}), "MaxColumns")
	refused(t, memInput("cell.jsonl", []byte(`{"姓名":"`+strings.Repeat("x", 100)+`"}`), JSONL, Limits{MaxCellBytes: 50}), "MaxCellBytes")
	refused(t, memInput("big.csv", rows, CSV, Limits{MaxFileBytes: 10}), "MaxFileBytes")
}

// Every example roster reads under the default limits, and so does a file
// exactly at a limit.
func TestHostile_ExampleRostersPass(t *testing.T) {
	paths, _ := filepath.Glob("../data/rosters/*")
	n := 0
	for _, p := range paths {
		format, ok := FormatOf(p)
		if !ok {
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := f.Stat()
		if err := drain(&input{name: p, r: f, size: fi.Size(), format: format}); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		f.Close()
		n++
	}
	if n < 5 {
		t.Errorf("read %d example rosters, want the 7 of data/rosters", n)
	}
	at := []byte("姓名,工作单位\n\"" + strings.Repeat("x", 98) + "\",b\n")
	if err := drain(memInput("at.csv", at, CSV, Limits{MaxCellBytes: 100, MaxLineBytes: 102, MaxColumns: 2, MaxRows: 2})); err != nil {
		t.Errorf("a file at the limits: %v", err)
	}
}
