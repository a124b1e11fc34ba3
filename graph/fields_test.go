package graph_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/data"
)

// TestRelatedFields_NarrowReadsGiveTheSameAnswers checks the projections:
// every read (relationship pages, lists, node(id), search hits) asks Neo4j
// only for the fields the client selects (through nodes, edges, inline and
// named fragments), and every field selected still comes back as the
// dataset says, the same whichever way the node was reached.
func TestRelatedFields_NarrowReadsGiveTheSameAnswers(t *testing.T) {
	a := newAPI(t)
	demo, err := data.Demo()
	if err != nil {
		t.Fatal(err)
	}
	ids := demoIDs(t, castgraph.KindEnterprise)
	vars := map[string]any{"ids": ids}

	wide := a.ok(t, `query($ids: [ID!]) { enterprises(where: {id: {in: $ids}}, first: 100) { nodes { id
		servedBy(first: 50) { edges { via since provenance { sources }
			node { id name aliases provenance { sources createdAt } title ...More } } } } } }
		fragment More on Node { description ... on Expert { academician field disambiguation } }`, vars)
	narrow := a.ok(t, `query($ids: [ID!]) { enterprises(where: {id: {in: $ids}}, first: 100) { nodes { id
		servedBy(first: 50) { nodes { id name } } } } }`, vars)

	// The reference: the same experts, one node(id) each, checked against
	// the dataset.
	var lookups strings.Builder
	lookups.WriteString("{")
	seen := map[string]bool{}
	for _, e := range list(wide, "enterprises", "nodes") {
		for _, edge := range list(e, "servedBy", "edges") {
			if id := str(edge, "node", "id"); !seen[id] {
				seen[id] = true
				fmt.Fprintf(&lookups, ` x%d: node(id: %q) { id name aliases provenance { sources createdAt } description
					... on Expert { title academician field disambiguation } }`, len(seen), id)
			}
		}
	}
	lookups.WriteString("}")
	if len(seen) < 10 {
		t.Fatalf("only %d served experts in the demo data: too few to prove anything", len(seen))
	}
	whole := map[string]any{}
	for _, n := range a.ok(t, lookups.String(), nil) {
		whole[str(n, "id")] = n
	}
	for _, n := range demo.Nodes {
		got, ok := whole[n.ID].(map[string]any)
		if !ok {
			continue
		}
		want := map[string]any{"id": n.ID, "name": n.Name, "aliases": []any{}, "description": nil,
			"title": nil, "academician": nil, "field": nil, "disambiguation": nil}
		for _, a := range n.Aliases {
			want["aliases"] = append(want["aliases"].([]any), a)
		}
		if n.Description != nil {
			want["description"] = *n.Description
		}
		for k, v := range n.Props {
			want[k] = v
		}
		for k, v := range want {
			if !reflect.DeepEqual(got[k], v) {
				t.Errorf("node(id: %q).%s = %#v, the dataset says %#v", n.ID, k, got[k], v)
			}
		}
		if !slices.Contains(toStrings(list(got, "provenance", "sources")), n.Source) || str(got, "provenance", "createdAt") == "" {
			t.Errorf("node(id: %q) provenance %v lacks %q or a time", n.ID, get(got, "provenance"), n.Source)
		}
	}

	// Search hits are read narrowly too.
	for id, n := range whole {
		name := str(n, "name")
		hits := a.ok(t, `query($q: String!) { search(text: $q, first: 20) { node { id name aliases provenance { sources createdAt } description
			... on Expert { title academician field disambiguation } } } }`, map[string]any{"q": name})
		found := false
		for _, h := range list(hits, "search") {
			if str(h, "node", "id") == id {
				found = true
				if !reflect.DeepEqual(get(h, "node"), n) {
					t.Errorf("search hit %v\nnode(id) %v", get(h, "node"), n)
				}
			}
		}
		if !found {
			t.Errorf("searching %q does not find %s", name, id)
		}
	}

	// A root list reads only what is asked too; asked everything, it gives
	// what node(id) gives.
	var expertIDs []string
	for id := range seen {
		expertIDs = append(expertIDs, id)
	}
	listed := a.ok(t, `query($ids: [ID!]) { experts(where: {id: {in: $ids}}, first: 500) { nodes { id name aliases
		provenance { sources createdAt } description title academician field disambiguation } } }`, map[string]any{"ids": expertIDs})
	for _, n := range list(listed, "experts", "nodes") {
		if !reflect.DeepEqual(n, whole[str(n, "id")]) {
			t.Errorf("experts list gives %v\nnode(id) gives %v", n, whole[str(n, "id")])
		}
	}
	if got := len(list(listed, "experts", "nodes")); got != len(expertIDs) {
		t.Errorf("the list found %d of %d experts", got, len(expertIDs))
	}

	served := map[[2]string]castgraph.DatasetRelship{}
	for _, r := range demo.Relationships {
		if r.Type == castgraph.RelServes {
			served[[2]string{r.To, r.From}] = r
		}
	}
	narrowByID := map[string]any{}
	for _, e := range list(narrow, "enterprises", "nodes") {
		narrowByID[str(e, "id")] = e
	}
	withVia := 0
	for _, e := range list(wide, "enterprises", "nodes") {
		var wideOrder, narrowOrder []string
		for _, edge := range list(e, "servedBy", "edges") {
			node := get(edge, "node").(map[string]any)
			wideOrder = append(wideOrder, str(node, "id"))
			if !reflect.DeepEqual(node, whole[str(node, "id")]) {
				t.Errorf("%s served by %s:\n got %v\nwant %v", str(e, "id"), str(node, "id"), node, whole[str(node, "id")])
			}
			r, ok := served[[2]string{str(e, "id"), str(node, "id")}]
			if !ok {
				continue // a relationship another test added
			}
			if via, _ := r.Props["via"].(string); via != "" {
				withVia++
				if get(edge, "via") != via {
					t.Errorf("%s ← %s: via %v, want %q", str(e, "id"), str(node, "id"), get(edge, "via"), via)
				}
			}
			if since, _ := r.Props["since"].(string); since != "" && get(edge, "since") != since {
				t.Errorf("%s ← %s: since %v, want %q", str(e, "id"), str(node, "id"), get(edge, "since"), since)
			}
			if !slices.Contains(toStrings(list(edge, "provenance", "sources")), r.Source) {
				t.Errorf("%s ← %s: sources %v lack %q", str(e, "id"), str(node, "id"), list(edge, "provenance", "sources"), r.Source)
			}
		}
		for _, n := range list(narrowByID[str(e, "id")], "servedBy", "nodes") {
			narrowOrder = append(narrowOrder, str(n, "id"))
		}
		if !slices.Equal(wideOrder, narrowOrder) {
			t.Errorf("%s: narrow read gives %v, wide %v", str(e, "id"), narrowOrder, wideOrder)
		}
	}
	if withVia == 0 {
		t.Error("no relationship with via was checked")
	}
}

