package hostile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
)

// Hostile documents and files, shared by this suite and the in-process
// tests of graph/.

// Nested asks relationship fields levels deep (experts → memberOf →
// members → …), page each (0: the default page).
func Nested(levels, page int) string {
	arg := ""
	if page > 0 {
		arg = fmt.Sprintf("(first: %d)", page)
	}
	open := strings.Repeat("memberOf"+arg+" { nodes { members"+arg+" { nodes { ... on Expert { ", levels/2)
	return "{ experts" + arg + " { nodes { " + open + "name" + strings.Repeat(" } } } } }", levels/2) + " } } }"
}

// FragmentBomb is a document of fragments that each spread the one below
// twice: 2^levels fields from a few kilobytes.
func FragmentBomb(levels int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "{ ...F%d }\nfragment F0 on Query { experts { totalCount } }\n", levels)
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d }\n", i, i-1, i-1)
	}
	return b.String()
}

// Aliased asks field n times under the aliases a0, a1, ….
func Aliased(n int, field string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: %s", i, field)
	}
	b.WriteString(" }")
	return b.String()
}

// XLSXBomb is a workbook whose sheet either declares `declared` bytes
// (holding a few) or truly inflates to `real` bytes of zeros.
func XLSXBomb(declared, real uint64) ([]byte, error) {
	var sheet bytes.Buffer
	fw, _ := flate.NewWriter(&sheet, flate.BestCompression)
	crc := crc32.NewIEEE()
	var size uint64
	write := func(p []byte) {
		_, _ = fw.Write(p)
		_, _ = crc.Write(p)
		size += uint64(len(p))
	}
	write([]byte(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`))
	zeros := make([]byte, 1<<20)
	for written := uint64(0); written < real; written += uint64(len(zeros)) {
		write(zeros)
	}
	write([]byte(`</sheetData></worksheet>`))
	_ = fw.Close()
	if declared == 0 {
		declared = size
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for name, text := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`,
		"xl/workbook.xml":     `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="Sheet1" sheetId="1"/></sheets></workbook>`,
	} {
		w, _ := zw.Create(name)
		_, _ = io.WriteString(w, text)
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(sheet.Len()), UncompressedSize64: declared})
	if err != nil {
		return nil, err
	}
	_, _ = w.Write(sheet.Bytes())
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
