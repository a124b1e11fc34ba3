package castgraph

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The limits on what a write may hold. The API (CheckNode, CheckProps) and
// the roster importer apply the same ones, so that a value one accepts the
// other accepts too. Lengths are in characters (runes), which is what a
// person counts in a Chinese name; MaxKeyBytes is in bytes, which is what
// Neo4j counts.
const (
	// MaxNameLen bounds a name or an alias. The longest registered names
	// (some foundations and joint labs) are under 60 characters.
	MaxNameLen = 200
	// MaxAliases bounds the aliases of one node: they are all indexed for
	// full-text search and shown with the node.
	MaxAliases = 50
	// MaxLineLen bounds a one-line property (title, field, role, category,
	// disambiguation …) and a relationship's text properties.
	MaxLineLen = 500
	// MaxTextLen bounds long text: a description, a plan item's full text.
	MaxTextLen = 20000
	// MaxSourceLen bounds one provenance source ("roster experts.xlsx, row 12").
	MaxSourceLen = 300
	// MaxKeyBytes bounds the UTF-8 bytes of a natural key and of a normalised
	// name. Neo4j's range indexes (and so the uniqueness constraint on key)
	// refuse entries over about 8 KB with "Property value is too large to
	// index", after the transaction has started; half of that leaves room.
	MaxKeyBytes = 4000
	// MinYear and MaxYear bound every year property and the year of every
	// date: the graph records an association's work, not history or
	// forecasts, and a year like 99999 is a typing error.
	MinYear, MaxYear = 1900, 2100
)

// TextKind says which rules a string is held to.
type TextKind int

// The kinds of text.
const (
	// TextLine is one line of printable text up to MaxLineLen: no control
	// character at all, not even a tab or a newline.
	TextLine TextKind = iota
	// TextName is a TextLine up to MaxNameLen whose normalised form (the
	// natural key's part) fits in MaxKeyBytes.
	TextName
	// TextLong is text of several lines up to MaxTextLen: tabs, newlines
	// and CR LF line ends are allowed, other control characters are not.
	TextLong
	// TextSource is a provenance source: one line up to MaxSourceLen.
	TextSource
)

// Limit returns the most characters a text of the kind may have.
func (k TextKind) Limit() int {
	switch k {
	case TextName:
		return MaxNameLen
	case TextLong:
		return MaxTextLen
	case TextSource:
		return MaxSourceLen
	}
	return MaxLineLen
}

// CheckText reports the first rule s breaks as a text of the kind, or nil.
// The rules:
//   - valid UTF-8: anything else is a client bug or an encoding mix-up, and
//     Neo4j would store replacement characters;
//   - no control characters (C0, DEL, C1): NUL truncates strings in C tools,
//     ESC starts terminal (ANSI) escape sequences, BEL rings, and a newline
//     in a name splits log lines and CSV exports. Long text may hold tabs,
//     newlines and CR LF;
//   - no Unicode bidirectional controls (U+061C, U+200E, U+200F,
//     U+202A–U+202E, U+2066–U+2069): they make text display in another
//     order than it reads ("Trojan Source"), so a name could pass for
//     another; and no line or paragraph separators (U+2028, U+2029) outside
//     long text, which break lines like a newline;
//   - at most Limit characters.
//
// The message says which rule and where, so that a client can fix the value.
func CheckText(s string, kind TextKind) error {
	if !utf8.ValidString(s) {
		i := 0
		for i < len(s) {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			i += size
		}
		return fmt.Errorf("is not valid UTF-8 (byte %d is 0x%02X)", i, s[i])
	}
	n := 0
	for i, r := range s {
		n++
		if what := forbidden(r, kind, s[i+utf8.RuneLen(r):]); what != "" {
			return fmt.Errorf("holds %s (U+%04X) at character %d; %s", what, r, n, allowedText(kind))
		}
	}
	if limit := kind.Limit(); n > limit {
		return fmt.Errorf("is %d characters long; at most %d are allowed", n, limit)
	}
	if kind == TextName {
		if b := len(NormalizeName(s)); b > MaxKeyBytes {
			return fmt.Errorf("is %d bytes long once normalised; at most %d fit in the name index", b, MaxKeyBytes)
		}
	}
	return nil
}

// forbidden names what r is when the kind of text may not hold it, or "".
// rest is the text after r, to allow CR only as part of CR LF.
func forbidden(r rune, kind TextKind, rest string) string {
	switch {
	case r == 0:
		return "a NUL character"
	case r == 0x1B:
		return "an escape character (terminal escape sequences start with it)"
	case kind == TextLong && (r == '\n' || r == '\t' || r == '\r' && strings.HasPrefix(rest, "\n")):
		return ""
	case r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029:
		if kind == TextLong {
			return "a line break other than LF or CR LF"
		}
		return "a line break"
	case r == '\t':
		return "a tab"
	case r < 0x20 || r >= 0x7F && r <= 0x9F:
		return "a control character"
	case isBidiControl(r):
		return "a bidirectional-text control character"
	}
	return ""
}

func allowedText(kind TextKind) string {
	if kind == TextLong {
		return "text may hold printable characters, tabs and line breaks only"
	}
	return "it must be one line of printable characters"
}

// isBidiControl reports whether r is one of the Unicode bidirectional
// formatting characters (Unicode TR 9, table 4) that reorder what follows.
func isBidiControl(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

// CleanText trims s and checks it as a text of the kind; see CheckText.
func CleanText(s string, kind TextKind) (string, error) {
	s = strings.TrimFunc(s, unicode.IsSpace)
	return s, CheckText(s, kind)
}

// CheckYear reports whether y is a plausible year.
func CheckYear(y int64) error {
	if y < MinYear || y > MaxYear {
		return fmt.Errorf("year %d is outside %d–%d", y, MinYear, MaxYear)
	}
	return nil
}

// CheckDate reports whether d is a plausible date (see CheckYear).
func CheckDate(d Date) error {
	if d.Year < MinYear || d.Year > MaxYear {
		return fmt.Errorf("%s is outside the years %d–%d", d, MinYear, MaxYear)
	}
	return nil
}

// DateOrder lists the pairs of date properties that are a start and an end:
// the end may not come before the start. Every kind and relationship type
// with both properties is held to it.
var DateOrder = [][2]string{
	{"since", "until"},
	{"issuedOn", "publishedOn"}, // a plan is published on or after the day it is issued
}

// CheckDateOrder reports the first start/end pair of props (see DateOrder)
// whose end is before its start, as an INVALID_ARGUMENT about prefix.end.
func CheckDateOrder(props map[string]any, prefix string) error {
	for _, p := range DateOrder {
		start, ok1 := props[p[0]].(Date)
		end, ok2 := props[p[1]].(Date)
		if ok1 && ok2 && end.Before(start) {
			return Errorf(EINVALID, joinPath(prefix, p[1]), "%s (%s) is before %s (%s); an end cannot come before its start", p[1], end, p[0], start)
		}
	}
	return nil
}

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

func joinPath(prefix, field string) string {
	if prefix == "" {
		return field
	}
	return prefix + "." + field
}
