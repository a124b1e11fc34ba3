package roster

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/castgraph/castgraph"
	"golang.org/x/text/unicode/norm"
)

var (
	datePattern   = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$`)
	compactDate   = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	serialPattern = regexp.MustCompile(`^\d+(?:\.\d+)?$`)
	excelEpoch    = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
)

// maxExcelSerial is 9999-12-31, the last date Excel knows.
const maxExcelSerial = 2958465

// ParseDate reads the dates rosters hold: 2023-05-01, 2023/5/1, 2023.5.1,
// 2023年5月1日, 20230501 (each optionally followed by a time of day, which is
// dropped), and Excel serial dates (45047 is 2023-05-01). A bare number of
// 2100 or less is taken for a year, which is not a date.
func ParseDate(s string) (castgraph.Date, error) {
	s = strings.TrimSpace(norm.NFKC.String(s))
	var y, m, d int
	if p := datePattern.FindStringSubmatch(s); p != nil {
		y, _ = strconv.Atoi(p[1])
		m, _ = strconv.Atoi(p[2])
		d, _ = strconv.Atoi(p[3])
	} else if p := compactDate.FindStringSubmatch(s); p != nil {
		y, _ = strconv.Atoi(p[1])
		m, _ = strconv.Atoi(p[2])
		d, _ = strconv.Atoi(p[3])
	} else if serialPattern.MatchString(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f <= 2100 || f > maxExcelSerial {
			return castgraph.Date{}, fmt.Errorf("%q is not a date (a year alone is not enough; Excel serial dates are numbers above 2100)", s)
		}
		t := excelEpoch.AddDate(0, 0, int(math.Floor(f)))
		return castgraph.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, nil
	} else {
		return castgraph.Date{}, fmt.Errorf("%q is not a date: write 2023-05-01, 2023/5/1 or 2023年5月1日", s)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if m < 1 || m > 12 || t.Day() != d || y < 1800 {
		return castgraph.Date{}, fmt.Errorf("%q is not a date of the calendar", s)
	}
	return castgraph.Date{Year: y, Month: time.Month(m), Day: d}, nil
}

// ParseBool reads a yes/no cell: 是/否, 有/无, Y/N, yes/no, true/false, 1/0,
// √/×; a cell naming an academy title (中国科学院院士, 工程院院士) is yes,
// 非院士 or 无 is no.
func ParseBool(s string) (bool, error) {
	v := strings.ToLower(strings.TrimSpace(norm.NFKC.String(s)))
	switch v {
	case "是", "有", "y", "yes", "true", "t", "1", "√", "✓", "✔", "院士", "是院士":
		return true, nil
	case "否", "无", "没有", "不是", "n", "no", "false", "f", "0", "×", "✗", "x", "非院士", "不是院士", "/":
		return false, nil
	}
	if strings.HasSuffix(v, "院士") && !strings.HasPrefix(v, "非") && !strings.HasPrefix(v, "不") {
		return true, nil
	}
	return false, fmt.Errorf("%q is not yes or no: write 是 or 否", s)
}

// creditCodeChars are the characters of a unified social credit code, in the
// order of their values (GB 32100-2015: no I, O, Z, S, V).
const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCodeWeights are 3^i mod 31 for the first 17 characters.
var creditCodeWeights = func() [17]int {
	var w [17]int
	p := 1
	for i := range w {
		w[i] = p
		p = p * 3 % 31
	}
	return w
}()

// NormaliseCreditCode folds the spellings of a credit code: full-width
// characters, lower case, spaces and hyphens.
func NormaliseCreditCode(s string) string {
	s = norm.NFKC.String(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\t' || r == '\u00a0':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// CheckCreditCode reports what is wrong with a unified social credit code
// (统一社会信用代码, GB 32100-2015), or nil: 18 characters of the code's
// alphabet, the last one the check character of the first 17. It does not
// check the organisation-code digit inside (GB 11714), which some codes
// issued by other registries do not carry.
func CheckCreditCode(code string) error {
	if n := len([]rune(code)); n != 18 {
		return fmt.Errorf("a unified social credit code has 18 characters, %q has %d", code, n)
	}
	sum := 0
	for i, r := range code {
		v := strings.IndexRune(creditCodeChars, r)
		if v < 0 {
			return fmt.Errorf("%q holds %q, which no unified social credit code has (they use 0-9 and A-Y without I, O, S, V, Z)", code, r)
		}
		if i < 17 {
			sum += v * creditCodeWeights[i]
		}
	}
	want := creditCodeChars[(31-sum%31)%31]
	if code[17] != want {
		return fmt.Errorf("%q fails the GB 32100-2015 check: its last character should be %c", code, want)
	}
	return nil
}

// splitList splits a cell that may name several things: 学会A、学会B；学会C.
func splitList(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune("、;；,，|\n", r)
	})
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
