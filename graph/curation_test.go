package graph_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store/storetest"
)

// curationWorld loads, under a fresh tag: two spellings of one society
// (江苏省X学会 and X学会), a society whose name is another's alias, two
// experts of one name, and memberships to move, join and drop.
func curationWorld(t *testing.T, a *api) (tag string, ids map[string]string) {
	t.Helper()
	tag = unique("curation")
	t.Cleanup(func() { storetest.Forget(t, tag) })
	ids = map[string]string{}
	for _, k := range []string{"keep", "remove", "named", "alias", "e1", "e2", "twin1", "twin2"} {
		ids[k] = "x/" + tag + "-" + k
	}
	for k, v := range ids {
		prefix := "society/"
		if strings.HasPrefix(k, "e") || strings.HasPrefix(k, "twin") {
			prefix = "expert/"
		}
		ids[k] = prefix + strings.TrimPrefix(v, "x/")
	}
	d := &castgraph.Dataset{Source: tag,
		Nodes: []castgraph.DatasetNode{
			{ID: ids["keep"], Kind: castgraph.KindSociety, Name: "江苏省" + tag + "学会", Source: tag},
			{ID: ids["remove"], Kind: castgraph.KindSociety, Name: tag + "学会", Aliases: []string{tag + "学会（旧称）"}, Source: tag,
				Props: map[string]any{"field": "机械"}},
			{ID: ids["named"], Kind: castgraph.KindSociety, Name: tag + "联合会", Aliases: []string{tag + "联合会筹备组"}, Source: tag},
			{ID: ids["alias"], Kind: castgraph.KindSociety, Name: tag + "联合会筹备组", Source: tag},
			{ID: ids["e1"], Kind: castgraph.KindExpert, Name: tag + "甲", Source: tag},
			{ID: ids["e2"], Kind: castgraph.KindExpert, Name: tag + "乙", Source: tag},
			{ID: ids["twin1"], Kind: castgraph.KindExpert, Name: tag + "丙", Props: map[string]any{"disambiguation": "东南大学"}, Source: tag},
			{ID: ids["twin2"], Kind: castgraph.KindExpert, Name: tag + "丙", Props: map[string]any{"disambiguation": "南京大学"}, Source: tag},
		},
		Relationships: []castgraph.DatasetRelship{
			{Type: castgraph.RelMemberOf, From: ids["e1"], To: ids["remove"], Props: map[string]any{"role": "理事"}, Source: tag},
			{Type: castgraph.RelMemberOf, From: ids["e2"], To: ids["keep"], Source: tag},
			{Type: castgraph.RelMemberOf, From: ids["e2"], To: ids["remove"], Props: map[string]any{"role": "会员"}, Source: tag + " roster"},
			{Type: castgraph.RelMemberOf, From: ids["remove"], To: ids["keep"], Source: tag},
		},
	}
	if _, err := a.store.Load(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return tag, ids
}

const duplicatesQuery = `query($kind: NodeKind!, $first: Int) { duplicates(kind: $kind, first: $first) { reason key nodes { id name } } }`

// groupOf returns the reason of the group holding exactly these ids, or "".
func groupOf(groups []any, ids ...string) string {
	for _, g := range groups {
		var got []string
		for _, n := range list(g, "nodes") {
			got = append(got, str(n, "id"))
		}
		slices.Sort(got)
		want := slices.Clone(ids)
		slices.Sort(want)
		if slices.Equal(got, want) {
			return str(g, "reason")
		}
	}
	return ""
}

func TestDuplicates_ListsLikelyOnesWithTheirReason(t *testing.T) {
	a := newAPI(t)
	_, ids := curationWorld(t, a)
	editor := a.as(t, castgraph.RoleEditor)
	societies := list(editor.ok(t, duplicatesQuery, map[string]any{"kind": "Society", "first": 200}), "duplicates")
	if got := groupOf(societies, ids["keep"], ids["remove"]); got != "SIMILAR" {
		t.Errorf("江苏省X学会 and X学会: %q", got)
	}
	if got := groupOf(societies, ids["named"], ids["alias"]); got != "ALIAS" {
		t.Errorf("a name that is another's alias: %q", got)
	}
	experts := list(editor.ok(t, duplicatesQuery, map[string]any{"kind": "Expert", "first": 200}), "duplicates")
	if got := groupOf(experts, ids["twin1"], ids["twin2"]); got != "SAME_NAME" {
		t.Errorf("two experts of one name: %q", got)
	}
	if groupOf(experts, ids["e1"], ids["e2"]) != "" {
		t.Error("experts of different names are grouped")
	}

	a.as(t, castgraph.RoleViewer).fails(t, castgraph.EFORBIDDEN, "", duplicatesQuery, map[string]any{"kind": "Society"})
	editor.fails(t, castgraph.EINVALID, "first", duplicatesQuery, map[string]any{"kind": "Society", "first": 201})
	editor.fails(t, "GRAPHQL_VALIDATION_FAILED", "", duplicatesQuery, map[string]any{"kind": "Dragon"}) // kinds are an enum
}

const mergeQuery = `mutation($keep: ID!, $remove: ID!, $source: String) {
  mergeNodes(keep: $keep, remove: $remove, source: $source) { moved joined dropped
    node { id name aliases provenance { sources assertedBy { source actor } } ... on Society { field } } } }`

func TestMergeNodes_MovesJoinsAndRecords(t *testing.T) {
	a := newAPI(t)
	tag, ids := curationWorld(t, a)
	editor, actor := a.asNamed(t, castgraph.RoleEditor)

	d := editor.ok(t, mergeQuery, map[string]any{"keep": ids["keep"], "remove": ids["remove"], "source": tag + " curation"})
	m := get(d, "mergeNodes").(map[string]any)
	if m["moved"] != 1.0 || m["joined"] != 1.0 || m["dropped"] != 1.0 {
		t.Errorf("moved/joined/dropped: %v %v %v; want 1 1 1", m["moved"], m["joined"], m["dropped"])
	}
	aliases := strings.Join(toStrings(list(m, "node", "aliases")), "|")
	for _, want := range []string{tag + "学会", tag + "学会（旧称）"} {
		if !strings.Contains(aliases, want) {
			t.Errorf("aliases %s lack %s", aliases, want)
		}
	}
	if get(m, "node", "field") != "机械" {
		t.Errorf("a property only the removed node had: %v", get(m, "node", "field"))
	}
	record := false
	for _, as := range list(m, "node", "provenance", "assertedBy") {
		if strings.HasPrefix(str(as, "source"), "merged "+ids["remove"]) && str(as, "actor") == actor {
			record = true
		}
	}
	if !record {
		t.Errorf("the merge is not in the provenance: %v", get(m, "node", "provenance"))
	}

	// The removed node is gone; its relationships are the kept node's.
	if n := get(a.ok(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": ids["remove"]}), "node"); n != nil {
		t.Errorf("the removed node is still there: %v", n)
	}
	const members = `query($id: ID!) { node(id: $id) { ... on Society { members(first: 10) { edges { role provenance { sources } node { id } } } } } }`
	byMember := map[string]map[string]any{}
	for _, e := range list(a.ok(t, members, map[string]any{"id": ids["keep"]}), "node", "members", "edges") {
		byMember[str(e, "node", "id")] = e.(map[string]any)
	}
	if e := byMember[ids["e1"]]; e == nil || e["role"] != "理事" {
		t.Errorf("the moved membership: %v", e)
	}
	e2 := byMember[ids["e2"]]
	if e2 == nil || e2["role"] != "会员" || !slices.Contains(toStrings(list(e2, "provenance", "sources")), tag+" roster") {
		t.Errorf("the joined membership takes the missing role and both sources: %v", e2)
	}
	if len(byMember) != 2 {
		t.Errorf("members %v: the relationship between the two nodes should be gone", byMember)
	}
	entries, _ := a.auditLog(t, map[string]any{"action": "merge", "node": ids["keep"]})
	if len(entries) != 1 || str(entries[0], "actor") != actor {
		t.Errorf("audit: %v", entries)
	}
}

func TestMergeNodes_Refusals(t *testing.T) {
	a := newAPI(t)
	_, ids := curationWorld(t, a)
	editor := a.as(t, castgraph.RoleEditor)
	editor.fails(t, castgraph.EINVALID, "remove", mergeQuery, map[string]any{"keep": ids["keep"], "remove": ids["e1"]})
	editor.fails(t, castgraph.EINVALID, "remove", mergeQuery, map[string]any{"keep": ids["keep"], "remove": ids["keep"]})
	editor.fails(t, castgraph.ENOTFOUND, "remove", mergeQuery, map[string]any{"keep": ids["keep"], "remove": "society/no-such"})
	a.as(t, castgraph.RoleViewer).fails(t, castgraph.EFORBIDDEN, "", mergeQuery, map[string]any{"keep": ids["keep"], "remove": ids["remove"]})
	// Nothing of a refused merge is written.
	for _, id := range []string{ids["keep"], ids["remove"], ids["e1"]} {
		if get(a.ok(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}), "node") == nil {
			t.Errorf("%s is gone after refused merges", id)
		}
	}
}
