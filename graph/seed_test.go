package graph_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/castgraph/castgraph/data"
	"github.com/castgraph/castgraph/store/storetest"
)

// sectionOfItem is the plan's layout: items 1–3 are in section 1, 4–6 in 2, …
var sectionOfItem = map[int]int{1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 2, 7: 3, 8: 3, 9: 3, 10: 3, 11: 3, 12: 3,
	13: 4, 14: 4, 15: 4, 16: 5, 17: 5, 18: 5, 19: 6, 20: 6, 21: 6}

const planQuery = `{
  plans(name: "2024年工作要点") {
    totalCount
    nodes { year issuedOn parts(first: 10) { edges { node { ... on PlanSection { number name } } } } }
  }
  planItems(first: 50) {
    totalCount
    nodes {
      number name year
      partOf(first: 1) { edges { node { number name partOf(first: 1) { edges { node { year } } } } } }
      launches { edges { node { name aliases kind runBy { edges { node { name } } } } } }
      concerns { edges { node { name } } }
    }
  }
}`

func TestSeed_PlanHasItsSectionsItemsAndPrograms(t *testing.T) {
	a := newAPI(t)
	d := a.ok(t, planQuery, nil)

	if got := get(d, "plans", "totalCount"); got != float64(1) {
		t.Fatalf("plans matching 2024年工作要点: %v", got)
	}
	if got := get(d, "plans", "nodes", 0, "issuedOn"); got != "2024-02-18" {
		t.Errorf("issuedOn = %v", got)
	}
	if got := len(list(d, "plans", "nodes", 0, "parts", "edges")); got != 6 {
		t.Errorf("plan has %d sections, want 6", got)
	}
	items := list(d, "planItems", "nodes")
	if len(items) != 21 {
		t.Fatalf("%d plan items, want 21", len(items))
	}
	launched := map[int][]string{} // item number → names and aliases it launches
	for _, it := range items {
		n := int(get(it, "number").(float64))
		sections := list(it, "partOf", "edges")
		if len(sections) != 1 {
			t.Fatalf("item %d is in %d sections", n, len(sections))
		}
		if got := int(get(sections[0], "node", "number").(float64)); got != sectionOfItem[n] {
			t.Errorf("item %d is in section %d, want %d", n, got, sectionOfItem[n])
		}
		if get(sections[0], "node", "partOf", "edges", 0, "node", "year") != float64(2024) {
			t.Errorf("item %d's section is not part of the 2024 plan", n)
		}
		if len(list(it, "launches", "edges"))+len(list(it, "concerns", "edges")) == 0 {
			t.Errorf("item %d names nothing", n)
		}
		for _, l := range list(it, "launches", "edges") {
			launched[n] = append(launched[n], str(l, "node", "name"))
			for _, alias := range list(l, "node", "aliases") {
				launched[n] = append(launched[n], alias.(string))
			}
			if len(list(l, "node", "runBy", "edges")) == 0 {
				t.Errorf("item %d: %s is run by no one", n, str(l, "node", "name"))
			}
		}
	}
	if t.Failed() {
		return
	}

	// Programs the document names, by the item that launches them.
	want := map[int][]string{
		5:  {"创新争先奖", "最美科技工作者", "青年科技人才托举工程", "英才计划"},
		9:  {"无锡马山生命健康论坛"},
		10: {"科技期刊强刊工程"},
		12: {"万名专家进万企"},
		13: {"青少年科技创新大赛", "金钥匙科技竞赛"},
		15: {"科普云"},
		16: {"长三角科技论坛"},
	}
	for item, names := range want {
		for _, name := range names {
			found := false
			for _, got := range launched[item] {
				found = found || strings.Contains(got, name)
			}
			if !found {
				t.Errorf("item %d does not launch %s (it launches %v)", item, name, launched[item])
			}
		}
	}
}

func TestSeed_NamesOfTheDocumentAreInTheGraph(t *testing.T) {
	a := newAPI(t)
	for _, name := range []string{"国际机械系统动力学学会", "苏科创新战略研究院", "省自然科学技术馆", "江苏科技报", "科技工作者建议",
		"全国创新驱动示范市", "科创中国试点城市", "海外联络站", "离岸创新中心", "学会联合体"} {
		t.Run(name, func(t *testing.T) {
			found := false
			for _, field := range []string{"programs", "societies", "institutions", "regions", "overseasStations", "associations", "parks"} {
				d := a.ok(t, fmt.Sprintf(`query($n: String) { %s(name: $n) { totalCount } }`, field), map[string]any{"n": name})
				found = found || get(d, field, "totalCount").(float64) > 0
			}
			if !found {
				t.Errorf("no node is named %s", name)
			}
		})
	}
}

