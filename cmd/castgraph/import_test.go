package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestImportCommand runs `castgraph import` on a GBK roster with a bad row:
// a dry run first, then the import, then the same import again.
func TestImportCommand_GBKRosterDryRunImportAndReRun(t *testing.T) {
	s := storetest.MustOpen(t)
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	tag := "cli" + hex.EncodeToString(b)
	t.Cleanup(func() { storetest.Forget(t, tag) })
	society := "命令行测试学会" + tag
	if _, err := s.Load(context.Background(), &castgraph.Dataset{Source: "test " + tag, Nodes: []castgraph.DatasetNode{
		{ID: "society/" + tag, Kind: castgraph.KindSociety, Name: society, Source: "test " + tag},
	}}); err != nil {
		t.Fatal(err)
	}
	text := "姓名,工作单位,所属学会,入会时间\n" +
		"张" + tag + ",测试大学" + tag + "," + society + ",2024年3月1日\n" +
		"李" + tag + ",测试大学" + tag + ",没有的学会" + tag + ",2024-03-01\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "experts-"+tag+".csv")
	if err := os.WriteFile(path, []byte(gbk), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "report.json")
	stderr, _ := os.Create(filepath.Join(dir, "stderr"))
	defer stderr.Close()
	openStore := func(ctx context.Context) (*store.Store, error) {
		return store.Open(ctx, storetest.Config(t), storetest.Logger())
	}
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := runImport(context.Background(), args, &out, stderr, openStore)
		return out.String(), err
	}

	out, err := run("--dry-run", "--report", report, path)
	if err == nil || !strings.Contains(err.Error(), "1 of 2 rows were rejected") {
		t.Errorf("a dry run with a bad row: err = %v", err)
	}
	if !strings.Contains(out, "gb18030") || !strings.Contains(out, "dry run") || !strings.Contains(out, "2 read, 1 ok, 1 rejected") {
		t.Errorf("summary:\n%s", out)
	}
	var rep struct {
		Issues []struct {
			Row    int
			Column string
			Code   string
		}
	}
	raw, _ := os.ReadFile(report)
	if err := json.Unmarshal(raw, &rep); err != nil || len(rep.Issues) != 1 || rep.Issues[0].Row != 3 ||
		rep.Issues[0].Column != "所属学会" || rep.Issues[0].Code != "REFERENCE_NOT_FOUND" {
		t.Errorf("report: %s", raw)
	}

	out, _ = run("-quiet", "-type", "experts", path)
	if !strings.Contains(out, "nodes: 2 created") || !strings.Contains(out, "relationships: 2 created") {
		t.Errorf("import summary:\n%s", out)
	}
	out, _ = run("-quiet", "-report", filepath.Join(dir, "again.csv"), path)
	if !strings.Contains(out, "nodes: 0 created, 0 updated; relationships: 0 created, 0 updated") {
		t.Errorf("re-run summary:\n%s", out)
	}
	csvReport, _ := os.ReadFile(filepath.Join(dir, "again.csv"))
	if !strings.HasPrefix(string(csvReport), "row,column,code,severity,message\n3,所属学会,REFERENCE_NOT_FOUND,error,") {
		t.Errorf("CSV report:\n%s", csvReport)
	}
	if _, err := run("-kind", "nonsense", path); castgraph.ErrorCode(err) != castgraph.EINVALID {
		t.Errorf("an unknown kind: %v", err)
	}
}

// TestImportCommand_CreateMissingAndStrictColumns: -create-missing creates
// the societies an expert roster names and says so in the summary;
// -strict refuses a roster with a column no field takes before writing.
func TestImportCommand_CreateMissingAndStrictColumns(t *testing.T) {
	storetest.MustOpen(t)
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	tag := "cli" + hex.EncodeToString(b)
	t.Cleanup(func() { storetest.Forget(t, tag) })
	dir := t.TempDir()
	path := filepath.Join(dir, "experts-"+tag+".csv")
	text := "姓名,所属学会,注册地址\n" +
		"张" + tag + ",缺失学会甲" + tag + "、缺失学会乙" + tag + ",某路1号\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	stderr, _ := os.Create(filepath.Join(dir, "stderr"))
	defer stderr.Close()
	openStore := func(ctx context.Context) (*store.Store, error) {
		return store.Open(ctx, storetest.Config(t), storetest.Logger())
	}
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := runImport(context.Background(), append([]string{"-quiet"}, args...), &out, stderr, openStore)
		return out.String(), err
	}
	if _, err := run("-create-missing", "societies,unicorns", path); castgraph.ErrorCode(err) != castgraph.EINVALID {
		t.Errorf("an unknown kind: %v", err)
	}
	out, err := run("-strict", "-create-missing", "societies", path)
	if castgraph.ErrorCode(err) != castgraph.EINVALID || !strings.Contains(out, "1 column ignored: 注册地址") {
		t.Errorf("strict: %v\n%s", err, out)
	}
	out, err = run("-create-missing", "societies", path)
	if err != nil || !strings.Contains(out, "created for review (needsReview): 2 societies") || !strings.Contains(out, "1 column ignored: 注册地址") {
		t.Errorf("create-missing: %v\n%s", err, out)
	}
}
