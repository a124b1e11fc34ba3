package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/castgraph/castgraph/graph"
	"github.com/castgraph/castgraph/store/storetest"
)

// upload sends an operation with one file as the variable $file, by the
// GraphQL multipart request spec, with the header that forces browsers to
// preflight.
func (a *api) upload(t *testing.T, query string, vars map[string]any, filename string, content []byte) response {
	t.Helper()
	return a.uploadWith(t, query, vars, filename, content, map[string]string{graph.PreflightHeader: "1"})
}

func (a *api) uploadWith(t *testing.T, query string, vars map[string]any, filename string, content []byte, headers map[string]string) response {
	t.Helper()
	if vars == nil {
		vars = map[string]any{}
	}
	vars["file"] = nil
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	ops, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	_ = w.WriteField("operations", string(ops))
	_ = w.WriteField("map", `{"0": ["variables.file"]}`)
	part, _ := w.CreateFormFile("0", filename)
	_, _ = part.Write(content)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, a.url+"/graphql", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(a.signed(req))
	return decodeResponse(t, res, err)
}

const importRosterMutation = `mutation($file: Upload!, $options: ImportOptions) {
  importRoster(file: $file, options: $options) {
    kind format encoding dryRun written complete rowsRead rowsOk rowsRejected
    nodesCreated relationshipsCreated issueCount summary
    columns { column field }
    issues { row column code severity message }
  }
}`

func TestImportRoster_MultipartUploadDryRunThenImport(t *testing.T) {
	a := newAPI(t)
	tag := unique("gql")
	t.Cleanup(func() { storetest.Forget(t, tag) })
	name := "专家" + tag
	roster := strings.Join([]string{
		"姓名,工作单位,职称,所属学会,入会时间,所在城市",
		name + ",江苏示例大学,教授,江苏省示例电力工程学会,2024/3/1,南京",
		"另一位" + tag + ",,研究员,没有这个学会" + tag + ",2024-13-01,南京",
	}, "\n")
	file := "experts-" + tag + ".csv"

	dry := a.upload(t, importRosterMutation, map[string]any{"options": map[string]any{"dryRun": true}}, file, []byte(roster))
	if len(dry.Errors) > 0 {
		t.Fatalf("dry run: %+v", dry.Errors)
	}
	r := get(dry.Data, "importRoster")
	if str(r, "kind") != "EXPERTS" || str(r, "format") != "CSV" || get(r, "dryRun") != true || get(r, "written") != false ||
		get(r, "rowsOk") != float64(1) || get(r, "rowsRejected") != float64(1) {
		t.Fatalf("dry run report: %v", r)
	}
	issues := list(r, "issues")
	if len(issues) != 1 || get(issues[0], "row") != float64(3) || str(issues[0], "column") != "入会时间" || str(issues[0], "code") != "BAD_DATE" {
		t.Errorf("dry-run issues: %v", issues)
	}
	if got := a.ok(t, `query($n: String) { experts(name: $n) { totalCount } }`, map[string]any{"n": name}); get(got, "experts", "totalCount") != float64(0) {
		t.Fatalf("the dry run wrote: %v", got)
	}

	done := a.upload(t, importRosterMutation, nil, file, []byte(roster))
	if len(done.Errors) > 0 {
		t.Fatalf("import: %+v", done.Errors)
	}
	r = get(done.Data, "importRoster")
	if get(r, "written") != true || get(r, "complete") != true || get(r, "rowsOk") != float64(1) || get(r, "nodesCreated") != float64(1) ||
		get(r, "relationshipsCreated") != float64(3) || !strings.Contains(str(r, "summary"), "1 ok, 1 rejected") {
		t.Fatalf("import report: %v", r)
	}
	got := a.ok(t, `query($n: String) { experts(name: $n) { nodes {
		title provenance { sources }
		memberOf { edges { since node { name } } }
		affiliations { nodes { name } }
		locatedIn { nodes { name } } } } }`, map[string]any{"n": name})
	e := get(got, "experts", "nodes", 0)
	if str(e, "title") != "教授" || str(e, "memberOf", "edges", 0, "node", "name") != "江苏省示例电力工程学会" ||
		str(e, "memberOf", "edges", 0, "since") != "2024-03-01" || str(e, "affiliations", "nodes", 0, "name") != "江苏示例大学" ||
		str(e, "locatedIn", "nodes", 0, "name") != "南京市" || str(e, "provenance", "sources", 0) != "roster "+file+", row 2" {
		t.Errorf("the imported expert: %v", e)
	}

	// Input that cannot be read at all is an error of the mutation.
	bad := a.upload(t, importRosterMutation, map[string]any{"options": map[string]any{"kind": "MEMBERS"}}, file, []byte("姓名,职称\n张三,教授\n"))
	if len(bad.Errors) == 0 || bad.Errors[0].Extensions["code"] != "INVALID_ARGUMENT" || !strings.Contains(bad.Errors[0].Message, "society") {
		t.Errorf("a members roster without a society column: %+v", bad)
	}
	// A browser form on another origin cannot set the preflight header.
	forged := a.uploadWith(t, importRosterMutation, nil, file, []byte(roster), nil)
	if len(forged.Errors) == 0 || !strings.Contains(forged.Errors[0].Message, graph.PreflightHeader) {
		t.Errorf("an upload without the preflight header: %+v", forged)
	}
	enc := a.upload(t, importRosterMutation, map[string]any{"options": map[string]any{"encoding": "latin-9"}}, file, []byte(roster))
	if len(enc.Errors) == 0 || enc.Errors[0].Extensions["field"] != "options.encoding" {
		t.Errorf("an unknown encoding: %+v", enc)
	}
}

