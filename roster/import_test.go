package roster_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/roster"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// expertsRoster is a small expert list of the world: five experts, one of
// them an academician, two societies for one of them, employers of both kinds.
func (w *world) expertsRoster() []byte {
	return csvText(
		[]string{"姓名", "工作单位", "职称", "院士", "研究领域", "所属学会", "入会时间", "所在城市"},
		[]string{w.n("张明"), w.n("测试大学"), "教授", "是", "电力系统", w.n("测试学会"), "2023-05-01", w.n("测试市")},
		[]string{w.n("李华"), w.n("测试科技有限公司"), "高级工程师", "否", "机器人", w.n("测试学会") + "、" + w.n("测试机械学会"), "2023/5/1", w.n("测试")},
		[]string{w.n("王芳"), w.n("测试研究院"), "研究员", "", "材料", "", "", w.n("另一市")},
		[]string{w.n("赵强"), w.n("测试科技有限公司"), "工程师", "否", "", w.n("测学"), "2023年5月1日", ""},
		[]string{w.n("孙丽"), "", "讲师", "否", "", "", "45047", ""},
	)
}

func TestImport_ExpertsRosterWritesRowsAndReRunChangesNothing(t *testing.T) {
	w := newWorld(t)
	path := w.file("experts.csv", w.expertsRoster())
	rep := w.run(path, roster.Options{})
	if rep.Kind != roster.Experts || rep.RowsRead != 5 || rep.RowsOK != 5 || rep.RowsRejected != 0 || !rep.Written || !rep.Complete {
		t.Fatalf("report: %+v\n%s", rep, rep.Summary())
	}
	// 5 experts, 3 employers (an institution, an enterprise, a research institute).
	if rep.NodesCreated != 8 {
		t.Errorf("nodes created = %d, want 8", rep.NodesCreated)
	}
	// AFFILIATED_WITH 4, MEMBER_OF 4, LOCATED_IN 3.
	if rep.RelationshipsCreated != 11 {
		t.Errorf("relationships created = %d, want 11", rep.RelationshipsCreated)
	}
	row := w.query(`MATCH (e:Expert {name: $name})-[m:MEMBER_OF]->(s:Society)
		MATCH (e)-[:AFFILIATED_WITH]->(u:Institution) MATCH (e)-[:LOCATED_IN]->(c:Region)
		RETURN e.id AS id, e.academician AS acad, e.title AS title, e.disambiguation AS dis, e.sources AS sources,
		       m.since AS since, s.name AS society, u.name AS employer, u.institutionType AS type, c.name AS city, m.sources AS msources`,
		map[string]any{"name": w.n("张明")})
	if len(row) != 1 {
		t.Fatalf("张明: %v", row)
	}
	r := row[0]
	wantSource := fmt.Sprintf("roster experts-%s.csv, row 2", w.tag)
	if r["acad"] != true || r["title"] != "教授" || r["dis"] != w.n("测试大学") || r["society"] != w.n("测试学会") ||
		r["employer"] != w.n("测试大学") || r["type"] != "UNIVERSITY" || r["city"] != w.n("测试市") ||
		fmt.Sprint(r["since"]) != "2023-05-01" || fmt.Sprint(r["sources"]) != "["+wantSource+"]" || fmt.Sprint(r["msources"]) != "["+wantSource+"]" {
		t.Errorf("张明 = %v", r)
	}
	if !strings.HasPrefix(r["id"].(string), "expert/r-") {
		t.Errorf("id %v is not a roster id", r["id"])
	}
	// The city's alias and the society's alias resolved; the enterprise is shared.
	if n := w.count(`MATCH (e:Expert)-[:AFFILIATED_WITH]->(x:Enterprise {name: $name}) RETURN count(e)`, map[string]any{"name": w.n("测试科技有限公司")}); n != 2 {
		t.Errorf("%d experts work for the enterprise, want 2", n)
	}
	if n := w.count(`MATCH (e:Expert {name: $name})-[:MEMBER_OF]->(s:Society) RETURN count(s)`, map[string]any{"name": w.n("李华")}); n != 2 {
		t.Errorf("李华 is in %d societies, want 2", n)
	}
	if got := w.query(`MATCH (e:Expert {name: $name})-[m:MEMBER_OF]->() RETURN toString(m.since) AS since`, map[string]any{"name": w.n("赵强")}); len(got) != 1 || got[0]["since"] != "2023-05-01" {
		t.Errorf("赵强's membership: %v", got)
	}

	before := w.fingerprint()
	again := w.run(path, roster.Options{})
	if again.NodesCreated+again.NodesUpdated+again.RelationshipsCreated+again.RelationshipsUpdated != 0 || again.RowsOK != 5 {
		t.Errorf("re-run wrote: %s", again.Summary())
	}
	if after := w.fingerprint(); after != before {
		t.Error("re-running the roster changed the graph")
	}
}

