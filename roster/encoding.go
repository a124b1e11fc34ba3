package roster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/castgraph/castgraph"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// The encodings of text rosters.
const (
	EncodingUTF8    = "utf-8"
	EncodingUTF16   = "utf-16"
	EncodingGB18030 = "gb18030"
	EncodingGBK     = "gbk"
)

// ParseEncoding reads an --encoding value; "" and "auto" mean detect.
func ParseEncoding(s string) (string, error) {
	switch strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "_", "-")) {
	case "", "auto":
		return "", nil
	case "utf-8", "utf8":
		return EncodingUTF8, nil
	case "utf-16", "utf16", "unicode":
		return EncodingUTF16, nil
	case "gb18030":
		return EncodingGB18030, nil
	case "gbk", "gb2312", "cp936", "gb-2312":
		// GB18030 decodes all of GBK and GB2312; GBK's decoder is kept for
		// the byte 0x80 (€), which GBK has and GB18030 lacks.
		return EncodingGBK, nil
	}
	return "", castgraph.Errorf(castgraph.EINVALID, "encoding", "unknown encoding %q: want auto, utf-8, utf-16, gb18030 or gbk", s)
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// DetectEncoding decides how a text roster is encoded and leaves r where it
// found it: a byte-order mark says UTF-8 or UTF-16; otherwise a file that is
// valid UTF-8 from end to end is UTF-8 (the whole file is scanned, in
// constant memory, so a GBK character on row 90 000 is not missed), and any
// other is GB18030, the superset of GBK and GB2312 that Chinese Excel and
// WPS exports use.
func DetectEncoding(r io.ReadSeeker) (string, error) {
	start, err := r.Seek(0, io.SeekCurrent)
	if err != nil {
		return "", err
	}
	defer r.Seek(start, io.SeekStart)
	head := make([]byte, 3)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", err
	}
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		return EncodingUTF8, nil
	case bytes.HasPrefix(head, bomUTF16LE), bytes.HasPrefix(head, bomUTF16BE):
		return EncodingUTF16, nil
	}
	if _, err := r.Seek(start, io.SeekStart); err != nil {
		return "", err
	}
	ok, err := validUTF8(r)
	if err != nil {
		return "", err
	}
	if ok {
		return EncodingUTF8, nil
	}
	return EncodingGB18030, nil
}

// validUTF8 reads r to the end and reports whether it is valid UTF-8.
func validUTF8(r io.Reader) (bool, error) {
	buf := make([]byte, 64<<10)
	carry := 0 // bytes of an incomplete sequence kept from the last read
	for {
		n, err := r.Read(buf[carry:])
		n += carry
		end := n
		if !errors.Is(err, io.EOF) {
			// Keep up to 3 bytes of a sequence cut by the buffer's end.
			for i := 1; i <= 3 && i <= n; i++ {
				if b := buf[n-i]; b&0xC0 != 0x80 {
					if b >= 0xC0 && !utf8.FullRune(buf[n-i:n]) {
						end = n - i
					}
					break
				}
			}
		}
		if !utf8.Valid(buf[:end]) {
			return false, nil
		}
		carry = copy(buf, buf[end:n])
		if errors.Is(err, io.EOF) {
			return carry == 0, nil
		}
		if err != nil {
			return false, err
		}
	}
}

// decoder returns a reader of r's text as UTF-8, without a byte-order mark.
func decoder(r io.Reader, enc string) (io.Reader, error) {
	var e encoding.Encoding
	switch enc {
	case EncodingUTF8:
		e = unicode.UTF8BOM // strips a BOM if there is one
	case EncodingUTF16:
		e = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	case EncodingGB18030:
		e = simplifiedchinese.GB18030
	case EncodingGBK:
		e = simplifiedchinese.GBK
	default:
		return nil, fmt.Errorf("unknown encoding %q", enc)
	}
	return transform.NewReader(r, e.NewDecoder()), nil
}
