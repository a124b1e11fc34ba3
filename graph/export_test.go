package graph_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/graph"
	"github.com/castgraph/castgraph/store/storetest"
	"github.com/xuri/excelize/v2"
)

// download is one GET /export: status, headers, body, and the error's code
// when it is one.
type download struct {
	status int
	header http.Header
	body   []byte
	code   string
	msg    string
}

func (a *api) export(t *testing.T, params url.Values) download {
	t.Helper()
	return getExport(t, a.url, a.token, params)
}

func getExport(t *testing.T, base, token string, params url.Values) download {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/export?"+params.Encode(), nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	d := download{status: resp.StatusCode, header: resp.Header, body: body}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		var e struct {
			Errors []struct {
				Message    string
				Extensions struct{ Code string }
			}
		}
		if json.Unmarshal(body, &e) == nil && len(e.Errors) > 0 {
			d.code, d.msg = e.Errors[0].Extensions.Code, e.Errors[0].Message
		}
	}
	return d
}

// TestExport_DownloadsAStoredQuery: a built-in query by name as CSV (UTF-8
// with a BOM, the roster's headers, a file name) and by its sha256 as XLSX
// (header row frozen), for an anonymous caller as public reads allow.
func TestExport_DownloadsAStoredQuery(t *testing.T) {
	a := newAPI(t).as(t, castgraph.RoleAnonymous)
	d := a.export(t, url.Values{"document": {"experts"}, "format": {"csv"}, "variables": {`{"name": "周慕远"}`}})
	if d.status != http.StatusOK || !strings.HasPrefix(string(d.body), "\ufeff姓名,区分,职称,院士,研究领域,工作单位,所属学会,所在城市\n") ||
		!strings.Contains(string(d.body), "周慕远,江苏示例药物研究院,研究员,是,药物化学,江苏示例药物研究院,江苏省示例药学会") {
		t.Fatalf("CSV: %d %s\n%s", d.status, d.msg, d.body)
	}
	if ct, cd := d.header.Get("Content-Type"), d.header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(cd, `attachment; filename="experts-`) || !strings.HasSuffix(cd, `.csv"`) {
		t.Errorf("headers: %s; %s", ct, cd)
	}

	sum := sha256.Sum256([]byte(graph.ExportQueries["enterprises"].Document))
	d = a.export(t, url.Values{"document": {"sha256:" + hex.EncodeToString(sum[:])}, "variables": {`{"first": 3}`}})
	if d.status != http.StatusOK || !strings.Contains(d.header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("XLSX: %d %s %s", d.status, d.code, d.msg)
	}
	f, err := excelize.OpenReader(bytes.NewReader(d.body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(f.GetSheetName(0))
	if len(rows) != 4 || strings.Join(rows[0], ",") != "企业名称,统一社会信用代码,企业类型,所在地,所在园区,产业链,所属集群" {
		t.Errorf("rows: %q", rows)
	}
	if panes, _ := f.GetPanes(f.GetSheetName(0)); !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes: %+v", panes)
	}

	// members flattens by default: one row per membership, with its role.
	d = a.export(t, url.Values{"document": {"members"}, "format": {"csv"}, "headers": {"en"}, "variables": {`{"name": "陈立衡"}`}})
	if d.status != http.StatusOK || !strings.HasPrefix(string(d.body), "\ufeffname,disambiguation,memberOf.edges.role,memberOf.edges.since,memberOf.edges.until,memberOf.edges.node.name,employer.nodes\n") ||
		strings.Count(string(d.body), "\n陈立衡,") != 2 {
		t.Errorf("members: %d %s\n%.300s", d.status, d.msg, d.body)
	}
}

// TestExport_SignInAndPermissions: the query runs for the caller: personal
// fields are UNAUTHENTICATED (401) anonymously, FORBIDDEN (403) for a
// viewer, a file for an analyst; credentials that do not hold are 401.
func TestExport_SignInAndPermissions(t *testing.T) {
	a := newAPI(t)
	params := url.Values{"document": {"expertContacts"}, "format": {"csv"}}
	if d := a.as(t, castgraph.RoleAnonymous).export(t, params); d.status != http.StatusUnauthorized || d.code != castgraph.EUNAUTHENTICATED ||
		d.header.Get("WWW-Authenticate") == "" || strings.Contains(string(d.body), "手机") {
		t.Errorf("anonymous: %d %s %s", d.status, d.code, d.msg)
	}
	if d := a.as(t, castgraph.RoleViewer).export(t, params); d.status != http.StatusForbidden || d.code != castgraph.EFORBIDDEN {
		t.Errorf("viewer: %d %s %s", d.status, d.code, d.msg)
	}
	if d := a.as(t, castgraph.RoleAnalyst).export(t, params); d.status != http.StatusOK || !strings.Contains(string(d.body), "性别,出生年月,手机,电子邮箱") {
		t.Errorf("analyst: %d %s %s", d.status, d.code, d.msg)
	}
	if d := getExport(t, a.url, "cgt_not-a-token", params); d.status != http.StatusUnauthorized || d.code != castgraph.EUNAUTHENTICATED {
		t.Errorf("a bad token: %d %s", d.status, d.code)
	}
}

// TestExport_OnlyStoredQueries: a document the server does not keep – a
// query's text, an unknown hash – is 404 PERSISTED_DOCUMENT_NOT_FOUND;
// a POST, bad variables, an unknown format are refused before anything runs.
func TestExport_OnlyStoredQueries(t *testing.T) {
	a := newAPI(t)
	for _, doc := range []string{"{ experts { nodes { name phone } } }", strings.Repeat("ab", 32), "sha256:" + strings.Repeat("0", 64), "auditLog"} {
		if d := a.export(t, url.Values{"document": {doc}}); d.status != http.StatusNotFound || d.code != castgraph.EPERSISTED {
			t.Errorf("%s: %d %s %s", doc, d.status, d.code, d.msg)
		}
	}
	for _, p := range []url.Values{
		{},
		{"document": {"experts"}, "variables": {"[1]"}},
		{"document": {"experts"}, "format": {"pdf"}},
		{"document": {"experts"}, "headers": {"fr"}},
	} {
		if d := a.export(t, p); d.status != http.StatusBadRequest || d.code == "" {
			t.Errorf("%v: %d %s %s", p, d.status, d.code, d.msg)
		}
	}
	// Variables the query does not take, or of the wrong type, are the query's errors.
	if d := a.export(t, url.Values{"document": {"experts"}, "variables": {`{"first": 100000}`}}); d.status != http.StatusBadRequest || d.code != castgraph.EINVALID {
		t.Errorf("first over the cap: %d %s %s", d.status, d.code, d.msg)
	}
	resp, err := http.Post(a.url+"/export?document=experts", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", resp.StatusCode)
	}
}

// TestExport_Bounds: more rows than the export cap is LIMIT_EXCEEDED and no
// file, flattened rows counted; so is a file over the byte cap; a persisted
// document (the server's manifest) downloads by its hash, and the cost limit
// holds.
func TestExport_Bounds(t *testing.T) {
	newAPI(t) // the demo data
	doc := `query { experts(first: 500) { nodes { name memberOf { nodes { name } } } } }`
	sum := sha256.Sum256([]byte(doc))
	hash := hex.EncodeToString(sum[:])
	s := storetest.MustOpen(t)
	srv := func(o graph.Options) string {
		o.Log, o.Bounds = storetest.Logger(), graph.Bounds{RatePerSecond: -1}
		h := httptest.NewServer(graph.NewHTTPHandler(s, o))
		t.Cleanup(h.Close)
		return h.URL
	}
	base := srv(graph.Options{ExportMaxRows: 5, PersistedDocuments: map[string]string{hash: doc}})
	d := getExport(t, base, "", url.Values{"document": {hash}, "format": {"csv"}, "variables": {`{}`}})
	if d.status != http.StatusBadRequest || d.code != castgraph.ELIMIT || !strings.Contains(d.msg, "more than 5 rows") {
		t.Errorf("row cap: %d %s %s", d.status, d.code, d.msg)
	}
	if d = getExport(t, base, "", url.Values{"document": {"experts"}, "variables": {`{"first": 5}`}}); d.status != http.StatusOK {
		t.Errorf("5 rows: %d %s %s", d.status, d.code, d.msg)
	}
	// 陈立衡 is a member of two societies: one row, or two flattened.
	base = srv(graph.Options{ExportMaxRows: 1})
	one := url.Values{"document": {"members"}, "variables": {`{"name": "陈立衡"}`}, "flatten": {"false"}}
	if d = getExport(t, base, "", one); d.status != http.StatusOK {
		t.Errorf("one expert: %d %s %s", d.status, d.code, d.msg)
	}
	one.Set("flatten", "true")
	if d = getExport(t, base, "", one); d.code != castgraph.ELIMIT {
		t.Errorf("one expert's two memberships: %d %s %s", d.status, d.code, d.msg)
	}
	base = srv(graph.Options{ExportMaxBytes: 200})
	if d = getExport(t, base, "", url.Values{"document": {"experts"}}); d.code != castgraph.ELIMIT {
		t.Errorf("byte cap: %d %s %s", d.status, d.code, d.msg)
	}
	base = srv(graph.Options{Limits: graph.Limits{MaxCost: 100}})
	if d = getExport(t, base, "", url.Values{"document": {"experts"}}); d.code != castgraph.ELIMIT || !strings.Contains(d.msg, "cost") {
		t.Errorf("cost limit: %d %s %s", d.status, d.code, d.msg)
	}
}
