package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/graph"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
	"github.com/xuri/excelize/v2"
)

// exportWorld is a tagged set of reference data in the real Neo4j and the
// commands run against it.
type exportWorld struct {
	t   *testing.T
	tag string
	dir string
}

func newExportWorld(t *testing.T) *exportWorld {
	s := storetest.MustOpen(t)
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	tag := "ex" + hex.EncodeToString(b)
	t.Cleanup(func() { storetest.Forget(t, tag) })
	src := "test " + tag
	if _, err := s.Load(context.Background(), &castgraph.Dataset{Source: src, Nodes: []castgraph.DatasetNode{
		{ID: "society/a-" + tag, Kind: castgraph.KindSociety, Name: "甲学会" + tag, Source: src},
		{ID: "society/b-" + tag, Kind: castgraph.KindSociety, Name: "乙学会" + tag, Source: src},
		{ID: "region/" + tag, Kind: castgraph.KindRegion, Name: "测试市" + tag, Source: src},
		{ID: "industry-chain/" + tag, Kind: castgraph.KindIndustryChain, Name: "测试产业链" + tag, Source: src},
		{ID: "park/" + tag, Kind: castgraph.KindPark, Name: "测试园区" + tag, Source: src},
	}}); err != nil {
		t.Fatal(err)
	}
	return &exportWorld{t: t, tag: tag, dir: t.TempDir()}
}

func (w *exportWorld) openStore(ctx context.Context) (*store.Store, error) {
	return store.Open(ctx, storetest.Config(w.t), storetest.Logger())
}

// export runs castgraph export and returns what it wrote to stdout.
func (w *exportWorld) export(args ...string) (string, error) {
	var out, errOut bytes.Buffer
	err := runExport(context.Background(), args, &out, &errOut, w.openStore, storetest.Logger())
	return out.String(), err
}

// importFile runs castgraph import on a file and returns its summary.
func (w *exportWorld) importFile(path string, args ...string) string {
	w.t.Helper()
	stderr, _ := os.Create(filepath.Join(w.dir, "stderr"))
	defer stderr.Close()
	var out bytes.Buffer
	if err := runImport(context.Background(), append(append([]string{"-quiet"}, args...), path), &out, stderr, w.openStore); err != nil {
		w.t.Fatalf("import %s: %v\n%s", filepath.Base(path), err, out.String())
	}
	return out.String()
}

// write writes a roster; its name carries the tag, as the import's
// provenance does, so that Forget takes out what it wrote.
func (w *exportWorld) write(name, text string) string {
	path := filepath.Join(w.dir, w.tag+"-"+name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		w.t.Fatal(err)
	}
	return path
}

const unchanged = "nodes: 0 created, 0 updated; relationships: 0 created, 0 updated"

// TestExportCommand_RoundTrip: rosters of experts (with their employer,
// societies and city) and of enterprises (credit code, place, park, chain)
// and of societies go into the graph by castgraph import, come out by
// castgraph export as CSV and as XLSX, and go back in by castgraph import
// changing nothing: no row rejected, no node or relationship created or
// updated.
func TestExportCommand_RoundTrip(t *testing.T) {
	w := newExportWorld(t)
	tag := w.tag
	experts := w.write("experts.csv", "姓名,工作单位,职称,院士,研究领域,所属学会,所在城市\n"+
		"张"+tag+",测试大学"+tag+",教授,是,材料科学,甲学会"+tag+"、乙学会"+tag+",测试市"+tag+"\n"+
		"李"+tag+",测试研究院"+tag+",研究员,否,\"化学, 催化\",甲学会"+tag+",\n"+
		"王"+tag+",,,,,乙学会"+tag+",\n")
	if out := w.importFile(experts); !strings.Contains(out, "3 read, 3 ok, 0 rejected") || strings.Contains(out, unchanged) {
		t.Fatalf("the roster:\n%s", out)
	}
	body := "91320100" + strings.ToUpper(hex.EncodeToString([]byte(tag)))[:9]
	body = strings.NewReplacer("I", "1", "O", "0", "S", "5", "V", "7", "Z", "2").Replace(body)
	code := body + string(castgraph.CreditCodeCheckChar(body))
	enterprises := w.write("enterprises.csv", "企业名称,统一社会信用代码,企业类型,所在地,所在园区,产业链\n"+
		"测试企业"+tag+","+code+",科技型企业,测试市"+tag+",测试园区"+tag+",测试产业链"+tag+"\n"+
		"另一企业"+tag+",,,,,\n")
	if out := w.importFile(enterprises); !strings.Contains(out, "2 read, 2 ok, 0 rejected") {
		t.Fatalf("the enterprise roster:\n%s", out)
	}

	for _, c := range []struct{ name, query string }{
		{"experts", graph.ExportQueries["experts"].Document},
		{"enterprises", graph.ExportQueries["enterprises"].Document},
		{"societies", graph.ExportQueries["societies"].Document},
	} {
		for _, ext := range []string{"csv", "xlsx"} {
			path := filepath.Join(w.dir, tag+"-out-"+c.name+"."+ext)
			if _, err := w.export("-q", c.query, "-var", "name="+tag, "-o", path); err != nil {
				t.Fatalf("export %s: %v", c.name, err)
			}
			if out := w.importFile(path); !strings.Contains(out, unchanged) || !strings.Contains(out, " 0 rejected") || !strings.Contains(out, c.name+" roster") {
				raw, _ := os.ReadFile(path)
				t.Errorf("%s re-imported from %s changed the graph:\n%s\n%.600s", c.name, ext, out, raw)
			}
		}
	}
	// What the experts' export says, for the eye.
	out, err := w.export("-q", graph.ExportQueries["experts"].Document, "-var", "name="+tag, "-o", "-")
	if err != nil || !strings.HasPrefix(out, "\ufeff姓名,区分,职称,院士,研究领域,工作单位,所属学会,所在城市\n") ||
		!strings.Contains(out, "张"+tag+",测试大学"+tag+",教授,是,材料科学,测试大学"+tag+",乙学会"+tag+"、甲学会"+tag+",测试市"+tag+"\n") ||
		!strings.Contains(out, "\"化学,催化\"") {
		t.Errorf("experts: %v\n%s", err, out)
	}
}

