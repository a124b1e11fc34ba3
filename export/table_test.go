package export

import (
	"bytes"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/xuri/excelize/v2"
)

// answer is the data of a query for experts with their societies (a
// connection's nodes), employer (aliased), a nested object, a list of
// scalars and an edge list.
const answer = `{"experts": {"totalCount": 2, "nodes": [
 {"name": "张三", "academician": true, "aliases": ["张老三", "三哥"], "provenance": {"createdAt": "2024-01-01", "sources": ["a", "b"]},
  "memberOf": {"edges": [{"role": "理事", "since": "2020-01-01", "node": {"name": "甲学会"}}, {"role": null, "since": null, "node": {"name": "乙学会"}}]},
  "employer": {"nodes": [{"name": "东南大学"}]},
  "year": 2024},
 {"name": "=HYPERLINK(\"x\")", "academician": false, "aliases": [], "provenance": {"createdAt": "2024-02-01", "sources": []},
  "memberOf": {"edges": []},
  "employer": {"nodes": []},
  "year": null}
]}}`

var fields = map[string]Field{
	"experts":                                {"Query", "experts", 0},
	"experts.totalCount":                     {"ExpertConnection", "totalCount", 1},
	"experts.nodes":                          {"ExpertConnection", "nodes", 2},
	"experts.nodes.name":                     {"Expert", "name", 3},
	"experts.nodes.academician":              {"Expert", "academician", 4},
	"experts.nodes.aliases":                  {"Expert", "aliases", 5},
	"experts.nodes.provenance":               {"Expert", "provenance", 6},
	"experts.nodes.provenance.createdAt":     {"Provenance", "createdAt", 7},
	"experts.nodes.provenance.sources":       {"Provenance", "sources", 8},
	"experts.nodes.employer":                 {"Expert", "affiliations", 9},
	"experts.nodes.employer.nodes":           {"AffiliatedWithNodeConnection", "nodes", 10},
	"experts.nodes.employer.nodes.name":      {"Node", "name", 11},
	"experts.nodes.memberOf":                 {"Expert", "memberOf", 12},
	"experts.nodes.memberOf.edges":           {"MemberOfSocietyConnection", "edges", 13},
	"experts.nodes.memberOf.edges.role":      {"MemberOfSocietyEdge", "role", 14},
	"experts.nodes.memberOf.edges.since":     {"MemberOfSocietyEdge", "since", 15},
	"experts.nodes.memberOf.edges.node":      {"MemberOfSocietyEdge", "node", 16},
	"experts.nodes.memberOf.edges.node.name": {"Society", "name", 17},
	"experts.nodes.year":                     {"Expert", "year", 18},
}

func headerOf(kind castgraph.Kind, field string) (string, bool) {
	h, ok := map[string]string{"name": "姓名", "affiliations": "工作单位", "employer": "工作单位", "memberOf": "所属学会", "role": "职务", "since": "入会时间", "academician": "院士"}[field]
	return h, ok && kind == castgraph.KindExpert
}