// TestImportRoster_CreateMissingStrictAndReview: the GraphQL twin of
// -create-missing and -strict: a strict import refuses a column no field
// takes (an error of the mutation, nothing written), the report lists the
// ignored columns and the societies created for review, and the societies
// list finds them by needsReview until an update clears it.
func TestImportRoster_CreateMissingStrictAndReview(t *testing.T) {
	a := newAPI(t)
	tag := unique("gqlcm")
	t.Cleanup(func() { storetest.Forget(t, tag) })
	society := "待审学会" + tag
	roster := "姓名,所属学会,注册地址\n专家" + tag + "," + society + ",某路1号\n"
	file := "experts-" + tag + ".csv"
	const mutation = `mutation($file: Upload!, $options: ImportOptions) {
	  importRoster(file: $file, options: $options) {
	    written rowsOk rowsRejected summary ignoredColumns createdCount
	    created { kind name id row column }
	    issues { row column code message }
	  }
	}`
	strict := a.upload(t, mutation, map[string]any{"options": map[string]any{"strict": true, "createMissing": []string{"SOCIETIES"}}}, file, []byte(roster))
	if len(strict.Errors) == 0 || strict.Errors[0].Extensions["code"] != "INVALID_ARGUMENT" || !strings.Contains(strict.Errors[0].Message, "注册地址") {
		t.Fatalf("strict: %+v", strict)
	}
	if got := a.ok(t, `query($n: String) { societies(name: $n) { totalCount } }`, map[string]any{"n": society}); get(got, "societies", "totalCount") != float64(0) {
		t.Fatalf("the strict import wrote: %v", got)
	}

	done := a.upload(t, mutation, map[string]any{"options": map[string]any{"createMissing": []string{"SOCIETIES"}}}, file, []byte(roster))
	if len(done.Errors) > 0 {
		t.Fatalf("import: %+v", done.Errors)
	}
	r := get(done.Data, "importRoster")
	created := list(r, "created")
	if get(r, "rowsOk") != float64(1) || get(r, "createdCount") != float64(1) || len(created) != 1 ||
		str(created[0], "kind") != "Society" || str(created[0], "name") != society || get(created[0], "row") != float64(2) ||
		fmt.Sprint(get(r, "ignoredColumns")) != "[注册地址]" || !strings.Contains(str(r, "summary"), "created for review (needsReview): 1 society") {
		t.Fatalf("report: %v", r)
	}
	id := str(created[0], "id")
	const review = `query($n: String) { societies(name: $n, where: {needsReview: {eq: true}}) { nodes { id needsReview provenance { sources } } } }`
	got := a.ok(t, review, map[string]any{"n": tag})
	if str(got, "societies", "nodes", 0, "id") != id || str(got, "societies", "nodes", 0, "provenance", "sources", 0) != "roster "+file+", row 2" {
		t.Fatalf("listed for review: %v", got)
	}
	a.ok(t, `mutation($id: ID!) { updateSociety(id: $id, input: {needsReview: false}) { id } }`, map[string]any{"id": id})
	if got := a.ok(t, review, map[string]any{"n": tag}); len(list(get(got, "societies"), "nodes")) != 0 {
		t.Errorf("still listed after review: %v", got)
	}
}