func TestImport_GBKAndBOMFilesReadTheSame(t *testing.T) {
	w := newWorld(t)
	utf8Text := w.expertsRoster()
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(utf8Text)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(gbk, utf8Text) {
		t.Fatal("the GBK encoding changed nothing")
	}
	for _, tc := range []struct {
		name, file string
		content    []byte
		encoding   string
		want       string
	}{
		{"GBK detected", "gbk.csv", gbk, "", roster.EncodingGB18030},
		{"GBK given", "gbk2.csv", gbk, "gbk", roster.EncodingGBK},
		{"UTF-8 with BOM", "bom.csv", append([]byte{0xEF, 0xBB, 0xBF}, utf8Text...), "", roster.EncodingUTF8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := w.run(w.file(tc.file, tc.content), roster.Options{Encoding: tc.encoding, DryRun: true})
			if rep.Encoding != tc.want || rep.RowsOK != 5 || rep.Kind != roster.Experts {
				t.Errorf("report: %s (encoding %s)", rep.Summary(), rep.Encoding)
			}
			if len(rep.Columns) == 0 || rep.Columns[0].Column != "姓名" {
				t.Errorf("headers read as %v", rep.Columns)
			}
		})
	}
	// A real import of the GBK file writes names that read back as Chinese.
	w.run(w.file("gbk-write.csv", gbk), roster.Options{})
	if n := w.count(`MATCH (e:Expert {name: $name})-[:MEMBER_OF]->(:Society {name: $soc}) RETURN count(e)`,
		map[string]any{"name": w.n("张明"), "soc": w.n("测试学会")}); n != 1 {
		t.Errorf("the GBK roster's expert is not in the graph by its Chinese name")
	}
}

