package roster_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/castgraph/castgraph/data"
	"github.com/castgraph/castgraph/roster"
)

// withSeed loads the plan and Jiangsu's divisions (idempotent: they merge
// on their keys), so that rows can name real places and clusters.
func (w *world) withSeed() *world {
	w.t.Helper()
	d, err := data.Seed()
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.s.Load(context.Background(), d); err != nil {
		w.t.Fatalf("load seed: %v", err)
	}
	return w
}

func issuesOf(rep *roster.Report, code string) []roster.Issue {
	var out []roster.Issue
	for _, is := range rep.Issues {
		if is.Code == code {
			out = append(out, is)
		}
	}
	return out
}

func TestImport_PlacesInEveryWrittenForm(t *testing.T) {
	w := newWorld(t).withSeed()
	forms := []struct{ written, id string }{
		{"昆山市", "region/320583"}, {"苏州市昆山市", "region/320583"}, {"苏州昆山", "region/320583"},
		{"昆山", "region/320583"}, {"320583", "region/320583"}, {"江宁", "region/320115"},
		{"南京市鼓楼区", "region/320106"}, {"江苏省苏州市", "region/suzhou"}, {"南京", "region/nanjing"},
		{"淮安", "region/huaian"}, {"淮安区", "region/320803"},
	}
	rows := [][]string{{"企业名称", "所在地"}}
	for i, f := range forms {
		rows = append(rows, []string{w.n(fmt.Sprintf("地点示例%d有限公司", i)), f.written})
	}
	// A place the divisions do not know is still found by name in the graph.
	rows = append(rows, []string{w.n("测试地示例有限公司"), w.n("测试市")})
	rep := w.run(w.file("places.csv", csvText(rows...)), roster.Options{})
	if rep.RowsOK != len(forms)+1 || rep.RowsRejected != 0 {
		t.Fatalf("report: %+v\n%v", rep.Summary(), rep.Issues)
	}
	for i, f := range forms {
		got := w.query(`MATCH (:Enterprise {name: $name})-[:LOCATED_IN]->(r:Region) RETURN r.id AS id`,
			map[string]any{"name": w.n(fmt.Sprintf("地点示例%d有限公司", i))})
		if len(got) != 1 || got[0]["id"] != f.id {
			t.Errorf("%s: located in %v, want %s", f.written, got, f.id)
		}
	}
	// A county lies in its city, the city in the province: the enterprise
	// in 昆山 is in 苏州市 and in 江苏省.
	if n := w.count(`MATCH (:Enterprise {name: $name})-[:LOCATED_IN*1..3]->(r:Region {id: 'region/jiangsu'})
		WHERE EXISTS { (:Region {code: '320583'})-[:LOCATED_IN]->(:Region {id: 'region/suzhou'}) } RETURN count(*)`,
		map[string]any{"name": w.n("地点示例0有限公司")}); n != 1 {
		t.Errorf("昆山 → 苏州市 → 江苏省: %d paths", n)
	}
}

func TestImport_AmbiguousPlaceIsRejectedNamingTheCandidates(t *testing.T) {
	w := newWorld(t).withSeed()
	rep := w.run(w.file("ambiguous.csv", csvText(
		[]string{"企业名称", "注册地"},
		[]string{w.n("鼓楼示例有限公司"), "鼓楼区"},
		[]string{w.n("南京鼓楼示例有限公司"), "南京鼓楼"},
		[]string{w.n("无处示例有限公司"), "火星市"},
	)), roster.Options{})
	if rep.RowsOK != 1 || rep.RowsRejected != 2 {
		t.Fatalf("report: %s\n%v", rep.Summary(), rep.Issues)
	}
	amb := issuesOf(rep, roster.CodeAmbiguous)
	if len(amb) != 1 || amb[0].Row != 2 || amb[0].Column != "注册地" ||
		!strings.Contains(amb[0].Message, "南京市鼓楼区 (320106)") || !strings.Contains(amb[0].Message, "徐州市鼓楼区 (320302)") {
		t.Errorf("ambiguous place: %+v", amb)
	}
	if nf := issuesOf(rep, roster.CodeNotFound); len(nf) != 1 || nf[0].Row != 4 || !strings.Contains(nf[0].Message, "火星市") {
		t.Errorf("unknown place: %+v", nf)
	}
	if n := w.count(`MATCH (e:Enterprise {name: $name})-[:LOCATED_IN]->(:Region {code: '320106'}) RETURN count(e)`,
		map[string]any{"name": w.n("南京鼓楼示例有限公司")}); n != 1 {
		t.Errorf("南京鼓楼: %d links to 320106", n)
	}
}

func TestImport_ChainColumnNamingAClusterAndClusterColumn(t *testing.T) {
	w := newWorld(t).withSeed()
	rep := w.run(w.file("clusters.csv", csvText(
		[]string{"企业名称", "所属产业链", "所属集群"},
		[]string{w.n("物联示例有限公司"), "物联网", ""},
		[]string{w.n("链示例有限公司"), "起重机", "工程机械"},
		[]string{w.n("纺织示例有限公司"), "", "高端纺织"},
	)), roster.Options{})
	if rep.RowsOK != 3 || rep.RowsRejected != 0 {
		t.Fatalf("report: %s\n%v", rep.Summary(), rep.Issues)
	}
	notes := issuesOf(rep, roster.CodeClusterNotChain)
	if len(notes) != 1 || notes[0].Row != 2 || notes[0].Severity != roster.SeverityWarning || !strings.Contains(notes[0].Message, "cluster") {
		t.Errorf("the row report should say 物联网 is a cluster: %+v", notes)
	}
	for name, want := range map[string]string{
		w.n("物联示例有限公司"): "IN_CLUSTER industry-cluster/internet-of-things",
		w.n("链示例有限公司"):  "IN_CHAIN industry-chain/cranes,IN_CLUSTER industry-cluster/construction-machinery",
		w.n("纺织示例有限公司"): "IN_CLUSTER industry-cluster/high-end-textiles",
	} {
		got := w.query(`MATCH (:Enterprise {name: $name})-[r:IN_CHAIN|IN_CLUSTER]->(x) RETURN type(r) + ' ' + x.id AS l ORDER BY l`, map[string]any{"name": name})
		var ls []string
		for _, g := range got {
			ls = append(ls, g["l"].(string))
		}
		if strings.Join(ls, ",") != want {
			t.Errorf("%s: %v, want %s", name, ls, want)
		}
	}
}
