package castgraph

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Personal information (个人信息) under PIPL: the properties marked Personal
// in the registry (an expert's gender, birth month, phone and e-mail). The
// rules here are the one set the API and the roster importer apply (through
// PropSpec.Clean). Their messages never quote the value: an error is logged
// and may be shown to someone who may not read it.

// genders are the values of Expert.gender. Rosters write 男 and 女 (see
// roster.ParseGender); OTHER is for a person who states neither.
var genders = []string{"MALE", "FEMALE", "OTHER"}

// PersonalProps lists the names of the kind's personal properties.
func (s *KindSpec) PersonalProps() []string {
	var out []string
	for _, p := range s.Props {
		if p.Personal {
			out = append(out, p.Name)
		}
	}
	return out
}

// IsPersonal tells whether field is a personal property of the kind. For an
// empty kind (a field of nodes of several kinds) it is personal when any
// kind has a personal property of that name: when in doubt, refuse.
func IsPersonal(kind Kind, field string) bool {
	for i := range Kinds {
		if kind != "" && Kinds[i].Kind != kind {
			continue
		}
		if p, ok := Kinds[i].Prop(field); ok && p.Personal {
			return true
		}
	}
	return false
}

// ParseYearMonth reads a year and month written YYYY-MM (1988-04) and
// returns it in that form; the month must be 01 to 12. Rosters' other
// spellings (1988年4月, 1988.4, a full date) are read by package roster.
func ParseYearMonth(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) != 7 || s[4] != '-' || !allDigits(s[:4]) || !allDigits(s[5:]) {
		return "", fmt.Errorf("must be a year and month YYYY-MM, e.g. 1988-04")
	}
	if m := s[5:]; m < "01" || m > "12" {
		return "", fmt.Errorf("must be a year and month YYYY-MM with a month from 01 to 12")
	}
	return s, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// CheckBirthMonth holds a birth month (YYYY-MM, see ParseYearMonth) to the
// plausible: not before MinYear, not after the current month.
func CheckBirthMonth(ym string) error {
	if ym < fmt.Sprintf("%04d-01", MinYear) {
		return fmt.Errorf("is before %d", MinYear)
	}
	if ym > time.Now().Format("2006-01") {
		return fmt.Errorf("is in the future")
	}
	return nil
}

// NormalisePhone folds the spellings of a Chinese phone number: full-width
// digits, spaces, hyphens, dots and brackets between digit groups, a +86 or
// 0086 country code. A mobile becomes its 11 digits (13812345678), a
// landline its area code, a hyphen and the number (025-83456789; the area
// code is 3 digits for 010 and 02x, else 4), an extension is kept after 转
// (025-83456789转8001; 分机, ext, x and # are read as 转). What it cannot read
// is returned folded but otherwise as given, for CheckPhone to refuse.
func NormalisePhone(s string) string {
	s = strings.ToLower(strings.TrimSpace(norm.NFKC.String(s)))
	main, ext := s, ""
	for _, sep := range []string{"转", "分机", "ext.", "ext", "x", "#"} {
		if i := strings.Index(s, sep); i > 0 {
			main, ext = s[:i], strings.TrimSpace(s[i+len(sep):])
			break
		}
	}
	var b strings.Builder
	for _, r := range main {
		switch {
		case unicode.IsSpace(r), r == '(', r == ')', r == '.', unicode.Is(unicode.Pd, r):
		default:
			b.WriteRune(r)
		}
	}
	digits := b.String()
	national := digits
	for _, cc := range []string{"+86", "0086"} {
		national = strings.TrimPrefix(national, cc)
	}
	if strings.HasPrefix(digits, "86") && len(digits) == 13 && digits[2] == '1' {
		national = digits[2:] // 86 before a mobile
	}
	if !allDigits(national) {
		return s
	}
	if national != digits && national[0] != '1' && national[0] != '0' {
		national = "0" + national // +86 25 83456789: the trunk 0 is dropped after a country code
	}
	digits = national
	if len(digits) >= 10 && len(digits) <= 12 && digits[0] == '0' {
		area := 4
		if digits[1] == '1' || digits[1] == '2' {
			area = 3
		}
		digits = digits[:area] + "-" + digits[area:]
	}
	if ext != "" {
		digits += "转" + ext
	}
	return digits
}