func TestImport_XLSXWithTitleRowDateCellsAndNamedSheet(t *testing.T) {
	w := newWorld(t)
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "说明")
	_ = f.SetCellValue("说明", "A1", "这一页不是名单")
	if _, err := f.NewSheet("专家名单"); err != nil {
		t.Fatal(err)
	}
	sheet := "专家名单"
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	rows := [][]any{
		{"【合成数据】专家名单（测试）"},
		{"姓名*", "工作单位", "职称", "是否院士", "所属学会", "入会时间", "所在城市"},
		{w.n("钱伟"), w.n("测试大学"), "教授", "否", w.n("测试学会"), 45047, w.n("测试市")},
		{w.n("周敏"), w.n("测试大学"), "副教授", "是", w.n("测试机械学会"), "2024/1/15", w.n("测试市")},
		{},
		{w.n("吴刚"), w.n("测试集团"), "工程师", "否", "不存在的学会" + w.tag, "2024-02-01", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	_ = f.SetCellStyle(sheet, "F3", "F3", dateStyle)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	path := w.file("experts.xlsx", buf.Bytes())

	// The first sheet holds no roster.
	if _, err := w.try(context.Background(), path, roster.Options{}); castgraph.ErrorCode(err) != castgraph.EINVALID {
		t.Fatalf("the first sheet: err = %v, want INVALID_ARGUMENT", err)
	}
	rep := w.run(path, roster.Options{Sheet: sheet})
	if rep.Sheet != sheet || rep.RowsRead != 3 || rep.RowsOK != 2 || rep.RowsRejected != 1 {
		t.Fatalf("report: %s", rep.Summary())
	}
	is := issue(t, rep, 6, "所属学会", roster.CodeNotFound)
	if !strings.Contains(is.Message, "不存在的学会") {
		t.Errorf("message %q does not name the society", is.Message)
	}
	got := w.query(`MATCH (e:Expert {name: $name})-[m:MEMBER_OF]->() RETURN toString(m.since) AS since, e.academician AS acad`, map[string]any{"name": w.n("钱伟")})
	if len(got) != 1 || got[0]["since"] != "2023-05-01" || got[0]["acad"] != false {
		t.Errorf("钱伟: %v (an Excel date cell must read as 2023-05-01)", got)
	}
	// The rejected row wrote nothing, not even its employer.
	if n := w.count(`MATCH (n:Entity) WHERE n.name IN [$e, $x] RETURN count(n)`, map[string]any{"e": w.n("吴刚"), "x": w.n("测试集团")}); n != 0 {
		t.Errorf("the rejected row left %d nodes", n)
	}
	// A sheet that does not exist.
	if _, err := w.try(context.Background(), path, roster.Options{Sheet: "没有"}); castgraph.ErrorCode(err) != castgraph.EINVALID || !strings.Contains(err.Error(), "专家名单") {
		t.Errorf("missing sheet: %v", err)
	}
}

func TestImport_BadRowsAreReportedByRowColumnAndCode(t *testing.T) {
	w := newWorld(t)
	good := creditCode("91320100MA1XYZ12")[:0] + w.codeFor(1)
	bad := good[:17] + string("0123456789ABCDEFGHJKLMNPQRTUWXY"[(strings.IndexByte("0123456789ABCDEFGHJKLMNPQRTUWXY", good[17])+1)%31])
	path := w.file("enterprises.csv", csvText(
		[]string{"企业名称", "统一社会信用代码", "所在城市", "所在园区", "产业链", "备注"},
		[]string{w.n("甲公司"), good, w.n("测试市"), w.n("测试高新区"), w.n("测试链"), "ok"},       // 2: good
		[]string{w.n("乙公司"), bad, w.n("测试市"), "", "", ""},                            // 3: check character
		[]string{"", w.codeFor(2), w.n("测试市"), "", "", ""},                           // 4: no name
		[]string{w.n("丙公司"), "123", "", "", "", ""},                                  // 5: too short
		[]string{w.n("丁公司"), w.codeFor(3), "火星" + w.tag, "", "", ""},                 // 6: unknown city
		[]string{w.n("甲公司二"), good, "", "", "", ""},                                  // 7: same code as row 2
		[]string{w.n("戊公司"), w.codeFor(4), "", "", w.n("测试链") + "、不存在链" + w.tag, ""}, // 8: one chain unknown
		[]string{w.n("己公司"), w.codeFor(5), w.n("测试市"), "", "", ""},                   // 9: good
	))
	rep := w.run(path, roster.Options{})
	if rep.Kind != roster.Enterprises || rep.RowsRead != 8 || rep.RowsOK != 2 || rep.RowsRejected != 6 {
		t.Fatalf("report: %s%+v", rep.Summary(), rep.Issues)
	}
	issue(t, rep, 3, "统一社会信用代码", roster.CodeBadCreditCode)
	issue(t, rep, 4, "企业名称", roster.CodeRequired)
	issue(t, rep, 5, "统一社会信用代码", roster.CodeBadCreditCode)
	issue(t, rep, 6, "所在城市", roster.CodeNotFound)
	dup := issue(t, rep, 7, "企业名称", roster.CodeDuplicateRow)
	if !strings.Contains(dup.Message, "row 2") {
		t.Errorf("duplicate message %q does not name row 2", dup.Message)
	}
	issue(t, rep, 8, "产业链", roster.CodeNotFound)
	issue(t, rep, 0, "备注", roster.CodeUnknownColumn)
	for _, is := range rep.Errors() {
		if is.Row == 0 || is.Column == "" || is.Message == "" {
			t.Errorf("an error without row, column or message: %+v", is)
		}
	}
	if n := w.count(`MATCH (e:Enterprise) WHERE e.name STARTS WITH '戊公司' AND e.name ENDS WITH $tag RETURN count(e)`, nil); n != 0 {
		t.Errorf("row 8 was half written")
	}
	if n := w.count(`MATCH (e:Enterprise {creditCode: $code})-[:LOCATED_IN]->(:Park) MATCH (e)-[:IN_CHAIN]->(:IndustryChain) RETURN count(e)`, map[string]any{"code": good}); n != 1 {
		t.Errorf("row 2 was not written whole")
	}
	// The report as CSV: a header and one line per issue.
	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if lines[0] != "row,column,code,severity,message" || len(lines) != rep.IssueCount+1 {
		t.Errorf("CSV report:\n%s", buf.String())
	}
}

func TestImport_DryRunWritesNothing(t *testing.T) {
	w := newWorld(t)
	before := w.fingerprint()
	path := w.file("experts.csv", append(w.expertsRoster(), csvText([]string{w.n("无名"), "", "", "也许", "", "", "", ""})...))
	rep := w.run(path, roster.Options{DryRun: true})
	if !rep.DryRun || rep.Written || rep.RowsOK != 5 || rep.RowsRejected != 1 || rep.NodesCreated != 0 {
		t.Errorf("report: %s", rep.Summary())
	}
	issue(t, rep, 7, "院士", roster.CodeBadBoolean)
	if after := w.fingerprint(); after != before {
		t.Error("a dry run changed the graph")
	}
	if n := w.count(`MATCH (e:Expert) WHERE e.name ENDS WITH $tag RETURN count(e)`, nil); n != 0 {
		t.Errorf("a dry run created %d experts", n)
	}
}

func TestImport_StrictWritesNothingWhenARowIsBad(t *testing.T) {
	w := newWorld(t)
	bad := w.file("strict-bad.csv", append(w.expertsRoster(), csvText([]string{w.n("错行"), "", "", "", "", "没有的学会" + w.tag, "", ""})...))
	rep := w.run(bad, roster.Options{Strict: true})
	if rep.Written || rep.RowsRejected != 1 || rep.RowsOK != 5 || rep.NodesCreated != 0 {
		t.Errorf("strict with a bad row: %s", rep.Summary())
	}
	issue(t, rep, 7, "所属学会", roster.CodeNotFound)
	issue(t, rep, 0, "", roster.CodeStrictRejection)
	if n := w.count(`MATCH (e:Expert) WHERE e.name ENDS WITH $tag RETURN count(e)`, nil); n != 0 {
		t.Errorf("a rejected strict import created %d experts", n)
	}
	good := w.file("strict-good.csv", w.expertsRoster())
	rep = w.run(good, roster.Options{Strict: true, BatchSize: 2})
	if !rep.Written || rep.RowsOK != 5 || rep.NodesCreated != 8 || rep.Batches != 3 {
		t.Errorf("strict with good rows: %s", rep.Summary())
	}
}

func TestImport_InterruptedImportFinishesOnReRunWithoutDuplicates(t *testing.T) {
	w := newWorld(t)
	rows := [][]string{{"姓名", "工作单位", "所属学会", "所在城市"}}
	const n = 25
	for i := range n {
		rows = append(rows, []string{w.n(fmt.Sprintf("专家%02d", i)), w.n(fmt.Sprintf("单位%d有限公司", i%4)), w.n("测试学会"), w.n("测试市")})
	}
	path := w.file("interrupted.csv", csvText(rows...))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	batches := 0
	rep, err := w.try(ctx, path, roster.Options{BatchSize: 4, Progress: func(roster.Progress) {
		batches++
		cancel() // stop after the first committed batch
	}})
	if err == nil || castgraph.ErrorCode(err) != castgraph.EUNAVAILABLE || rep.Complete {
		t.Fatalf("cancelled import: err = %v, complete = %v", err, rep.Complete)
	}
	written := w.count(`MATCH (e:Expert) WHERE e.name ENDS WITH $tag RETURN count(e)`, nil)
	if written == 0 || written >= n || written%4 != 0 {
		t.Fatalf("%d experts after the interruption; want whole batches of 4, fewer than %d", written, n)
	}
	// Rows are whole: every expert written has all three relationships.
	if half := w.count(`MATCH (e:Expert) WHERE e.name ENDS WITH $tag AND NOT ((e)-[:AFFILIATED_WITH]->() AND (e)-[:MEMBER_OF]->() AND (e)-[:LOCATED_IN]->()) RETURN count(e)`, nil); half != 0 {
		t.Errorf("%d experts are half written", half)
	}
	rep = w.run(path, roster.Options{BatchSize: 4})
	if rep.RowsOK != n || rep.NodesCreated != n-int(written) || !rep.Complete {
		t.Errorf("re-run: %s", rep.Summary())
	}
	if got := w.count(`MATCH (e:Expert) WHERE e.name ENDS WITH $tag RETURN count(e)`, nil); got != n {
		t.Errorf("%d experts after the re-run, want %d", got, n)
	}
	if got := w.count(`MATCH (e:Enterprise)<-[:AFFILIATED_WITH]-() WHERE e.name ENDS WITH $tag RETURN count(DISTINCT e)`, nil); got != 4 {
		t.Errorf("%d employers, want 4", got)
	}
	for _, rel := range []string{"AFFILIATED_WITH", "MEMBER_OF", "LOCATED_IN"} {
		if got := w.count(`MATCH (e:Expert)-[r:`+rel+`]->() WHERE e.name ENDS WITH $tag RETURN count(r)`, nil); got != n {
			t.Errorf("%d %s relationships, want %d", got, rel, n)
		}
	}
	if dups := w.count(`MATCH (e:Expert) WHERE e.name ENDS WITH $tag WITH e.key AS k, count(*) AS c WHERE c > 1 RETURN count(k)`, nil); dups != 0 {
		t.Errorf("%d duplicated keys", dups)
	}
}

func TestImport_EntityResolutionAcrossRosters(t *testing.T) {
	w := newWorld(t)
	codeA, codeB, codeC := w.codeFor(10), w.codeFor(11), w.codeFor(12)
	// The enterprise list: full-width brackets and spaces, credit codes.
	w.run(w.file("enterprises.csv", csvText(
		[]string{"企业名称", "统一社会信用代码", "所在城市"},
		[]string{w.n("苏州 示例 电子（集团）有限公司"), codeA, w.n("测试市")},
		[]string{w.n("常州示例材料有限公司"), codeB, ""},
		[]string{w.n("常州示例材料有限责任公司"), codeC, ""}, // another company: another code
	)), roster.Options{})
	// The expert list names the first by a half-width spelling without the
	// spaces, and the second by its 有限责任公司 variant, without codes.
	w.run(w.file("experts.csv", csvText(
		[]string{"姓名", "工作单位"},
		[]string{w.n("甲"), w.n("苏州示例电子(集团)有限公司")},
		[]string{w.n("乙"), w.n("苏州示例电子〔集团〕有限公司")},
	)), roster.Options{})
	if n := w.count(`MATCH (e:Enterprise {creditCode: $code})<-[:AFFILIATED_WITH]-(x:Expert) RETURN count(x)`, map[string]any{"code": codeA}); n != 2 {
		t.Errorf("%d experts found the enterprise with code A; want 2 (one node for all spellings)", n)
	}
	// 有限公司 and 有限责任公司 with two codes stay two; a service list that
	// names one of them by name alone, without a code, cannot tell which.
	rep := w.run(w.file("services.csv", csvText(
		[]string{"专家姓名", "工作单位", "服务企业", "服务方式"},
		[]string{w.n("甲"), w.n("苏州示例电子(集团)有限公司"), w.n("常州示例材料有限公司"), "万名专家进万企"},
		[]string{w.n("乙"), w.n("苏州示例电子(集团)有限公司"), w.n("常州示例材料股份公司"), "服务团"},
	)), roster.Options{Kind: roster.Services})
	if rep.RowsOK != 2 {
		t.Fatalf("services: %s %+v", rep.Summary(), rep.Issues)
	}
	if n := w.count(`MATCH (e:Enterprise) WHERE e.name STARTS WITH '常州示例材料' AND e.name ENDS WITH $tag RETURN count(e)`, nil); n != 3 {
		t.Errorf("%d 常州示例材料 enterprises, want 3 (two coded, one new by name)", n)
	}
	if got := w.query(`MATCH (:Expert {name: $x})-[s:SERVES]->(e:Enterprise) RETURN e.creditCode AS code, s.via AS via`, map[string]any{"x": w.n("甲")}); len(got) != 1 || got[0]["code"] != codeB || got[0]["via"] != "万名专家进万企" {
		t.Errorf("甲 serves %v, want the enterprise of code B (exact name)", got)
	}
	// An enterprise first known by name (created as an employer) takes its
	// code when an enterprise list brings it, spelled 有限责任公司.
	w.run(w.file("experts2.csv", csvText([]string{"姓名", "工作单位"}, []string{w.n("丙"), w.n("无锡示例设备有限公司")})), roster.Options{})
	codeD := w.codeFor(13)
	rep = w.run(w.file("enterprises2.csv", csvText([]string{"企业名称", "统一社会信用代码"}, []string{w.n("无锡示例设备有限责任公司"), codeD})), roster.Options{})
	if rep.NodesCreated != 0 || rep.NodesUpdated != 1 {
		t.Errorf("enterprise with a code for a known name: %s", rep.Summary())
	}
	got := w.query(`MATCH (x:Expert {name: $x})-[:AFFILIATED_WITH]->(e:Enterprise) RETURN e.creditCode AS code, e.key AS key, e.aliases AS aliases, e.sources AS sources`, map[string]any{"x": w.n("丙")})
	if len(got) != 1 || got[0]["code"] != codeD || got[0]["key"] != strings.ToLower(codeD) || fmt.Sprint(got[0]["aliases"]) != "["+w.n("无锡示例设备有限责任公司")+"]" || len(got[0]["sources"].([]any)) != 2 {
		t.Errorf("the employer did not take the code: %v", got)
	}
	// An enterprise loaded by the curated path (store.Load keys it by its
	// code, normalised) is found by its code, whatever the roster calls it.
	rep = w.run(w.file("enterprises3.csv", csvText([]string{"企业名称", "统一社会信用代码"},
		[]string{w.n("既有示例企业有限责任公司"), strings.ToLower(w.codeFor(99))})), roster.Options{})
	if rep.NodesCreated != 0 || rep.NodesUpdated != 1 {
		t.Errorf("a known code: %s", rep.Summary())
	}
	if got := w.query(`MATCH (e:Enterprise) WHERE e.creditCode = $code RETURN e.id AS id, e.aliases AS aliases`, map[string]any{"code": w.codeFor(99)}); len(got) != 1 ||
		got[0]["id"] != "enterprise/"+w.tag+"-known" || fmt.Sprint(got[0]["aliases"]) != "["+w.n("既有示例企业有限责任公司")+"]" {
		t.Errorf("the enterprise of a known code: %v", got)
	}
	// The same expert from two rosters is one node: 甲 of the expert list is
	// the 甲 the service list names (same name, same employer).
	if n := w.count(`MATCH (e:Expert {name: $x}) RETURN count(e)`, map[string]any{"x": w.n("甲")}); n != 1 {
		t.Errorf("%d experts named 甲", n)
	}
	src := w.query(`MATCH (e:Expert {name: $x}) RETURN e.sources AS s`, map[string]any{"x": w.n("甲")})[0]["s"].([]any)
	if len(src) != 2 || !strings.Contains(fmt.Sprint(src), "experts-"+w.tag+".csv, row 2") || !strings.Contains(fmt.Sprint(src), "services-"+w.tag+".csv, row 2") {
		t.Errorf("甲's provenance: %v", src)
	}
}

func TestImport_ExpertsOfOneNameNeedAnEmployer(t *testing.T) {
	w := newWorld(t)
	w.run(w.file("experts.csv", csvText(
		[]string{"姓名", "工作单位"},
		[]string{w.n("王建"), w.n("甲大学")},
		[]string{w.n("王建"), w.n("乙研究所")},
		[]string{w.n("刘一"), ""},
	)), roster.Options{})
	rep := w.run(w.file("members.csv", csvText(
		[]string{"姓名", "学会", "职务", "入会时间"},
		[]string{w.n("王建"), w.n("测试学会"), "理事", "2022-01-01"},
		[]string{w.n("刘一"), w.n("测试学会"), "会员", "2022-01-01"},
	)), roster.Options{})
	if rep.Kind != roster.Members || rep.RowsOK != 1 {
		t.Fatalf("members: %s", rep.Summary())
	}
	is := issue(t, rep, 2, "姓名", roster.CodeAmbiguous)
	if !strings.Contains(is.Message, w.n("甲大学")) || !strings.Contains(is.Message, w.n("乙研究所")) {
		t.Errorf("the message does not tell the two apart: %q", is.Message)
	}
	// 刘一, first known without an employer, takes one when a list brings it.
	w.run(w.file("experts2.csv", csvText([]string{"姓名", "工作单位"}, []string{w.n("刘一"), w.n("丙学院")})), roster.Options{})
	got := w.query(`MATCH (e:Expert {name: $x}) RETURN e.disambiguation AS dis, count { (e)-[:MEMBER_OF]->() } AS societies`, map[string]any{"x": w.n("刘一")})
	if len(got) != 1 || got[0]["dis"] != w.n("丙学院") || got[0]["societies"] != int64(1) {
		t.Errorf("刘一: %v; want one expert with the employer and the membership", got)
	}
}

func TestImport_TSVJSONLinesLiaisonsAndMapping(t *testing.T) {
	w := newWorld(t)
	tsv := strings.Join([]string{
		"姓名\t联络站\t国家\t职务\t开始时间",
		w.n("高远") + "\t" + w.n("测试联络站(柏林)") + "\t" + w.n("测试国") + "\t联络专家\t2024.3.1",
	}, "\n")
	rep := w.run(w.file("liaisons.tsv", []byte(tsv)), roster.Options{})
	if rep.Kind != roster.Liaisons || rep.RowsOK != 1 || rep.RelationshipsCreated != 2 {
		t.Fatalf("liaisons: %s %+v", rep.Summary(), rep.Issues)
	}
	if got := w.query(`MATCH (:Expert {name: $x})-[l:LIAISON_OF]->(s:OverseasStation) RETURN l.role AS role, toString(l.since) AS since`, map[string]any{"x": w.n("高远")}); len(got) != 1 || got[0]["role"] != "联络专家" || got[0]["since"] != "2024-03-01" {
		t.Errorf("liaison: %v", got)
	}
	jsonl := fmt.Sprintf(`{"专家姓名": %q, "服务企业": %q, "统一社会信用代码": %q, "服务方式": "万名专家进万企", "开始时间": "2024-04-01"}
{"专家姓名": %q, "服务企业": {"名称": "x"}}

not json
`, w.n("高远"), w.n("服务对象有限公司"), w.codeFor(20), w.n("另一位"))
	rep = w.run(w.file("services.jsonl", []byte(jsonl)), roster.Options{})
	if rep.Kind != roster.Services || rep.RowsRead != 3 || rep.RowsOK != 1 {
		t.Fatalf("services: %s %+v", rep.Summary(), rep.Issues)
	}
	issue(t, rep, 2, "服务企业", roster.CodeBadType)
	issue(t, rep, 4, "", roster.CodeBadRecord)
	if n := w.count(`MATCH (:Expert {name: $x})-[:SERVES {via: '万名专家进万企'}]->(e:Enterprise {creditCode: $code}) RETURN count(e)`, map[string]any{"x": w.n("高远"), "code": w.codeFor(20)}); n != 1 {
		t.Error("the service was not written")
	}
	// A mapping file for headers no built-in alias knows.
	m, err := roster.ReadMapping(strings.NewReader("人员: name\n所在学会名称: society\n备注: \"-\"\n"), "mapping.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rep = w.run(w.file("custom.csv", csvText([]string{"人员", "所在学会名称", "备注"}, []string{w.n("马六"), w.n("测试学会"), "x"})), roster.Options{Mapping: m})
	if rep.Kind != roster.Experts || rep.RowsOK != 1 || rep.IssueCount != 0 {
		t.Errorf("mapped roster: %s %+v", rep.Summary(), rep.Issues)
	}
	if _, err := roster.ReadMapping(strings.NewReader(`{"x": "nonsense"}`), "bad.json"); castgraph.ErrorCode(err) != castgraph.EINVALID {
		t.Errorf("a mapping to an unknown field: %v", err)
	}
}

func TestImport_UnreadableInputIsAnError(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		name, file, content string
		opts                roster.Options
	}{
		{"no header", "none.csv", "a,b\n1,2\n", roster.Options{}},
		{"required column missing", "members.csv", "姓名,职务\n张三,会员\n", roster.Options{Kind: roster.Members}},
		{"unknown extension", "roster.dat", "姓名\n张三\n", roster.Options{}},
		{"not a workbook", "fake.xlsx", "姓名\n张三\n", roster.Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.try(context.Background(), w.file(tc.file, []byte(tc.content)), tc.opts)
			var e *castgraph.Error
			if !errors.As(err, &e) || e.Code != castgraph.EINVALID {
				t.Errorf("err = %v, want INVALID_ARGUMENT", err)
			}
		})
	}
}
