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
		return plausible(castgraph.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()})
	} else {
		return castgraph.Date{}, fmt.Errorf("%q is not a date: write 2023-05-01, 2023/5/1 or 2023年5月1日", s)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if m < 1 || m > 12 || t.Day() != d {
		return castgraph.Date{}, fmt.Errorf("%q is not a date of the calendar", s)
	}
	return plausible(castgraph.Date{Year: y, Month: time.Month(m), Day: d})
}

// plausible holds a parsed date to the years the API accepts.
func plausible(d castgraph.Date) (castgraph.Date, error) {
	if err := castgraph.CheckDate(d); err != nil {
		return castgraph.Date{}, err
	}
	return d, nil
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

// NormaliseCreditCode folds the spellings of a credit code: full-width
// characters, lower case, spaces and hyphens. It is
// castgraph.NormaliseCreditCode, which the API applies too.
func NormaliseCreditCode(s string) string { return castgraph.NormaliseCreditCode(s) }

// CheckCreditCode reports what is wrong with a unified social credit code
// (统一社会信用代码, GB 32100-2015), or nil. It is castgraph.CheckCreditCode,
// so that a code the importer refuses the API refuses too.
func CheckCreditCode(code string) error { return castgraph.CheckCreditCode(code) }

// checkCell holds the cell of a column mapped to f to the text rules the API
// applies (castgraph.CheckText): names, the names a row refers to and an
// expert's disambiguation (part of the natural key) as names (at most
// castgraph.MaxNameLen characters, also each item of a list cell), the rest
// as one line of text. Runs of white space, line breaks and
// tabs included, were made one space by cleanText before; what is left –
// NUL, escape sequences, bidirectional controls – is refused, not dropped,
// so that the roster's owner sees the cell is damaged.
func checkCell(f Field, cell string) error {
	switch f {
	case "", FieldIgnore:
		return nil
	case FieldSociety, FieldChain, FieldCluster, FieldAliases, FieldHost, FieldPerson:
		for _, v := range splitList(cell) {
			if err := castgraph.CheckText(cleanText(v), castgraph.TextName); err != nil {
				return fmt.Errorf("%q %v", clip(v), err)
			}
		}
		return nil
	case FieldName, FieldDisambiguation, FieldEmployer, FieldCity, FieldPark, FieldStation, FieldCountry, FieldEnterprise,
		FieldGuide, FieldParent:
		if err := castgraph.CheckText(cleanText(cell), castgraph.TextName); err != nil {
			return fmt.Errorf("the name %v", err)
		}
		return nil
	}
	if err := castgraph.CheckText(cleanText(cell), castgraph.TextLine); err != nil {
		return fmt.Errorf("the value %v", err)
	}
	return nil
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
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

var monthPattern = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$`)

// ParseBirthMonth reads a 出生年月 cell as castgraph's year and month
// (YYYY-MM): 1988-04, 1988-4, 1988/4, 1988.04, 1988年4月, 198804, or a full
// date in any form ParseDate reads (1988-04-12, 1988年4月12日, an Excel
// date), of which the month is kept. Whether the month is plausible is the
// registry's rule (castgraph.CheckBirthMonth), applied by the caller. The
// error does not quote the cell: a birth date is personal.
func ParseBirthMonth(s string) (string, error) {
	s = strings.TrimSpace(norm.NFKC.String(s))
	var y, m int
	if p := monthPattern.FindStringSubmatch(s); p != nil {
		y, _ = strconv.Atoi(p[1])
		m, _ = strconv.Atoi(p[2])
	} else if len(s) == 6 && compactMonth.MatchString(s) {
		y, _ = strconv.Atoi(s[:4])
		m, _ = strconv.Atoi(s[4:])
	} else if d, err := ParseDate(s); err == nil {
		y, m = d.Year, int(d.Month)
	} else {
		return "", fmt.Errorf("not a year and month: write 1988-04, 1988.4 or 1988年4月 (a full date gives its month)")
	}
	if m < 1 || m > 12 {
		return "", fmt.Errorf("not a year and month: the month must be 1 to 12")
	}
	return fmt.Sprintf("%04d-%02d", y, m), nil
}

var compactMonth = regexp.MustCompile(`^(19|20)\d{2}(0[1-9]|1[0-2])$`)

// ParseGender reads a 性别 cell as castgraph's gender: 男 (男性, M, male)
// is MALE, 女 (女性, F, female) FEMALE, 其他 OTHER. A cell that declines to
// say (保密, 未知, 不详, -, /) gives no value, ok false, and no error.
func ParseGender(s string) (gender string, ok bool, err error) {
	switch strings.ToLower(strings.TrimSpace(norm.NFKC.String(s))) {
	case "男", "男性", "m", "male", "man":
		return "MALE", true, nil
	case "女", "女性", "f", "female", "woman":
		return "FEMALE", true, nil
	case "其他", "其它", "other":
		return "OTHER", true, nil
	case "", "保密", "未知", "不详", "未填", "-", "/":
		return "", false, nil
	}
	return "", false, fmt.Errorf("not a gender: write 男 or 女")
}