// CheckPhone reports whether a normalised phone number (NormalisePhone) is
// a Chinese mobile (11 digits, 13 to 19 first), a landline with its area
// code (0xx-xxxxxxxx, 0xxx-xxxxxxx[x]) or without (7 or 8 digits), or a
// 400/800 service number, optionally with an extension of up to 6 digits.
// Loosely: it checks the shape, not that the number is allocated.
func CheckPhone(s string) error {
	main, ext, hasExt := strings.Cut(s, "转")
	if hasExt && (!allDigits(ext) || len(ext) > 6) {
		return fmt.Errorf("has an extension that is not 1 to 6 digits")
	}
	area, number, landline := strings.Cut(main, "-")
	ok := false
	switch {
	case landline:
		short := area[:min(len(area), 2)] == "01" || area[:min(len(area), 2)] == "02"
		ok = allDigits(area) && allDigits(number) && area[0] == '0' &&
			(short && len(area) == 3 || !short && len(area) == 4) &&
			len(number) >= 7 && len(number) <= 8 && number[0] != '0' && number[0] != '1'
	case len(main) == 11 && main[0] == '1':
		ok = allDigits(main) && main[1] >= '3' && main[1] <= '9'
	case len(main) == 10 && (strings.HasPrefix(main, "400") || strings.HasPrefix(main, "800")):
		ok = allDigits(main)
	case len(main) == 7 || len(main) == 8:
		ok = allDigits(main) && main[0] != '0' && main[0] != '1'
	}
	if !ok {
		return fmt.Errorf("is not a Chinese phone number: write a mobile of 11 digits (1xx xxxx xxxx) or a landline with its area code (0xx-xxxxxxxx)")
	}
	return nil
}

// NormaliseEmail folds the spellings of an e-mail address: full-width
// characters (＠, full-width letters) and the case of the domain, which
// does not matter; the local part keeps its case, which may.
func NormaliseEmail(s string) string {
	s = strings.TrimSpace(norm.NFKC.String(s))
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[:i] + strings.ToLower(s[i:])
	}
	return s
}

// CheckEmail reports whether s is a sane e-mail address: one @, a local
// part of the characters RFC 5322 allows unquoted (no leading, trailing or
// double dot), a domain of at least two labels of letters, digits and
// hyphens (any script: 例子.中国 is a domain), at most 254 bytes. Quoted local
// parts, comments and IP-literal domains are refused: rosters do not hold
// them, and a display name ("张三 <a@b.cn>") belongs elsewhere.
func CheckEmail(s string) error {
	bad := func(why string) error { return fmt.Errorf("is not an e-mail address: %s", why) }
	if len(s) > 254 {
		return bad("it is over 254 bytes")
	}
	local, domain, ok := strings.Cut(s, "@")
	switch {
	case !ok:
		return bad("it has no @")
	case strings.Contains(domain, "@"):
		return bad("it has more than one @")
	case local == "" || len(local) > 64:
		return bad("the part before @ must be 1 to 64 characters")
	case local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, ".."):
		return bad("the part before @ has a dot at an end or two together")
	}
	for _, r := range local {
		if !(r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".!#$%&'*+/=?^_`{|}~-", r))) {
			return bad("the part before @ holds a character addresses do not use")
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return bad("the domain needs a dot, as in example.cn")
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return bad("the domain has an empty or malformed part")
		}
		for _, r := range l {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' {
				return bad("the domain holds a character domains do not use")
			}
		}
	}
	if allDigits(labels[len(labels)-1]) {
		return bad("the domain must end in a name, not a number")
	}
	return nil
}
