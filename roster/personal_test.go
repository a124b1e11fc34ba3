package roster_test

import (
	"strings"
	"testing"
	"time"

	"github.com/castgraph/castgraph/roster"
)

func TestPersonalParseBirthMonth(t *testing.T) {
	for in, want := range map[string]string{
		"1988-04":     "1988-04",
		"1988-4":      "1988-04",
		"1988/4":      "1988-04",
		"1988.04":     "1988-04",
		"1988.4":      "1988-04",
		"1988年4月":     "1988-04",
		"1988 年 12 月": "1988-12",
		"１９８８年４月":     "1988-04",
		"198804":      "1988-04",
		"1988-04-12":  "1988-04",
		"1988年4月12日":  "1988-04",
		"19880412":    "1988-04",
		"32245":       "1988-04", // an Excel date: 1988-04-12
		"1988-13":     "",
		"1988年13月":    "",
		"1988-00":     "",
		"198813":      "",
		"1988":        "",
		"昨天":          "",
		"1988-02-30":  "",
	} {
		got, err := roster.ParseBirthMonth(in)
		switch {
		case want == "" && err == nil:
			t.Errorf("ParseBirthMonth(%q) = %q, want an error", in, got)
		case want != "" && (err != nil || got != want):
			t.Errorf("ParseBirthMonth(%q) = %q, %v; want %s", in, got, err, want)
		}
		if err != nil && len(in) > 4 && strings.Contains(err.Error(), in) { // 1988 is in the example
			t.Errorf("the error quotes the cell: %v", err)
		}
	}
}

func TestPersonalParseGender(t *testing.T) {
	for in, want := range map[string]string{
		"男": "MALE", " 男性 ": "MALE", "M": "MALE", "male": "MALE",
		"女": "FEMALE", "女性": "FEMALE", "F": "FEMALE", "Female": "FEMALE",
		"其他": "OTHER",
		"保密": "", "未知": "", "-": "",
	} {
		got, ok, err := roster.ParseGender(in)
		if err != nil || got != want || ok != (want != "") {
			t.Errorf("ParseGender(%q) = %q, %v, %v; want %q", in, got, ok, err, want)
		}
	}
	for _, in := range []string{"男女", "1", "先生?", "boy"} {
		if _, _, err := roster.ParseGender(in); err == nil {
			t.Errorf("ParseGender(%q) is accepted", in)
		}
	}
}

// TestPersonalImport: the usual columns fill an expert's personal
// properties, in the form the API writes; a bad cell is an error of its row
// and column that does not quote it, and the row is not written.
func TestPersonalImport(t *testing.T) {
	if testing.Short() {
		t.Skip("needs Neo4j")
	}
	w := newWorld(t)
	future := time.Now().AddDate(1, 0, 0).Format("2006年1月")
	path := w.file("experts.csv", csvText(
		[]string{"姓名", "工作单位", "性别", "出生年月", "手机号码", "电子邮箱"},
		[]string{w.n("周敏"), w.n("测试大学"), "女", "1988.4", "138 1234 5678", "ZhouMin@Example.EDU.CN"}, // 2: good
		[]string{w.n("吴刚"), w.n("测试大学"), "男", "1975年11月3日", "025-8345 6789转801", ""},               // 3: good, a full date
		[]string{w.n("郑洁"), w.n("测试大学"), "保密", "", "", ""},                                         // 4: good, nothing personal
		[]string{w.n("钱一"), w.n("测试大学"), "", "1988-13", "", ""},                                    // 5: no such month
		[]string{w.n("钱二"), w.n("测试大学"), "", "昨天", "", ""},                                         // 6: not a month
		[]string{w.n("钱三"), w.n("测试大学"), "", future, "", ""},                                       // 7: not born yet
		[]string{w.n("钱四"), w.n("测试大学"), "男女", "", "", ""},                                         // 8: not a gender
		[]string{w.n("钱五"), w.n("测试大学"), "", "", "1381234567", ""},                                 // 9: 10 digits
		[]string{w.n("钱六"), w.n("测试大学"), "", "", "", "qian6#example.cn"},                           // 10: no @
	))
	rep := w.run(path, roster.Options{})
	if rep.RowsOK != 3 || rep.RowsRejected != 6 {
		t.Fatalf("report: %s%+v", rep.Summary(), rep.Issues)
	}
	for _, c := range []struct {
		row          int
		column, code string
		cell         string
	}{
		{5, "出生年月", roster.CodeBadDate, "1988-13"},
		{6, "出生年月", roster.CodeBadDate, "昨天"},
		{7, "出生年月", roster.CodeBadDate, future},
		{8, "性别", roster.CodeBadValue, "男女"},
		{9, "手机号码", roster.CodeBadValue, "1381234567"},
		{10, "电子邮箱", roster.CodeBadValue, "qian6#example.cn"},
	} {
		is := issue(t, rep, c.row, c.column, c.code)
		if strings.Contains(is.Message, c.cell) {
			t.Errorf("row %d: the message quotes the cell: %q", c.row, is.Message)
		}
	}
	for _, is := range rep.Issues {
		if is.Code == roster.CodeUnknownColumn {
			t.Errorf("a personal column is ignored: %+v", is)
		}
	}
	got := w.query(`MATCH (e:Expert) WHERE e.name ENDS WITH $tag
		RETURN e.name AS name, e.gender AS gender, e.birthMonth AS birth, e.phone AS phone, e.email AS email ORDER BY name`, nil)
	want := map[string][4]any{
		w.n("周敏"): {"FEMALE", "1988-04", "13812345678", "ZhouMin@example.edu.cn"},
		w.n("吴刚"): {"MALE", "1975-11", "025-83456789转801", nil},
		w.n("郑洁"): {nil, nil, nil, nil},
	}
	if len(got) != len(want) {
		t.Fatalf("experts written: %v", got)
	}
	for _, r := range got {
		wv, ok := want[r["name"].(string)]
		if !ok {
			t.Errorf("a rejected row was written: %v", r)
			continue
		}
		if gv := [4]any{r["gender"], r["birth"], r["phone"], r["email"]}; gv != wv {
			t.Errorf("%s: %v, want %v", r["name"], gv, wv)
		}
	}
}

// TestPersonalColumns: the English headers and the other usual Chinese ones
// map to the personal fields in every roster of people, not in enterprise
// lists.
func TestPersonalColumns(t *testing.T) {
	for header, field := range map[string]roster.Field{
		"性别": roster.FieldGender, "Gender": roster.FieldGender, "sex": roster.FieldGender,
		"出生年月": roster.FieldBirthMonth, "出生日期": roster.FieldBirthMonth, "Date of birth": roster.FieldBirthMonth, "birthMonth": roster.FieldBirthMonth,
		"手机": roster.FieldPhone, "手机号码": roster.FieldPhone, "联系电话": roster.FieldPhone, "Phone": roster.FieldPhone, "Mobile": roster.FieldPhone,
		"电子邮箱": roster.FieldEmail, "邮箱": roster.FieldEmail, "E-mail": roster.FieldEmail, "Email": roster.FieldEmail,
	} {
		if got, err := roster.ParseField(header); err != nil || got != field {
			t.Errorf("ParseField(%q) = %q, %v; want %s", header, got, err, field)
		}
	}
}
