package roster

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

// checkXLSX inspects an XLSX archive against the limits before excelize
// opens it. excelize trusts the sizes zip headers declare (it allocates a
// part's declared size up front, and its default limit is 16 GB), keeps
// most parts in memory, and decodes a cell or a shared string whole; so the
// archive is checked here first: the number of entries (from the end
// record, before archive/zip allocates one header per entry), every
// declared size, the compression ratio, then every part inflated through a
// counting reader (its real size, and a corrupt entry found now), and the
// XML of the parts scanned for tokens, cells, rows and shared strings over
// the limits. Nothing of the archive is held in memory but a read buffer.
func checkXLSX(ra io.ReaderAt, size int64, name string, lim Limits) error {
	if size >= 8 {
		head := make([]byte, 8)
		if _, err := ra.ReadAt(head, 0); err == nil && bytes.Equal(head, oleHeader) {
			return badFile(name, "not an Excel workbook (.xlsx): an encrypted workbook or an old .xls file; save it as .xlsx without a password")
		}
	}
	if n, ok := zipEntries(ra, size); ok && n > uint64(lim.MaxZipEntries) {
		return tooBig(name, "", "the archive has", fmt.Sprintf("%d entries", n), int64(lim.MaxZipEntries), "MaxZipEntries")
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return badFile(name, "not an Excel workbook (.xlsx): %v", err)
	}
	if len(zr.File) > lim.MaxZipEntries {
		return tooBig(name, "", "the archive has", fmt.Sprintf("%d entries", len(zr.File)), int64(lim.MaxZipEntries), "MaxZipEntries")
	}
	var total, held uint64
	for _, f := range zr.File {
		part := "part " + f.Name
		declared := f.UncompressedSize64
		if declared > uint64(lim.MaxPartBytes) {
			return tooBig(name, part, "the header declares", fmt.Sprintf("%d bytes uncompressed", declared), lim.MaxPartBytes, "MaxPartBytes")
		}
		total += declared
		if total > uint64(lim.MaxUnzippedBytes) {
			return tooBig(name, "", "the parts declare", fmt.Sprintf("over %d bytes uncompressed together", total), lim.MaxUnzippedBytes, "MaxUnzippedBytes")
		}
		if kind := partKind(f.Name); kind == partOther || declared <= xlsxStreamBytes {
			held += declared
		}
		if held > uint64(lim.MaxInMemoryBytes) {
			return tooBig(name, "", "the parts read into memory declare", fmt.Sprintf("over %d bytes together", held), lim.MaxInMemoryBytes, "MaxInMemoryBytes")
		}
	}
	if total > ratioFloorBytes && size > 0 && total/uint64(size) > uint64(lim.MaxCompressionRatio) {
		return tooBig(name, "", "the archive inflates", fmt.Sprintf("%d times (%d bytes from %d)", total/uint64(size), total, size), lim.MaxCompressionRatio, "MaxCompressionRatio")
	}
	buf := make([]byte, 32<<10)
	var inflated uint64
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		n, err := scanPart(f, buf, name, lim)
		inflated += n
		if err != nil {
			return err
		}
		if inflated > uint64(lim.MaxUnzippedBytes) {
			return tooBig(name, "", "the parts inflate to", fmt.Sprintf("over %d bytes together", inflated), lim.MaxUnzippedBytes, "MaxUnzippedBytes")
		}
	}
	return nil
}

// oleHeader starts encrypted workbooks and old .xls files (OLE compound
// documents), which excelize would read whole into memory to decrypt.
var oleHeader = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// The kinds of XLSX parts, as excelize reads them.
const (
	partOther   = iota // held in memory (and XML ones decoded whole)
	partSheet          // a worksheet: its rows streamed
	partStrings        // the shared-string table
)

// partKind classifies a part the way excelize's ReadZipReader does.
func partKind(name string) int {
	n := strings.ToLower(strings.ReplaceAll(name, "\\", "/"))
	switch {
	case strings.HasPrefix(n, "xl/worksheets/sheet"):
		return partSheet
	case n == "xl/sharedstrings.xml":
		return partStrings
	}
	return partOther
}

