package roster

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/castgraph/castgraph"
)

func TestCheckCell(t *testing.T) {
	for _, tc := range []struct {
		field Field
		cell  string
		want  string // "" when the cell is fine
	}{
		{FieldName, "张三", ""},
		{FieldName, " 张 三 ", ""},            // white space is tidied by cleanText, not refused
		{FieldName, "张\n三", ""},             // a line break in a cell (Alt+Enter in Excel) is white space too
		{FieldName, "张\x00三", "NUL"},        // but NUL is damage
		{FieldName, "\x1b[31m张三", "escape"}, // and so is an escape sequence
		{FieldName, "张三\a", "control"},
		{FieldName, "abc\u202Etxt.exe", "bidirectional"},
		{FieldName, strings.Repeat("名", castgraph.MaxNameLen+1), "at most 200"},
		{FieldEmployer, strings.Repeat("名", castgraph.MaxNameLen+1), "at most 200"},
		{FieldTitle, strings.Repeat("名", castgraph.MaxNameLen+1), ""}, // a title is one line of up to 500
		{FieldTitle, "教授\u200F", "bidirectional"},
		{FieldSociety, "甲学会、乙\x00学会", "NUL"},
		{FieldSociety, "甲学会、" + strings.Repeat("名", castgraph.MaxNameLen+1), "at most 200"},
		{FieldIgnore, "\x00", ""},
		{"", "\x00", ""},
	} {
		err := checkCell(tc.field, tc.cell)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s %q: %v", tc.field, tc.cell, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s %q: %v, want an error saying %q", tc.field, tc.cell, err, tc.want)
		}
	}
}

func TestParseDate_PlausibleYearsOnly(t *testing.T) {
	for _, in := range []string{"1899-12-31", "2101-01-01", "99999-01-01", "1066年10月14日", "2958465"} {
		if d, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", in, d)
		}
	}
	for _, in := range []string{"1900-01-01", "2100-12-31"} {
		if _, err := ParseDate(in); err != nil {
			t.Errorf("ParseDate(%q): %v", in, err)
		}
	}
}

// FuzzValues feeds one cell to every parser of roster values and the text
// rules, checking that none panics and that what is accepted keeps the
// invariants the graph relies on.
func FuzzValues(f *testing.F) {
	for _, s := range []string{"2023-05-01", "2023年5月1日", "45047", "20230501", "2024/2/29 9:30", "99999-1-1",
		"是", "中国科学院院士", "91320100MA1XYZ1230", "９１３２０１００ｍａ", "张\x00三", "\x1b[31m", "a\u202Eb", "甲、乙；丙"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := ParseDate(s); err == nil {
			if d.Year < castgraph.MinYear || d.Year > castgraph.MaxYear || d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 31 {
				t.Fatalf("ParseDate(%q) = %+v", s, d)
			}
			if again, err := ParseDate(d.String()); err != nil || again != d {
				t.Fatalf("ParseDate(%q) = %v does not read back: %v, %v", s, d, again, err)
			}
		}
		_, _ = ParseBool(s)
		// NormaliseCreditCode need not be idempotent on junk (NFKC can
		// compose what removing a space brought together); on a code it
		// accepts it must be.
		if code := NormaliseCreditCode(s); CheckCreditCode(code) == nil {
			if len(code) != 18 || strings.Trim(code, "0123456789ABCDEFGHJKLMNPQRTUWXY") != "" || NormaliseCreditCode(code) != code {
				t.Fatalf("credit code %q accepted", code)
			}
		}
		for _, field := range []Field{FieldName, FieldTitle, FieldSociety} {
			if checkCell(field, s) != nil {
				continue
			}
			limit := castgraph.MaxLineLen
			values := []string{cleanText(s)}
			if field != FieldTitle {
				limit = castgraph.MaxNameLen
			}
			if field == FieldSociety {
				values = splitList(s)
			}
			for _, v := range values {
				v = cleanText(v)
				if !utf8.ValidString(v) || utf8.RuneCountInString(v) > limit {
					t.Fatalf("%s %q accepted", field, v)
				}
				for _, r := range v {
					if unicode.IsControl(r) || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 || r == 0x200E || r == 0x200F || r == 0x061C {
						t.Fatalf("%s %q accepted with %U", field, v, r)
					}
				}
			}
		}
	})
}
