package roster_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/castgraph/castgraph/roster"
)

// The values the API refuses are refused in a roster too, each
// reported with its row and column, and no refused row is written.
func TestImport_HostileValuesAreReportedByRowAndColumn(t *testing.T) {
	if testing.Short() {
		t.Skip("needs Neo4j")
	}
	w := newWorld(t)
	row := func(name, enterprise, code, via, since, until string) map[string]string {
		return map[string]string{"专家姓名": name, "服务企业": enterprise, "统一社会信用代码": code, "服务方式": via, "开始时间": since, "结束时间": until}
	}
	good := w.codeFor(30)
	rows := []map[string]string{
		row(w.n("好专家"), w.n("好企业有限公司"), good, "万名专家进万企", "2024-04-01", "2024-12-31"),  // 1: good
		row(w.n("空\x00字符"), w.n("甲企业有限公司"), w.codeFor(31), "", "", ""),                // 2
		row("\x1b[31m"+w.n("红"), w.n("乙企业有限公司"), w.codeFor(32), "", "", ""),           // 3
		row(w.n("响铃"), w.n("丙企业\a有限公司"), w.codeFor(33), "", "", ""),                   // 4
		row(w.n("反向")+"\u202Etxt.exe", w.n("丁企业有限公司"), w.codeFor(34), "", "", ""),     // 5
		row(w.n("倒序"), w.n("戊企业有限公司"), w.codeFor(35), "", "2024-05-01", "2020-01-01"), // 6
		row(w.n("远年"), w.n("己企业有限公司"), w.codeFor(36), "", "2999-01-01", ""),           // 7
		row(w.n(strings.Repeat("长", 300)), w.n("庚企业有限公司"), w.codeFor(37), "", "", ""), // 8
		row(w.n("坏码"), w.n("辛企业有限公司"), good[:17]+"?", "", "", ""),                     // 9
		row(w.n("转义"), w.n("壬企业有限公司"), w.codeFor(38), "服务团\x1b[0m", "", ""),           // 10
	}
	var b strings.Builder
	for _, r := range rows {
		line, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	rep := w.run(w.file("services.jsonl", []byte(b.String())), roster.Options{})
	if rep.RowsRead != 10 || rep.RowsOK != 1 || rep.RowsRejected != 9 {
		t.Fatalf("report: %s %+v", rep.Summary(), rep.Issues)
	}
	for _, want := range []struct {
		row          int
		column, code string
		says         string
	}{
		{2, "专家姓名", roster.CodeBadValue, "NUL"},
		{3, "专家姓名", roster.CodeBadValue, "escape"},
		{4, "服务企业", roster.CodeBadValue, "control"},
		{5, "专家姓名", roster.CodeBadValue, "bidirectional"},
		{6, "结束时间", roster.CodeBadValue, "before"},
		{7, "开始时间", roster.CodeBadDate, "1900–2100"},
		{8, "专家姓名", roster.CodeBadValue, "at most 200"},
		{9, "统一社会信用代码", roster.CodeBadCreditCode, "credit code"},
		{10, "服务方式", roster.CodeBadValue, "escape"},
	} {
		if is := issue(t, rep, want.row, want.column, want.code); !strings.Contains(is.Message, want.says) {
			t.Errorf("row %d: %q does not say %q", want.row, is.Message, want.says)
		}
	}
	if n := w.count(`MATCH (e:Expert) WHERE e.name ENDS WITH $tag RETURN count(e)`, nil); n != 1 {
		t.Errorf("%d experts written, want the good row's only", n)
	}
}
