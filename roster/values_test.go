package roster_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/data"
	"github.com/castgraph/castgraph/roster"
	"github.com/castgraph/castgraph/synth"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"
)

func TestParseDate_AcceptsTheFormsRostersUse(t *testing.T) {
	for in, want := range map[string]string{
		"2023-05-01": "2023-05-01", "2023/5/1": "2023-05-01", "2023.5.1": "2023-05-01", "2023年5月1日": "2023-05-01",
		"2023年05月01日": "2023-05-01", "２０２３年５月１日": "2023-05-01", "20230501": "2023-05-01", "45047": "2023-05-01",
		"45047.5": "2023-05-01", "2023-05-01 00:00:00": "2023-05-01", "2024/2/29 9:30": "2024-02-29", " 2023-5-1 ": "2023-05-01",
	} {
		d, err := roster.ParseDate(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"2023", "2023-02-30", "2023-13-01", "2023年5月", "5/1/2023", "yesterday", "0", "2023-5"} {
		if d, err := roster.ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", in, d)
		}
	}
}

func TestParseBool(t *testing.T) {
	for in, want := range map[string]bool{"是": true, "否": false, "Y": true, "no": false, "1": true, "0": false, "√": true,
		"中国科学院院士": true, "中国工程院院士": true, "非院士": false, "无": false, "TRUE": true} {
		if got, err := roster.ParseBool(in); err != nil || got != want {
			t.Errorf("ParseBool(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := roster.ParseBool("maybe"); err == nil {
		t.Error("maybe is not yes or no")
	}
}

func TestCheckCreditCode_DemoCodesPassAndAlteredOnesFail(t *testing.T) {
	d, err := data.Demo()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, node := range d.Nodes {
		code, ok := node.Props["creditCode"].(string)
		if !ok {
			continue
		}
		n++
		if err := roster.CheckCreditCode(code); err != nil {
			t.Errorf("%s: %v", node.Name, err)
		}
		last := strings.IndexByte("0123456789ABCDEFGHJKLMNPQRTUWXY", code[17])
		altered := code[:17] + string("0123456789ABCDEFGHJKLMNPQRTUWXY"[(last+1)%31])
		if roster.CheckCreditCode(altered) == nil {
			t.Errorf("%s passes the check", altered)
		}
		if lower := strings.ToLower(code); roster.NormaliseCreditCode(" "+lower[:6]+"-"+lower[6:]) != code {
			t.Errorf("NormaliseCreditCode does not fold %q", lower)
		}
	}
	if n == 0 {
		t.Fatal("the demo has no credit codes")
	}
	for _, bad := range []string{"", "91320100", "91320100MA1XYZ12IO", "9132010OMA1XYZ123X"} {
		if roster.CheckCreditCode(bad) == nil {
			t.Errorf("%q passes", bad)
		}
	}
}

func TestDetectEncoding(t *testing.T) {
	text := strings.Repeat("姓名,工作单位\n张三,南京大学\n", 5000) // longer than one read buffer
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(text)
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
	late := text + "\n" + mustGBK(t, "李四,东南大学\n") // valid UTF-8 until the very end
	for _, tc := range []struct {
		name, in, want string
	}{
		{"UTF-8", text, roster.EncodingUTF8},
		{"UTF-8 BOM", "\ufeff" + text, roster.EncodingUTF8},
		{"GBK", gbk, roster.EncodingGB18030},
		{"GBK at the end only", late, roster.EncodingGB18030},
		{"UTF-16", utf16, roster.EncodingUTF16},
		{"ASCII", "name\nx\n", roster.EncodingUTF8},
		{"empty", "", roster.EncodingUTF8},
	} {
		r := strings.NewReader(tc.in)
		got, err := roster.DetectEncoding(r)
		if err != nil || got != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
		if pos, _ := r.Seek(0, 1); pos != 0 {
			t.Errorf("%s: the reader was left at %d", tc.name, pos)
		}
	}
}

func mustGBK(t *testing.T, s string) string {
	out, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// oldNormalizeName is NormalizeName before roster imports extended it.
func oldNormalizeName(s string) string {
	s = norm.NFKC.String(s)
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

func TestNormalizeName_KeepsTheKeysOfSeedAndDemoData(t *testing.T) {
	d, err := data.Demo()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, n := range d.Nodes {
		spec, _ := castgraph.SpecOf(n.Kind)
		for _, s := range append([]string{n.Name}, n.Aliases...) {
			if castgraph.NormalizeName(s) != oldNormalizeName(s) {
				t.Errorf("%s %q: the key changed from %q to %q", n.Kind, s, oldNormalizeName(s), castgraph.NormalizeName(s))
			}
			checked++
		}
		for _, p := range spec.KeyProps {
			if s, ok := n.Props[p].(string); ok && castgraph.NormalizeName(s) != oldNormalizeName(s) {
				t.Errorf("%s %s %q: the key changed", n.Kind, p, s)
			}
		}
	}
	// And the synthetic benchmark graph's (seed 1, scaled down).
	g, err := synth.New(synth.Scaled(1, 20))
	if err != nil {
		t.Fatal(err)
	}
	for part, err := range g.Datasets(5000) {
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range part.Nodes {
			if castgraph.NormalizeName(n.Name) != oldNormalizeName(n.Name) {
				t.Errorf("synthetic %s %q: the key changed", n.Kind, n.Name)
			}
			checked++
		}
	}
	t.Logf("%d names checked", checked)
}

func TestNormalizeName_FoldsRosterSpellings(t *testing.T) {
	for _, group := range [][]string{
		{"苏州示例电子（集团）有限公司", "苏州示例电子(集团)有限公司", "苏州 示例 电子 (集团) 有限公司", "苏州示例电子【集团】有限公司", "苏州示例电子〔集团〕有限公司", "苏州示例电子[集团]有限公司"},
		{"阿卜杜·热西提", "阿卜杜•热西提", "阿卜杜・热西提"},
		{"Siemens (China) Co., Ltd.", "SIEMENS(China) Co.,Ltd.", "ｓｉｅｍｅｎｓ（ｃｈｉｎａ）ｃｏ．，ｌｔｄ．"},
		{"张 三", "张三", " 张三 "},
	} {
		want := castgraph.NormalizeName(group[0])
		for _, s := range group[1:] {
			if got := castgraph.NormalizeName(s); got != want {
				t.Errorf("NormalizeName(%q) = %q, want %q", s, got, want)
			}
		}
	}
	for _, pair := range [][2]string{
		{"zhang san", "zhangsan"}, // Latin words keep their space
		{"甲有限公司", "甲有限责任公司"},      // legal forms are not folded in keys
	} {
		if castgraph.NormalizeName(pair[0]) == castgraph.NormalizeName(pair[1]) {
			t.Errorf("%q and %q must stay apart", pair[0], pair[1])
		}
	}
}

func TestReport_JSONHasRowColumnCodeMessage(t *testing.T) {
	var buf bytes.Buffer
	rep := &roster.Report{Issues: []roster.Issue{{Row: 3, Column: "姓名", Code: roster.CodeRequired, Severity: "error", Message: "name is required"}}}
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"row": 3`, `"column": "姓名"`, `"code": "REQUIRED"`, `"message": "name is required"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("JSON report lacks %s:\n%s", want, buf.String())
		}
	}
}