func flatten(t *testing.T, opts Options) *Table {
	t.Helper()
	data, err := DecodeBytes([]byte(answer))
	if err != nil {
		t.Fatal(err)
	}
	tab, err := Flatten(data, opts)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func render(t *Table) string {
	var b strings.Builder
	for i, c := range t.Columns {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(c.Header)
	}
	for _, r := range t.Rows {
		b.WriteString("\n")
		for i, c := range r {
			if i > 0 {
				b.WriteString(" | ")
			}
			b.WriteString(c.Text)
		}
	}
	return b.String()
}

// TestFlatten_Rules: the first list of objects makes the rows; scalars are
// columns in the query's order, nested objects dotted, lists of scalars and
// the names of lists of objects (an edge by its node's) joined with 、;
// booleans 是/否; null empty; headers the roster's for the row's kind.
func TestFlatten_Rules(t *testing.T) {
	got := render(flatten(t, Options{Fields: fields, Header: headerOf}))
	want := "姓名 | 院士 | aliases | provenance.createdAt | provenance.sources | 所属学会 | 工作单位 | year\n" +
		"张三 | 是 | 张老三、三哥 | 2024-01-01 | a、b | 甲学会、乙学会 | 东南大学 | 2024\n" +
		"=HYPERLINK(\"x\") | 否 |  | 2024-02-01 |  |  |  | "
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	got = render(flatten(t, Options{Fields: fields, Header: headerOf, English: true}))
	if !strings.HasPrefix(got, "name | academician | aliases | provenance.createdAt | provenance.sources | memberOf.edges | employer.nodes | year\n张三 | true") {
		t.Errorf("English headers:\n%s", got)
	}
	// Without what the query selects, every header is its path.
	if got := flatten(t, Options{Header: headerOf}).Columns[0].Header; got != "name" {
		t.Errorf("no fields: %s", got)
	}
}

// TestFlatten_OneRowPerElement: with Flatten the first nested list of
// objects gives one row per element (the parent's columns repeated); a node
// whose list is empty keeps its row. An edge's role and since take the
// roster's headers, and its node's name the relationship's: a member list.
func TestFlatten_OneRowPerElement(t *testing.T) {
	got := render(flatten(t, Options{Fields: fields, Header: headerOf, Flatten: true}))
	want := "姓名 | 院士 | aliases | provenance.createdAt | provenance.sources | 职务 | 入会时间 | 所属学会 | 工作单位 | year\n" +
		"张三 | 是 | 张老三、三哥 | 2024-01-01 | a、b | 理事 | 2020-01-01 | 甲学会 | 东南大学 | 2024\n" +
		"张三 | 是 | 张老三、三哥 | 2024-01-01 | a、b |  |  | 乙学会 | 东南大学 | 2024\n" +
		"=HYPERLINK(\"x\") | 否 |  | 2024-02-01 |  |  |  |  |  | "
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestFlatten_EmptyFirstList: a first node whose expanded list is empty
// still puts the list's columns where the query asks for them.
func TestFlatten_EmptyFirstList(t *testing.T) {
	data, _ := DecodeBytes([]byte(`{"experts": {"nodes": [{"name": "甲", "memberOf": {"edges": []}, "year": 1},
	  {"name": "乙", "memberOf": {"edges": [{"role": "理事", "since": null, "node": {"name": "丙学会"}}]}, "year": 2}]}}`))
	tab, err := Flatten(data, Options{Fields: fields, Header: headerOf, Flatten: true})
	if err != nil {
		t.Fatal(err)
	}
	want := "姓名 | 职务 | 入会时间 | 所属学会 | year\n甲 |  |  |  | 1\n乙 | 理事 |  | 丙学会 | 2"
	if got := render(tab); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestFlatten_List: -list picks the list; a path that is no list, or not
// there, is INVALID_ARGUMENT naming it; an answer without a list too.
func TestFlatten_List(t *testing.T) {
	if tab := flatten(t, Options{List: "experts.nodes"}); len(tab.Rows) != 2 {
		t.Errorf("rows: %d", len(tab.Rows))
	}
	data, _ := DecodeBytes([]byte(answer))
	for _, path := range []string{"experts.totalCount", "experts.nothing", "experts.nodes.name"} {
		if _, err := Flatten(data, Options{List: path}); castgraph.ErrorCode(err) != castgraph.EINVALID || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v", path, err)
		}
	}
	data, _ = DecodeBytes([]byte(`{"nodeCounts": {"total": 3}}`))
	if _, err := Flatten(data, Options{}); castgraph.ErrorCode(err) != castgraph.EINVALID {
		t.Errorf("no list: %v", err)
	}
	// An empty list: a header from the query, no rows.
	data, _ = DecodeBytes([]byte(`{"experts": {"nodes": []}}`))
	tab, err := Flatten(data, Options{Fields: fields, Header: headerOf})
	if err != nil || len(tab.Rows) != 0 || len(tab.Columns) == 0 {
		t.Errorf("empty: %v %+v", err, tab)
	}
}

// TestFlatten_Bounds: over MaxRows or MaxBytes is LIMIT_EXCEEDED and no
// table; Flatten's multiplication counts.
func TestFlatten_Bounds(t *testing.T) {
	data, _ := DecodeBytes([]byte(answer))
	if _, err := Flatten(data, Options{MaxRows: 2}); err != nil {
		t.Errorf("2 rows of 2: %v", err)
	}
	if tab, err := Flatten(data, Options{MaxRows: 2, Flatten: true}); castgraph.ErrorCode(err) != castgraph.ELIMIT || tab != nil {
		t.Errorf("3 rows of 2: %v", err)
	}
	if _, err := Flatten(data, Options{MaxBytes: 50}); castgraph.ErrorCode(err) != castgraph.ELIMIT {
		t.Errorf("bytes: %v", err)
	}
}

// TestWrite: CSV has a BOM and defuses formulas; XLSX has the header row
// frozen, widths, numbers as numbers and formulas as text.
func TestWrite(t *testing.T) {
	tab := flatten(t, Options{Fields: fields, Header: headerOf})
	csvBytes, err := Encode(tab, CSV)
	if err != nil {
		t.Fatal(err)
	}
	s := string(csvBytes)
	if !strings.HasPrefix(s, "\ufeff姓名,院士,") || !strings.Contains(s, "\"'=HYPERLINK(\"\"x\"\")\"") {
		t.Errorf("CSV:\n%s", s)
	}
	x, err := Encode(tab, XLSX)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(x))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows, _ := f.GetRows(sheet)
	if len(rows) != 3 || rows[0][0] != "姓名" || rows[2][0] != `=HYPERLINK("x")` || rows[1][7] != "2024" {
		t.Errorf("rows: %q", rows)
	}
	if formula, _ := f.GetCellFormula(sheet, "A3"); formula != "" {
		t.Errorf("a name became a formula: %s", formula)
	}
	if typ, _ := f.GetCellType(sheet, "H2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("a number's cell type: %v", typ)
	}
	panes, _ := f.GetPanes(sheet)
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes: %+v", panes)
	}
	if w, _ := f.GetColWidth(sheet, "A"); w < 6 {
		t.Errorf("width: %v", w)
	}
	if _, err := ParseFormat("pdf"); castgraph.ErrorCode(err) != castgraph.EINVALID {
		t.Errorf("pdf: %v", err)
	}
}