// scanPart inflates one part through a counting reader, and scans it when
// it is XML. It returns the bytes it inflated.
func scanPart(f *zip.File, buf []byte, name string, lim Limits) (uint64, error) {
	part := "part " + f.Name
	rc, err := f.Open()
	if err != nil {
		return 0, badFile(name, "not a readable Excel workbook: %s: %v", part, err)
	}
	defer rc.Close()
	var sc *xmlScan
	if n := strings.ToLower(f.Name); strings.HasSuffix(n, ".xml") || strings.HasSuffix(n, ".rels") || strings.HasSuffix(n, ".vml") {
		sc = &xmlScan{file: name, part: f.Name, kind: partKind(f.Name), lim: lim, cellStart: -1}
	}
	// Never read past the declared size or the limit, whichever is less,
	// whatever the inflater would give: a header that understates its
	// part's size cannot get more past this than one byte.
	limit := min(f.UncompressedSize64, uint64(lim.MaxPartBytes))
	r := io.LimitReader(rc, int64(limit)+1)
	var n uint64
	for {
		k, err := r.Read(buf)
		n += uint64(k)
		if n > limit {
			if n > uint64(lim.MaxPartBytes) {
				return n, tooBig(name, part, "the part inflates to", fmt.Sprintf("over %d bytes", lim.MaxPartBytes), lim.MaxPartBytes, "MaxPartBytes")
			}
			return n, badFile(name, "not a readable Excel workbook: %s inflates to more than the %d bytes its header declares", part, f.UncompressedSize64)
		}
		if sc != nil {
			if err := sc.scan(buf[:k]); err != nil {
				return n, err
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, zip.ErrFormat) {
			// archive/zip stops a part that inflates past its declared
			// size this way (a wrong checksum or a short part are other
			// errors).
			return n, badFile(name, "not a readable Excel workbook: %s inflates to more than the %d bytes its header declares", part, f.UncompressedSize64)
		}
		if err != nil {
			return n, badFile(name, "not a readable Excel workbook: %s: %v", part, err)
		}
	}
	if n != f.UncompressedSize64 {
		return n, badFile(name, "not a readable Excel workbook: %s inflates to %d bytes, its header declares %d", part, n, f.UncompressedSize64)
	}
	return n, nil
}

// zipEntries reads the number of entries from a zip archive's end record
// (the zip64 one when there is one), or false when it cannot be found;
// archive/zip then judges the archive.
func zipEntries(ra io.ReaderAt, size int64) (uint64, bool) {
	const endLen = 22
	tail := min(size, endLen+0xFFFF) // the end record and its comment
	if tail < endLen {
		return 0, false
	}
	b := make([]byte, tail)
	if _, err := ra.ReadAt(b, size-tail); err != nil && !errors.Is(err, io.EOF) {
		return 0, false
	}
	at := bytes.LastIndex(b, []byte("PK\x05\x06"))
	if at < 0 || len(b)-at < endLen {
		return 0, false
	}
	n := uint64(binary.LittleEndian.Uint16(b[at+10:]))
	if n != 0xFFFF || at < 20 {
		return n, true
	}
	// Zip64: a locator just before the end record points at the zip64 end
	// record, which holds the count as 64 bits.
	loc := b[at-20:]
	if !bytes.HasPrefix(loc, []byte("PK\x06\x07")) {
		return n, true
	}
	off := int64(binary.LittleEndian.Uint64(loc[8:]))
	rec := make([]byte, 56)
	if off < 0 || off > size-56 {
		return 0, false
	}
	if _, err := ra.ReadAt(rec, off); err != nil || !bytes.HasPrefix(rec, []byte("PK\x06\x06")) {
		return 0, false
	}
	return binary.LittleEndian.Uint64(rec[32:]), true
}

// xmlScan checks the XML of a part as it streams past, without parsing it:
// no token (a text between tags, a tag, a comment, CDATA, a directive or a
// processing instruction) and no cell (a sheet's <c> element, a shared
// string's <si>) longer than MaxCellBytes, no more <row> elements than
// MaxRows, no row with more <c> elements than MaxColumns, no more <si> than
// MaxSharedStrings. Those are the units excelize's XML decoder holds whole.
type xmlScan struct {
	file, part string
	kind       int
	lim        Limits

	off      int64  // bytes scanned
	state    int    // what the scanner is in
	tokStart int64  // where the current token began
	name     []byte // the current tag's name (its first bytes)
	closing  bool   // the current tag is an end tag
	quote    byte   // the quote an attribute value or directive is in
	depth    int    // '<' nesting of a directive
	tail     [2]byte
	bang     []byte // the first bytes after "<!"

	cellStart int64 // where the open <c> or <si> began, or -1
	rows      int
	cells     int // of the current row
	sis       int // shared strings
}

// The scanner's states.
const (
	xText    = iota
	xTagOpen // just after '<'
	xTagName // in a tag's name
	xTag     // in a tag, after its name
	xBang    // after "<!", deciding what it is
	xComment // <!-- … -->
	xCDATA   // <![CDATA[ … ]]>
	xDirective
	xPI // <? … ?>
)

func (s *xmlScan) scan(p []byte) error {
	limit := int64(s.lim.MaxCellBytes)
	for _, c := range p {
		switch s.state {
		case xText:
			if c == '<' {
				s.state, s.tokStart, s.name, s.closing = xTagOpen, s.off, s.name[:0], false
			}
		case xTagOpen:
			switch c {
			case '/':
				s.closing, s.state = true, xTagName
			case '!':
				s.state, s.bang = xBang, s.bang[:0]
			case '?':
				s.state = xPI
			default:
				s.state, s.name = xTagName, append(s.name, c)
			}
		case xTagName:
			switch c {
			case ' ', '\t', '\r', '\n', '/', '>':
				if err := s.element(); err != nil {
					return err
				}
				s.state = xTag
				if c == '>' {
					if err := s.tagEnd(); err != nil {
						return err
					}
				}
			default:
				if len(s.name) < 16 {
					s.name = append(s.name, c)
				}
			}
		case xTag:
			switch {
			case s.quote != 0:
				if c == s.quote {
					s.quote = 0
				}
			case c == '"' || c == '\'':
				s.quote = c
			case c == '>':
				if err := s.tagEnd(); err != nil {
					return err
				}
			}
		case xBang:
			s.bang = append(s.bang, c)
			switch {
			case bytes.Equal(s.bang, []byte("--")):
				s.state = xComment
			case bytes.Equal(s.bang, []byte("[CDATA[")):
				s.state = xCDATA
			case !bytes.HasPrefix([]byte("--"), s.bang) && !bytes.HasPrefix([]byte("[CDATA["), s.bang):
				s.state, s.depth, s.quote = xDirective, 0, 0
				s.directive(c)
			}
		case xComment:
			if c == '>' && s.tail == [2]byte{'-', '-'} {
				s.state, s.tokStart = xText, s.off+1
			}
		case xCDATA:
			if c == '>' && s.tail == [2]byte{']', ']'} {
				s.state, s.tokStart = xText, s.off+1
			}
		case xDirective:
			s.directive(c)
		case xPI:
			if c == '>' && s.tail[1] == '?' {
				s.state, s.tokStart = xText, s.off+1
			}
		}
		s.tail = [2]byte{s.tail[1], c}
		s.off++
		// A token runs from its '<' to its '>', or a text from one tag to
		// the next: either way from tokStart, reset when a tag closes.
		if s.off-s.tokStart > limit {
			return tooBig(s.file, "part "+s.part, "holds an XML token (a tag, a text or a comment) of", fmt.Sprintf("over %d bytes", limit), limit, "MaxCellBytes")
		}
		if s.cellStart >= 0 && s.off-s.cellStart > limit {
			return tooBig(s.file, "part "+s.part, "holds a cell of", fmt.Sprintf("over %d bytes of XML", limit), limit, "MaxCellBytes")
		}
	}
	return nil
}

// directive follows a <!DOCTYPE …> or other directive to its closing '>',
// past quoted text and nested declarations, as encoding/xml does.
func (s *xmlScan) directive(c byte) {
	switch {
	case s.quote != 0:
		if c == s.quote {
			s.quote = 0
		}
	case c == '"' || c == '\'':
		s.quote = c
	case c == '<':
		s.depth++
	case c == '>':
		if s.depth == 0 {
			s.state = xText
			s.tokStart = s.off + 1
			return
		}
		s.depth--
	}
}

// element is called when a tag's name is complete.
func (s *xmlScan) element() error {
	local := s.name
	if i := bytes.LastIndexByte(local, ':'); i >= 0 {
		local = local[i+1:]
	}
	cell := s.kind == partSheet && string(local) == "c" || s.kind == partStrings && string(local) == "si"
	if s.closing {
		if cell && s.cellStart >= 0 {
			s.cellStart = -1 // checked as it grew
		}
		return nil
	}
	switch {
	case s.kind == partSheet && string(local) == "row":
		s.rows++
		s.cells = 0
		if s.rows > s.lim.MaxRows {
			return tooBig(s.file, "part "+s.part, "has", fmt.Sprintf("over %d rows", s.lim.MaxRows), int64(s.lim.MaxRows), "MaxRows")
		}
	case s.kind == partSheet && string(local) == "c":
		s.cells++
		if s.cells > s.lim.MaxColumns {
			return tooBig(s.file, fmt.Sprintf("part %s, row element %d", s.part, s.rows), "has", fmt.Sprintf("over %d cells", s.lim.MaxColumns), int64(s.lim.MaxColumns), "MaxColumns")
		}
	case s.kind == partStrings && string(local) == "si":
		s.sis++
		if s.sis > s.lim.MaxSharedStrings {
			return tooBig(s.file, "part "+s.part, "has", fmt.Sprintf("over %d shared strings", s.lim.MaxSharedStrings), int64(s.lim.MaxSharedStrings), "MaxSharedStrings")
		}
	}
	if cell {
		s.cellStart = s.tokStart
	}
	return nil
}

// tagEnd is called at a tag's closing '>'.
func (s *xmlScan) tagEnd() error {
	if s.tail[1] == '/' && s.cellStart == s.tokStart {
		s.cellStart = -1 // <c r="A1"/>: an empty cell
	}
	s.state = xText
	s.tokStart = s.off + 1
	return nil
}
