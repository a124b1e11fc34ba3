package roster

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/castgraph/castgraph"
)

// The fuzz targets read arbitrary bytes as each format under small limits
// (so that the fuzzer reaches them) and check that reading never panics,
// ends with io.EOF or an INVALID_ARGUMENT error, and returns nothing over
// the limits. Seeds: the example rosters of data/rosters/. Run one longer
// with, e.g.:
//
//	go test -run '^$' -fuzz '^FuzzCSV$' -fuzztime 10m -fuzzminimizetime 5s ./roster/
//
// (-fuzzminimizetime: the default minute spent shrinking each new input
// stalls short runs.)

var fuzzLimits = Limits{
	MaxFileBytes:     1 << 20,
	MaxRows:          200,
	MaxColumns:       40,
	MaxCellBytes:     4096,
	MaxLineBytes:     16384,
	MaxZipEntries:    64,
	MaxPartBytes:     1 << 20,
	MaxUnzippedBytes: 4 << 20,
	MaxInMemoryBytes: 2 << 20,
	MaxSharedStrings: 1000,
}

// seeds adds the example rosters whose names end so.
func seeds(f *testing.F, suffixes ...string) {
	for _, s := range suffixes {
		paths, _ := filepath.Glob(filepath.Join("..", "data", "rosters", "*"+s))
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

// readAll reads every row and checks what comes back against the limits.
func readAll(t *testing.T, in *input) {
	t.Helper()
	if err := drainChecked(t, in); err != nil && castgraph.ErrorCode(err) != castgraph.EINVALID {
		t.Fatalf("error %v (%T), want INVALID_ARGUMENT", err, err)
	}
}

func drainChecked(t *testing.T, in *input) error {
	if in.format != XLSX {
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
	n := 0
	for {
		_, cells, err := rows.Next()
		var ce *cellError
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.As(err, &ce):
			continue
		case err != nil:
			return err
		}
		if len(cells) > 0 {
			n++
		}
		if n > in.limits.MaxRows {
			t.Fatalf("%d rows read, over MaxRows %d", n, in.limits.MaxRows)
		}
		if in.format != XLSX && len(cells) > in.limits.MaxColumns {
			t.Fatalf("a row of %d cells, over MaxColumns %d", len(cells), in.limits.MaxColumns)
		}
		for _, c := range cells {
			if len(c) > in.limits.MaxCellBytes {
				t.Fatalf("a cell of %d bytes, over MaxCellBytes %d", len(c), in.limits.MaxCellBytes)
			}
		}
	}
}

func fuzzText(f *testing.F, format Format, suffixes ...string) {
	seeds(f, suffixes...)
	f.Add([]byte("姓名,工作单位\n\"张三\"\"\",\"a\nb\"\n\"x\"y,\"\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		readAll(t, memInput("fuzz", b, format, fuzzLimits))
	})
}

func FuzzCSV(f *testing.F)   { fuzzText(f, CSV, ".csv") }
func FuzzTSV(f *testing.F)   { fuzzText(f, TSV, ".tsv") }
func FuzzJSONL(f *testing.F) { fuzzText(f, JSONL, ".jsonl") }

func FuzzXLSX(f *testing.F) {
	seeds(f, ".xlsx")
	f.Fuzz(func(t *testing.T, b []byte) {
		readAll(t, memInput("fuzz.xlsx", b, XLSX, fuzzLimits))
	})
}

// FuzzDetectEncoding: the guess is one of the encodings, never an error on
// bytes in memory; valid UTF-8 without a byte-order mark is UTF-8; the
// reader is left where it was; and the streaming UTF-8 check agrees with
// utf8.Valid however the bytes arrive.
func FuzzDetectEncoding(f *testing.F) {
	seeds(f, ".csv", ".tsv", ".jsonl")
	f.Add([]byte{0xFF, 0xFE, 'a', 0})
	f.Add([]byte("\xe4\xb8"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		r.Seek(1, io.SeekStart) // detection starts where the reader is
		enc, err := DetectEncoding(r)
		if err != nil {
			t.Fatal(err)
		}
		if pos, _ := r.Seek(0, io.SeekCurrent); pos != 1 {
			t.Fatalf("left the reader at %d", pos)
		}
		switch enc {
		case EncodingUTF8, EncodingUTF16, EncodingGB18030:
		default:
			t.Fatalf("encoding %q", enc)
		}
		rest := b[min(1, len(b)):]
		if utf8.Valid(rest) && enc != EncodingUTF8 && enc != EncodingUTF16 {
			t.Fatalf("valid UTF-8 detected as %s", enc)
		}
		for _, rd := range []io.Reader{iotest.OneByteReader(bytes.NewReader(b)), iotest.HalfReader(bytes.NewReader(b)), iotest.DataErrReader(bytes.NewReader(b))} {
			if ok, err := validUTF8(rd); err != nil || ok != utf8.Valid(b) {
				t.Fatalf("validUTF8 = %v, %v; utf8.Valid = %v", ok, err, utf8.Valid(b))
			}
		}
		// Decoding in the detected encoding never fails.
		dec, err := decoder(bytes.NewReader(b), enc)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, dec); err != nil {
			t.Fatalf("decoding as %s: %v", enc, err)
		}
	})
}
