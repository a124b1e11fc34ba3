package graph_test

import (
	"testing"

	"github.com/castgraph/castgraph/store/storetest"
)

const (
	createSociety = `mutation($in: CreateSocietyInput!) { createSociety(input: $in) { id name aliases scope provenance { sources } } }`
	createExpert  = `mutation($in: CreateExpertInput!) { createExpert(input: $in) { id name title academician } }`
	createCompany = `mutation($in: CreateEnterpriseInput!) { createEnterprise(input: $in) { id name creditCode } }`
	link          = `mutation($in: LinkInput!) { link(input: $in) { type from { id } to { id } role since via provenance { sources } } }`
	unlink        = `mutation($in: UnlinkInput!) { unlink(input: $in) }`
)

// fixture creates a society, an expert and an enterprise with fresh names.
type fixture struct{ society, expert, enterprise string }

func newFixture(t *testing.T, a *api) fixture {
	t.Helper()
	society := a.ok(t, createSociety, map[string]any{"in": map[string]any{"name": unique("测试学会"), "scope": "PROVINCIAL", "aliases": []string{"测试"}}})
	expert := a.ok(t, createExpert, map[string]any{"in": map[string]any{"name": unique("测试专家"), "title": "研究员", "academician": true}})
	company := a.ok(t, createCompany, map[string]any{"in": map[string]any{"name": unique("测试企业有限公司")}})
	return fixture{
		society:    str(society, "createSociety", "id"),
		expert:     str(expert, "createExpert", "id"),
		enterprise: str(company, "createEnterprise", "id"),
	}
}

func TestMutations_CreateUpdateLinkUnlinkDelete(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a)

	t.Run("create gives stable ids and provenance", func(t *testing.T) {
		d := a.ok(t, `query($id: ID!) { node(id: $id) { id ... on Society { scope aliases provenance { sources } } } }`, map[string]any{"id": f.society})
		if str(d, "node", "id") != f.society || str(d, "node", "scope") != "PROVINCIAL" {
			t.Fatalf("node = %v", d)
		}
		if got := list(d, "node", "provenance", "sources"); len(got) != 1 || got[0] != "api" {
			t.Errorf("sources = %v", got)
		}
	})

	t.Run("link sets properties and both directions see it", func(t *testing.T) {
		d := a.ok(t, link, map[string]any{"in": map[string]any{"type": "MEMBER_OF", "from": f.expert, "to": f.society,
			"props": map[string]any{"role": "理事", "since": "2023-05-01"}, "source": "test roster, row 2"}})
		if str(d, "link", "role") != "理事" || str(d, "link", "since") != "2023-05-01" {
			t.Fatalf("link = %v", d)
		}
		a.ok(t, link, map[string]any{"in": map[string]any{"type": "SERVES", "from": f.expert, "to": f.enterprise, "props": map[string]any{"via": "万名专家进万企"}}})

		d = a.ok(t, `query($e: ID!, $s: ID!) {
			e: node(id: $e) { ... on Expert { memberOf { edges { node { id } role since provenance { sources } } } serves { edges { node { id } via } } } }
			s: node(id: $s) { ... on Society { members { edges { node { id } role } } } }
		}`, map[string]any{"e": f.expert, "s": f.society})
		if str(d, "e", "memberOf", "edges", 0, "node", "id") != f.society || str(d, "e", "memberOf", "edges", 0, "since") != "2023-05-01" {
			t.Errorf("expert.memberOf = %v", get(d, "e", "memberOf"))
		}
		if got := list(d, "e", "memberOf", "edges", 0, "provenance", "sources"); len(got) != 1 || got[0] != "test roster, row 2" {
			t.Errorf("relationship sources = %v", got)
		}
		if str(d, "e", "serves", "edges", 0, "via") != "万名专家进万企" || str(d, "e", "serves", "edges", 0, "node", "id") != f.enterprise {
			t.Errorf("expert.serves = %v", get(d, "e", "serves"))
		}
		if str(d, "s", "members", "edges", 0, "node", "id") != f.expert || str(d, "s", "members", "edges", 0, "role") != "理事" {
			t.Errorf("society.members = %v", get(d, "s", "members"))
		}
	})

	t.Run("linking again updates rather than duplicates", func(t *testing.T) {
		a.ok(t, link, map[string]any{"in": map[string]any{"type": "MEMBER_OF", "from": f.expert, "to": f.society, "props": map[string]any{"role": "常务理事"}}})
		rows := storetest.Query(t, "MATCH (:Entity {id: $e})-[r:MEMBER_OF]->(:Entity {id: $s}) RETURN r.role AS role, r.since AS since", map[string]any{"e": f.expert, "s": f.society})
		if len(rows) != 1 || rows[0]["role"] != "常务理事" || rows[0]["since"] == nil {
			t.Errorf("relationships = %v", rows)
		}
	})

	t.Run("update sets and clears fields", func(t *testing.T) {
		d := a.ok(t, `mutation($id: ID!, $in: UpdateExpertInput!) { updateExpert(id: $id, input: $in) { id title academician field } }`,
			map[string]any{"id": f.expert, "in": map[string]any{"title": "教授", "academician": nil, "field": "材料"}})
		e := get(d, "updateExpert")
		if str(e, "id") != f.expert || str(e, "title") != "教授" || get(e, "academician") != nil || str(e, "field") != "材料" {
			t.Errorf("updated = %v", e)
		}
	})

	t.Run("unlink removes once", func(t *testing.T) {
		in := map[string]any{"in": map[string]any{"type": "SERVES", "from": f.expert, "to": f.enterprise}}
		if d := a.ok(t, unlink, in); get(d, "unlink") != true {
			t.Errorf("first unlink = %v", d)
		}
		if d := a.ok(t, unlink, in); get(d, "unlink") != false {
			t.Errorf("second unlink = %v", d)
		}
	})

	t.Run("delete removes the node and its relationships", func(t *testing.T) {
		d := a.ok(t, `mutation($id: ID!) { deleteExpert(id: $id) }`, map[string]any{"id": f.expert})
		if str(d, "deleteExpert") != f.expert {
			t.Fatalf("delete = %v", d)
		}
		d = a.ok(t, `query($id: ID!, $s: ID!) { node(id: $id) { id } s: node(id: $s) { ... on Society { members { edges { node { id } } } } } }`, map[string]any{"id": f.expert, "s": f.society})
		if get(d, "node") != nil || len(list(d, "s", "members", "edges")) != 0 {
			t.Errorf("after delete: %v", d)
		}
	})
}
