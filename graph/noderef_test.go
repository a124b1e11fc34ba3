package graph_test

import (
	"context"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store/storetest"
)

// paths, neighborhood and expertsServingCluster name their nodes by id or
// by exact name (or an alias).
func TestNodeRefs_ByIDOrName(t *testing.T) {
	a := newAPI(t)
	const paths = `query($f: ID, $fn: String, $t: ID, $tn: String) { paths(from: $f, fromName: $fn, to: $t, toName: $tn, maxHops: 2) { length nodes { id } } }`
	byID := a.ok(t, paths, map[string]any{"f": "expert/chen-liheng", "t": "enterprise/nj-smart-grid"})
	byName := a.ok(t, paths, map[string]any{"fn": "陈立衡", "tn": "南京示例智能电网装备有限公司"})
	if len(list(byID, "paths")) == 0 || str(byName, "paths", 0, "nodes", 0, "id") != "expert/chen-liheng" ||
		len(list(byName, "paths")) != len(list(byID, "paths")) {
		t.Errorf("by name %v, by id %v", byName, byID)
	}
	const cluster = `query($id: ID, $name: String) { expertsServingCluster(clusterId: $id, clusterName: $name, first: 500) { expert { id } } }`
	want := len(list(a.ok(t, cluster, map[string]any{"id": "industry-cluster/new-power-equipment"}), "expertsServingCluster"))
	for _, name := range []string{"新型电力(新能源)装备", "新型电力装备"} { // the name, an alias
		if got := len(list(a.ok(t, cluster, map[string]any{"name": name}), "expertsServingCluster")); got != want || want == 0 {
			t.Errorf("%s: %d experts, by id %d", name, got, want)
		}
	}
	a.fails(t, castgraph.ENOTFOUND, "fromName", paths, map[string]any{"fn": "没有这个人", "t": "enterprise/nj-smart-grid"})
	a.fails(t, castgraph.EINVALID, "from", paths, map[string]any{"f": "expert/chen-liheng", "fn": "陈立衡", "t": "enterprise/nj-smart-grid"})
	a.fails(t, castgraph.EINVALID, "to", paths, map[string]any{"f": "expert/chen-liheng"})
	// A cluster's name names no expert: the kind narrows the look-up.
	a.fails(t, castgraph.ENOTFOUND, "clusterName", cluster, map[string]any{"name": "陈立衡"})

	// Two nodes of one name: the answer lists them and asks for the id.
	tag := unique("noderef")
	t.Cleanup(func() { storetest.Forget(t, tag) })
	d := &castgraph.Dataset{Source: tag, Nodes: []castgraph.DatasetNode{
		{ID: "expert/" + tag + "-1", Kind: castgraph.KindExpert, Name: tag, Props: map[string]any{"disambiguation": "甲"}, Source: tag},
		{ID: "expert/" + tag + "-2", Kind: castgraph.KindExpert, Name: tag, Props: map[string]any{"disambiguation": "乙"}, Source: tag},
	}}
	if _, err := a.store.Load(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	e := a.fails(t, castgraph.EINVALID, "fromName", paths, map[string]any{"fn": tag, "t": "enterprise/nj-smart-grid"})
	if !strings.Contains(e.Message, "expert/"+tag+"-1") || !strings.Contains(e.Message, "expert/"+tag+"-2") {
		t.Errorf("the ambiguity does not list both: %s", e.Message)
	}
}

// neighborhood keeps to the relationship types and kinds asked.
func TestNeighborhood_FiltersTypesAndKinds(t *testing.T) {
	a := newAPI(t)
	const q = `query($id: ID!, $types: [RelationType!], $kinds: [NodeKind!]) {
		neighborhood(id: $id, depth: 2, limit: 500, relationshipTypes: $types, kinds: $kinds) { nodes { id kind depth } edges { type } } }`
	all := a.ok(t, q, map[string]any{"id": "expert/chen-liheng"})
	served := a.ok(t, q, map[string]any{"id": "expert/chen-liheng", "types": []string{"SERVES"}, "kinds": []string{"Enterprise", "Expert"}})
	kinds := map[string]bool{}
	for _, n := range list(all, "neighborhood", "nodes") {
		kinds[str(n, "kind")] = true
	}
	if len(kinds) < 3 {
		t.Fatalf("the unfiltered neighbourhood proves too little: %v", kinds)
	}
	if len(list(served, "neighborhood", "nodes")) < 2 {
		t.Fatalf("filtered: %v", served)
	}
	for _, n := range list(served, "neighborhood", "nodes") {
		if k := str(n, "kind"); k != "Enterprise" && k != "Expert" {
			t.Errorf("a %s in a neighbourhood of experts and enterprises", k)
		}
	}
	for _, e := range list(served, "neighborhood", "edges") {
		if str(e, "type") != "SERVES" {
			t.Errorf("a %s relationship among SERVES", str(e, "type"))
		}
	}
}
