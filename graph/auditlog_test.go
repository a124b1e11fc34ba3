package graph_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/auth"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
)

// asNamed is a.as with a token whose name the test knows: the audit log
// names it.
func (a *api) asNamed(t *testing.T, role castgraph.Role) (*api, string) {
	t.Helper()
	secret, hash := auth.NewToken()
	name := unique("audit-" + string(role))
	if err := a.store.CreateToken(context.Background(), store.Token{Name: name, Hash: hash, Role: role, CreatedAt: time.Now()}); err != nil {
		t.Fatalf("create token: %v", err)
	}
	t.Cleanup(func() { storetest.ForgetToken(t, name) })
	b := *a
	b.token = secret
	return &b, "token:" + name
}

const auditLogQuery = `query($actor: String, $node: ID, $action: String, $since: DateTime, $until: DateTime, $first: Int, $after: String) {
  auditLog(actor: $actor, nodeId: $node, action: $action, since: $since, until: $until, first: $first, after: $after) {
    edges { cursor node { id at actor action nodes nodeCount detail } }
    pageInfo { hasNextPage endCursor }
  } }`

// auditLog asks (as admin) for the entries the variables select.
func (a *api) auditLog(t *testing.T, vars map[string]any) ([]any, map[string]any) {
	t.Helper()
	d := a.ok(t, auditLogQuery, vars)
	var entries []any
	for _, e := range list(d, "auditLog", "edges") {
		entries = append(entries, get(e, "node"))
	}
	info, _ := get(d, "auditLog", "pageInfo").(map[string]any)
	return entries, info
}

func TestAuditLog_MutationsAndProvenanceNameTheActor(t *testing.T) {
	a := newAPI(t)
	tag := unique("auditlog")
	t.Cleanup(func() { storetest.Forget(t, tag) })
	editor, actor := a.asNamed(t, castgraph.RoleEditor)

	const create = `mutation($in: CreateSocietyInput!) { createSociety(input: $in) { id provenance { sources assertedBy { source actor } } } }`
	var ids []string
	for i := range 3 {
		d := editor.ok(t, create, map[string]any{"in": map[string]any{"name": tag + " 学会 " + string(rune('A'+i)), "scope": "PROVINCIAL", "source": tag}})
		ids = append(ids, str(d, "createSociety", "id"))
		if i == 0 {
			p := get(d, "createSociety", "provenance")
			if got := list(p, "sources"); len(got) != 1 || got[0] != tag {
				t.Errorf("sources %v, want [%s]", got, tag)
			}
			if got := list(p, "assertedBy"); len(got) != 1 || str(got[0], "source") != tag || str(got[0], "actor") != actor {
				t.Errorf("assertedBy %v, want %s by %s", got, tag, actor)
			}
		}
	}
	// The same name again is CONFLICT and records nothing.
	editor.fails(t, "CONFLICT", "", create, map[string]any{"in": map[string]any{"name": tag + " 学会 A", "scope": "PROVINCIAL", "source": tag}})

	entries, info := a.auditLog(t, map[string]any{"actor": actor})
	if len(entries) != 3 || info["hasNextPage"] != false {
		t.Fatalf("entries of %s: %v", actor, entries)
	}
	for i, e := range entries { // newest first
		if str(e, "action") != "create" || str(e, "actor") != actor || !slices.Equal(list(e, "nodes"), []any{ids[2-i]}) || get(e, "nodeCount") != float64(1) {
			t.Errorf("entry %d: %v, want create of %s", i, e, ids[2-i])
		}
	}

	// By node; by action; by time (the entries' own times: no clock here).
	if got, _ := a.auditLog(t, map[string]any{"node": ids[1]}); len(got) != 1 || str(got[0], "id") != str(entries[1], "id") {
		t.Errorf("by node %s: %v", ids[1], got)
	}
	if got, _ := a.auditLog(t, map[string]any{"actor": actor, "action": "delete"}); len(got) != 0 {
		t.Errorf("deletes: %v", got)
	}
	newest, oldest := str(entries[0], "at"), str(entries[2], "at")
	if got, _ := a.auditLog(t, map[string]any{"actor": actor, "since": oldest, "until": newest}); len(got) == 0 || len(got) > 2 ||
		slices.ContainsFunc(got, func(e any) bool { return str(e, "id") == str(entries[0], "id") }) {
		t.Errorf("since the oldest until the newest (exclusive): %v", got)
	}
	if got, _ := a.auditLog(t, map[string]any{"actor": actor, "since": newest}); len(got) == 0 || str(got[0], "id") != str(entries[0], "id") {
		t.Errorf("since the newest: %v", got)
	}

	// Pages of two: the second picks up where the first ended.
	first, info := a.auditLog(t, map[string]any{"actor": actor, "first": 2})
	if len(first) != 2 || info["hasNextPage"] != true {
		t.Fatalf("first page: %v %v", first, info)
	}
	rest, info := a.auditLog(t, map[string]any{"actor": actor, "first": 2, "after": info["endCursor"]})
	if len(rest) != 1 || info["hasNextPage"] != false || str(rest[0], "id") != str(entries[2], "id") {
		t.Fatalf("second page: %v %v", rest, info)
	}
	a.fails(t, "INVALID_ARGUMENT", "first", auditLogQuery, map[string]any{"first": 501})
	a.fails(t, "INVALID_ARGUMENT", "after", auditLogQuery, map[string]any{"after": "bm9wZQ"})
}