// TestExportCommand_Shapes: -list, -flatten, -headers en, -var typed by
// the query, XLSX's header row; a query's error is the command's error with
// its code, and no file is left behind.
func TestExportCommand_Shapes(t *testing.T) {
	w := newExportWorld(t)
	tag := w.tag
	w.importFile(w.write("experts.csv", "姓名,工作单位,所属学会\n"+
		"张"+tag+",测试大学"+tag+",甲学会"+tag+"、乙学会"+tag+"\n"))
	q := `query($tag: String!, $n: Int!) { societies(name: $tag, first: $n) { totalCount nodes { name } }
	  experts(name: $tag, first: $n) { nodes { name memberOf { edges { node { name } } } } } }`
	out, err := w.export("-q", q, "-var", "tag="+tag, "-var", "n=10", "-list", "experts.nodes", "-flatten", "-headers", "en", "-o", "-")
	want := "\ufeffname,memberOf.edges.node.name\n张" + tag + ",乙学会" + tag + "\n张" + tag + ",甲学会" + tag + "\n"
	if err != nil || out != want {
		t.Errorf("-list -flatten -headers en: %v\n%q\nwant\n%q", err, out, want)
	}
	// By default the first list of objects: the societies (by name: 乙 sorts before 甲).
	out, err = w.export("-q", q, "-vars", `{"tag": "`+tag+`", "n": 10}`, "-o", "-")
	if err != nil || out != "\ufeff学会名称\n乙学会"+tag+"\n甲学会"+tag+"\n" {
		t.Errorf("the first list: %v\n%q", err, out)
	}
	path := filepath.Join(w.dir, "query.graphql")
	_ = os.WriteFile(path, []byte(q), 0o644)
	xlsx := filepath.Join(w.dir, "out.xlsx")
	if _, err := w.export("-f", path, "-var", "tag="+tag, "-var", "n=10", "-list", "experts.nodes", "-o", xlsx); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	f.Close()
	if len(rows) != 2 || rows[0][0] != "姓名" || rows[0][1] != "所属学会" || rows[1][1] != "乙学会"+tag+"、甲学会"+tag {
		t.Errorf("xlsx: %q", rows)
	}

	// Errors: each is the command's, with the code, and writes nothing.
	bad := filepath.Join(w.dir, "bad.xlsx")
	for _, c := range []struct {
		args []string
		code string
	}{
		{[]string{"-q", `{ experts(first: 100000) { nodes { name } } }`}, castgraph.EINVALID},
		{[]string{"-q", `{ experts { nodes { name } }`}, "GRAPHQL_PARSE_FAILED"},
		{[]string{"-q", `{ experts { nodes { nosuchfield } } }`}, "GRAPHQL_VALIDATION_FAILED"},
		{[]string{"-q", `mutation { __typename }`}, castgraph.EMETHOD},
		{[]string{"-q", `{ a: experts(first: 500) { nodes { memberOf(first: 1000) { nodes { members(first: 1000) { nodes { name } } } } } } }`}, castgraph.ELIMIT},
		{[]string{"-q", `{ nodeCounts { kind count } }`, "-list", "nodeCounts.kind"}, castgraph.EINVALID},
		{[]string{"-q", `query($n: Int) { experts(first: $n) { nodes { name } } }`, "-var", "n=many"}, castgraph.EINVALID},
		{[]string{"-q", `{ experts { nodes { name } } }`, "-var", "x=1"}, castgraph.EINVALID},
		// The world's two societies are one row more than -max-rows allows.
		{[]string{"-q", `query($tag: String!) { societies(name: $tag, first: 3) { nodes { name } } }`, "-var", "tag=" + tag, "-max-rows", "1"}, castgraph.ELIMIT},
	} {
		_, err := w.export(append(c.args, "-o", bad)...)
		if got := castgraph.ErrorCode(err); got != c.code {
			t.Errorf("%v: %v, want %s", c.args, err, c.code)
		}
		if _, statErr := os.Stat(bad); statErr == nil {
			t.Fatalf("%v: a file was written", c.args)
		}
	}
	if _, err := w.export("-q", "{ experts { nodes { name } } }", "-o", filepath.Join(w.dir, "out.pdf")); castgraph.ErrorCode(err) != castgraph.EINVALID {
		t.Errorf("pdf: %v", err)
	}
	if entries, _ := os.ReadDir(w.dir); len(entries) != 4 { // experts.csv, stderr, query.graphql, out.xlsx
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("files left: %v", names)
	}
}