// fingerprint is every seeded node and relationship with its provenance and
// last update, in a fixed order.
func fingerprint(t *testing.T, sources []string) []map[string]any {
	return storetest.Query(t, `
		MATCH (n:Entity) WHERE any(s IN n.sources WHERE s IN $sources)
		OPTIONAL MATCH (n)-[r]->(m:Entity)
		WITH n, r, m ORDER BY type(r), m.id
		RETURN n.id AS id, n.key AS key, n.sources AS sources, toString(n.updatedAt) AS updated,
		       collect([type(r), m.id, r.sources, toString(r.updatedAt)]) AS rels
		ORDER BY id`, map[string]any{"sources": sources})
}

func TestSeed_LoadingTwiceLeavesTheGraphAsItWas(t *testing.T) {
	a := newAPI(t)
	d, err := data.Demo()
	if err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, n := range d.Nodes {
		sources = append(sources, n.Source)
	}
	before := fingerprint(t, sources)
	stats, err := a.store.Load(context.Background(), d)
	if err != nil {
		t.Fatalf("second load: %v", err)
	}
	if stats.Nodes != len(d.Nodes) {
		t.Errorf("loaded %d nodes, dataset has %d", stats.Nodes, len(d.Nodes))
	}
	after := fingerprint(t, sources)
	if len(before) != len(d.Nodes) {
		t.Fatalf("%d seeded nodes in the graph, dataset has %d", len(before), len(d.Nodes))
	}
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("the graph changed on the second load (%d nodes before, %d after)", len(before), len(after))
	}
}

func TestSeed_ProvenanceSaysWhereEachNodeComesFrom(t *testing.T) {
	a := newAPI(t)
	d := a.ok(t, `{ programs(name: "无锡马山生命健康论坛") { nodes { provenance { sources createdAt updatedAt } launchedBy { edges { node { number } provenance { sources } } } } } }`, nil)
	p := get(d, "programs", "nodes", 0)
	if got := list(p, "provenance", "sources"); len(got) == 0 || got[0] != "plan 2024, item 9" {
		t.Errorf("node sources = %v", got)
	}
	if created, updated := str(p, "provenance", "createdAt"), str(p, "provenance", "updatedAt"); created == "" || updated < created {
		t.Errorf("createdAt %q, updatedAt %q", created, updated)
	}
	// Every seeded node and relationship has both times.
	rows := storetest.Query(t, `MATCH (n:Entity) WHERE 'plan 2024, item 9' IN n.sources OPTIONAL MATCH (n)-[r]-()
		RETURN count(CASE WHEN n.createdAt IS NULL OR n.updatedAt IS NULL THEN 1 END) AS badNodes,
		       count(CASE WHEN r IS NOT NULL AND (r.createdAt IS NULL OR r.updatedAt IS NULL) THEN 1 END) AS badRels`, nil)
	if rows[0]["badNodes"] != int64(0) || rows[0]["badRels"] != int64(0) {
		t.Errorf("seeded data without times: %v", rows[0])
	}
	if got := list(p, "launchedBy", "edges", 0, "provenance", "sources"); len(got) == 0 || got[0] != "plan 2024, item 9" {
		t.Errorf("relationship sources = %v", got)
	}
}

func TestDemo_ExpertsServeEnterprisesInClusters(t *testing.T) {
	a := newAPI(t)
	// Question 1 of README.md's analyst questions, walked through the relationship fields: cluster → chains → enterprises → serving experts.
	d := a.ok(t, `{ industryClusters(first: 50) { nodes { name parts(first: 20) { edges { node { ... on IndustryChain { name enterprises(first: 20) { edges { node { name servedBy(first: 20) { edges { node { name } via } } } } } } } } } } } }`, nil)
	served := 0
	for _, c := range list(d, "industryClusters", "nodes") {
		for _, chain := range list(c, "parts", "edges") {
			for _, e := range list(chain, "node", "enterprises", "edges") {
				served += len(list(e, "node", "servedBy", "edges"))
			}
		}
	}
	if served == 0 {
		t.Fatal("no expert serves an enterprise in any cluster's chains")
	}
	// Synthetic people are marked so.
	d = a.ok(t, `{ experts(first: 500) { nodes { description provenance { sources } } } }`, nil)
	for _, e := range list(d, "experts", "nodes") {
		if get(e, "provenance", "sources", 0) == "synthetic demo roster" && !strings.HasPrefix(str(e, "description"), "【合成数据】") {
			t.Errorf("demo expert not marked synthetic: %v", e)
		}
	}
}