func toStrings(list []any) []string {
	out := make([]string, 0, len(list))
	for _, v := range list {
		s, _ := v.(string)
		out = append(out, s)
	}
	return out
}

// Reading only the selected fields must not change the order: a list or a
// relationship sorted by a property the client does not select comes in the
// same order as when it does.
func TestRelatedFields_OrderByAFieldNotSelected(t *testing.T) {
	a := newAPI(t)
	vars := map[string]any{"ids": demoIDs(t, castgraph.KindExpert), "e": demoIDs(t, castgraph.KindEnterprise)}
	d := a.ok(t, `query($ids: [ID!], $e: [ID!]) {
		bare: experts(where: {id: {in: $ids}}, first: 100, orderBy: [{field: TITLE, direction: DESC}, {field: UPDATED_AT}]) { nodes { id } }
		full: experts(where: {id: {in: $ids}}, first: 100, orderBy: [{field: TITLE, direction: DESC}, {field: UPDATED_AT}]) { nodes { id title provenance { updatedAt } } }
		enterprises(where: {id: {in: $e}}, first: 100) { nodes { id
			bare: servedBy(orderBy: [{field: FIELD}, {field: CREATED_AT, direction: DESC}]) { nodes { id } }
			full: servedBy(orderBy: [{field: FIELD}, {field: CREATED_AT, direction: DESC}]) { nodes { id field provenance { createdAt } } } } } }`, vars)
	ids := func(v any, path ...any) []string {
		var out []string
		for _, n := range list(v, path...) {
			out = append(out, str(n, "id"))
		}
		return out
	}
	if bare, full := ids(d, "bare", "nodes"), ids(d, "full", "nodes"); !slices.Equal(bare, full) || len(bare) < 10 {
		t.Errorf("experts by title, selecting only ids: %v\nselecting titles: %v", bare, full)
	}
	compared := 0
	for _, e := range list(d, "enterprises", "nodes") {
		bare, full := ids(e, "bare", "nodes"), ids(e, "full", "nodes")
		if !slices.Equal(bare, full) {
			t.Errorf("%s servedBy by field, selecting only ids: %v\nselecting fields: %v", str(e, "id"), bare, full)
		}
		if len(bare) > 1 {
			compared++
		}
	}
	if compared < 3 {
		t.Errorf("only %d enterprises with more than one server: too few to prove anything", compared)
	}
}