func TestAuditLog_ImportIsRecorded(t *testing.T) {
	a := newAPI(t)
	tag := unique("auditimport")
	t.Cleanup(func() { storetest.Forget(t, tag) })
	importer, actor := a.asNamed(t, castgraph.RoleImporter)
	roster := "姓名,职称\n专家" + tag + ",教授\n"
	r := importer.upload(t, importRosterMutation, nil, "experts-"+tag+".csv", []byte(roster))
	if len(r.Errors) > 0 {
		t.Fatalf("import: %+v", r.Errors)
	}
	entries, _ := a.auditLog(t, map[string]any{"actor": actor})
	if len(entries) != 1 || str(entries[0], "action") != "import" || get(entries[0], "nodeCount") != float64(1) {
		t.Fatalf("entries of %s: %v", actor, entries)
	}
	id := str(entries[0], "nodes", 0)
	d := a.ok(t, `query($id: ID!) { node(id: $id) { name provenance { assertedBy { source actor } } } }`, map[string]any{"id": id})
	if str(d, "node", "name") != "专家"+tag || str(d, "node", "provenance", "assertedBy", 0, "actor") != actor {
		t.Errorf("imported node %s: %v", id, d)
	}
}

func TestAuditLog_AdminsOnly(t *testing.T) {
	a := newAPI(t)
	for _, role := range []castgraph.Role{castgraph.RoleViewer, castgraph.RoleAnalyst, castgraph.RoleEditor, castgraph.RoleImporter} {
		a.as(t, role).fails(t, "FORBIDDEN", "", auditLogQuery, nil)
	}
	a.as(t, castgraph.RoleAnonymous).fails(t, "UNAUTHENTICATED", "", auditLogQuery, nil)
}

// TestAuditLog_PersonalReads: a request that reads personal fields is
// recorded once, with the nodes whose fields it read; one that does not,
// not at all.
func TestAuditLog_PersonalReads(t *testing.T) {
	a := newAPI(t)
	tag := unique("auditread")
	t.Cleanup(func() { storetest.Forget(t, tag) })
	var ids []string
	for i := range 2 {
		d := a.ok(t, `mutation($in: CreateExpertInput!) { createExpert(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"name": tag + " 专家 " + string(rune('A'+i)), "source": tag}})
		ids = append(ids, str(d, "createExpert", "id"))
	}
	analyst, actor := a.asNamed(t, castgraph.RoleAnalyst)
	r := analyst.post(t, `query($n: String) { experts(name: $n) { nodes { id name phone email } } }`, map[string]any{"n": tag})
	if len(r.Errors) > 0 || len(list(r.Data, "experts", "nodes")) != 2 {
		t.Fatalf("read: %+v %v", r.Errors, r.Data)
	}
	analyst.ok(t, `query($n: String) { experts(name: $n) { nodes { id name } } }`, map[string]any{"n": tag})
	entries, _ := a.auditLog(t, map[string]any{"actor": actor})
	if len(entries) != 1 || str(entries[0], "action") != "read-personal" || get(entries[0], "nodeCount") != float64(2) {
		t.Fatalf("entries of %s: %v", actor, entries)
	}
	got := []string{str(entries[0], "nodes", 0), str(entries[0], "nodes", 1)}
	slices.Sort(got)
	slices.Sort(ids)
	if !slices.Equal(got, ids) || strings.Contains(str(entries[0], "detail"), "@") {
		t.Errorf("read-personal entry %v, want nodes %v", entries[0], ids)
	}
}
