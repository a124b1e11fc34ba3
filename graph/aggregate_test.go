package graph_test

import (
	"context"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store/storetest"
)

// aggregateWorld: two cities; enterprises A1, A2, A3 in city A, B1 in city
// B, N1 nowhere; chains C1 (cluster K1) and C2 (cluster K2); experts X
// (serves A1 in C1 and A2 in C2: two clusters), Y (serves A1 and B1, both
// in C1: one cluster), Z (serves nobody); programs P1 (AWARD, 2020), P2
// (AWARD, 2023), P3 (EVENT, 2021).
func aggregateWorld(t *testing.T, a *api) string {
	t.Helper()
	tag := unique("agg")
	t.Cleanup(func() { storetest.Forget(t, tag) })
	id := func(slug, name string) string { return slug + "/" + tag + "-" + name }
	node := func(kind castgraph.Kind, slug, name string, props map[string]any) castgraph.DatasetNode {
		return castgraph.DatasetNode{ID: id(slug, name), Kind: kind, Name: tag + " " + name, Props: props, Source: tag}
	}
	rel := func(typ castgraph.RelType, from, to string) castgraph.DatasetRelship {
		return castgraph.DatasetRelship{Type: typ, From: from, To: to, Source: tag}
	}
	d := &castgraph.Dataset{Source: tag}
	d.Nodes = append(d.Nodes,
		node(castgraph.KindRegion, "region", "cityA", map[string]any{"regionType": "CITY"}),
		node(castgraph.KindRegion, "region", "cityB", map[string]any{"regionType": "CITY"}),
		node(castgraph.KindIndustryCluster, "industry-cluster", "K1", nil),
		node(castgraph.KindIndustryCluster, "industry-cluster", "K2", nil),
		node(castgraph.KindIndustryChain, "industry-chain", "C1", nil),
		node(castgraph.KindIndustryChain, "industry-chain", "C2", nil),
		node(castgraph.KindProgram, "program", "P1", map[string]any{"kind": "AWARD", "year": 2020}),
		node(castgraph.KindProgram, "program", "P2", map[string]any{"kind": "AWARD", "year": 2023}),
		node(castgraph.KindProgram, "program", "P3", map[string]any{"kind": "EVENT", "year": 2021}),
	)
	for _, e := range []string{"A1", "A2", "A3", "B1", "N1"} {
		d.Nodes = append(d.Nodes, node(castgraph.KindEnterprise, "enterprise", e, nil))
	}
	for _, x := range []string{"X", "Y", "Z"} {
		d.Nodes = append(d.Nodes, node(castgraph.KindExpert, "expert", x, nil))
	}
	d.Relationships = append(d.Relationships,
		rel(castgraph.RelPartOf, id("industry-chain", "C1"), id("industry-cluster", "K1")),
		rel(castgraph.RelPartOf, id("industry-chain", "C2"), id("industry-cluster", "K2")),
		rel(castgraph.RelLocatedIn, id("enterprise", "A1"), id("region", "cityA")),
		rel(castgraph.RelLocatedIn, id("enterprise", "A2"), id("region", "cityA")),
		rel(castgraph.RelLocatedIn, id("enterprise", "A3"), id("region", "cityA")),
		rel(castgraph.RelLocatedIn, id("enterprise", "B1"), id("region", "cityB")),
		rel(castgraph.RelInChain, id("enterprise", "A1"), id("industry-chain", "C1")),
		rel(castgraph.RelInChain, id("enterprise", "A2"), id("industry-chain", "C2")),
		rel(castgraph.RelInChain, id("enterprise", "B1"), id("industry-chain", "C1")),
		rel(castgraph.RelServes, id("expert", "X"), id("enterprise", "A1")),
		rel(castgraph.RelServes, id("expert", "X"), id("enterprise", "A2")),
		rel(castgraph.RelServes, id("expert", "Y"), id("enterprise", "A1")),
		rel(castgraph.RelServes, id("expert", "Y"), id("enterprise", "B1")),
	)
	if _, err := a.store.Load(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return tag
}

// groupsOf reads an aggregate's groups as "key-or-node-name: count".
func groupsOf(t *testing.T, d map[string]any, field string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, g := range list(d, field, "groups") {
		k, _ := get(g, "key").(string)
		if n, ok := get(g, "node").(map[string]any); ok {
			k = n["name"].(string)
		}
		out[k] = get(g, "count").(float64)
	}
	return out
}

func TestAggregate_GroupsAnswerInOneQuery(t *testing.T) {
	a := newAPI(t)
	tag := aggregateWorld(t, a)
	mine := map[string]any{"name": map[string]any{"startsWith": tag}}

	// Enterprises per city, of those a serving expert serves.
	d := a.ok(t, `query($w: EnterpriseFilter) { enterprisesAggregate(where: $w, groupBy: {related: ["locatedIn"]}) {
		count hasMoreGroups groups { key count node { name } } } }`,
		map[string]any{"w": map[string]any{"AND": []any{mine, map[string]any{"servedBy": map[string]any{"some": map[string]any{}}}}}})
	if got := groupsOf(t, d, "enterprisesAggregate"); len(got) != 2 || got[tag+" cityA"] != 2 || got[tag+" cityB"] != 1 {
		t.Errorf("per city: %v; want cityA 2, cityB 1", got)
	}
	if get(d, "enterprisesAggregate", "count") != 3.0 {
		t.Errorf("count %v, want 3", get(d, "enterprisesAggregate", "count"))
	}

	// Programs by kind, with their years' range.
	d = a.ok(t, `query($w: ProgramFilter) { programsAggregate(where: $w, groupBy: {property: KIND}, min: [YEAR], max: [YEAR]) {
		groups { key count min { field value } max { field value } } } }`, map[string]any{"w": mine})
	groups := list(d, "programsAggregate", "groups")
	if len(groups) != 2 || str(groups[0], "key") != "AWARD" || get(groups[0], "count") != 2.0 ||
		str(groups[0], "min", 0, "value") != "2020" || str(groups[0], "max", 0, "value") != "2023" ||
		str(groups[1], "key") != "EVENT" || get(groups[1], "count") != 1.0 {
		t.Errorf("programs by kind: %v", groups)
	}

	// Experts serving enterprises of two clusters or more: X only.
	d = a.ok(t, `query($w: ExpertFilter) { expertsAggregate(where: $w, reaching: {path: ["serves", "chains", "partOf"], atLeast: 2}) { count } }`,
		map[string]any{"w": mine})
	if get(d, "expertsAggregate", "count") != 1.0 {
		t.Errorf("experts of two clusters: %v, want 1", get(d, "expertsAggregate", "count"))
	}
	// By the cluster they serve: K1 has X and Y, K2 has X.
	d = a.ok(t, `query($w: ExpertFilter) { expertsAggregate(where: $w, groupBy: {related: ["serves", "chains", "partOf"]}) { groups { count node { name } } } }`,
		map[string]any{"w": mine})
	if got := groupsOf(t, d, "expertsAggregate"); len(got) != 2 || got[tag+" K1"] != 2 || got[tag+" K2"] != 1 {
		t.Errorf("experts per cluster: %v", got)
	}
	// No grouping: one group of all three experts; first cuts the groups.
	d = a.ok(t, `query($w: ExpertFilter) { expertsAggregate(where: $w) { count groups { count } } }`, map[string]any{"w": mine})
	if get(d, "expertsAggregate", "count") != 3.0 || get(d, "expertsAggregate", "groups", 0, "count") != 3.0 {
		t.Errorf("all experts: %v", d)
	}
	d = a.ok(t, `query($w: EnterpriseFilter) { enterprisesAggregate(where: $w, groupBy: {related: ["locatedIn"]}, first: 1) { hasMoreGroups groups { count } } }`,
		map[string]any{"w": mine})
	if get(d, "enterprisesAggregate", "hasMoreGroups") != true || len(list(d, "enterprisesAggregate", "groups")) != 1 {
		t.Errorf("first: 1: %v", d)
	}
}

func TestAggregate_Refusals(t *testing.T) {
	a := newAPI(t)
	for _, c := range []struct{ name, field, query string }{
		{"too many groups", "first", `{ expertsAggregate(first: 501) { count } }`},
		{"a path too long", "groupBy.related", `{ expertsAggregate(groupBy: {related: ["serves", "servedBy", "serves", "servedBy"]}) { count } }`},
		{"a field that is not a relationship", "groupBy.related[0]", `{ expertsAggregate(groupBy: {related: ["title"]}) { count } }`},
		{"beyond several kinds", "groupBy.related[1]", `{ societiesAggregate(groupBy: {related: ["members", "serves"]}) { count } }`},
		{"both groupings", "groupBy", `{ expertsAggregate(groupBy: {property: TITLE, related: ["serves"]}) { count } }`},
		{"a reach without bounds", "reaching", `{ expertsAggregate(reaching: {path: ["serves"]}) { count } }`},
	} {
		t.Run(c.name, func(t *testing.T) { a.fails(t, castgraph.EINVALID, c.field, c.query, nil) })
	}
	// Personal fields are not offered: not a group, not a minimum.
	for _, q := range []string{`{ expertsAggregate(groupBy: {property: BIRTH_MONTH}) { count } }`, `{ expertsAggregate(min: [GENDER]) { count } }`} {
		if r := a.post(t, q, nil); len(r.Errors) == 0 {
			t.Errorf("%s: no error", q)
		}
	}
	// A filter on a personal field needs READ_PERSONAL, as on lists.
	a.as(t, castgraph.RoleViewer).fails(t, castgraph.EFORBIDDEN, "where.birthMonth", `{ expertsAggregate(where: {birthMonth: {lt: "1980-01"}}) { count } }`, nil)
}

// The named breakdowns take a filter of the nodes they count.
func TestBreakdowns_TakeAWhere(t *testing.T) {
	a := newAPI(t)
	tag := aggregateWorld(t, a)
	// Experts per cluster, of the experts named X only: K1 and K2 have one each.
	d := a.ok(t, `query($w: ExpertFilter, $s: String) { expertsPerCluster(where: $w, source: $s, first: 500) { key { name } count } }`,
		map[string]any{"w": map[string]any{"name": map[string]any{"eq": tag + " X"}}, "s": tag})
	got := map[string]float64{}
	for _, row := range list(d, "expertsPerCluster") {
		got[str(row, "key", "name")] = get(row, "count").(float64)
	}
	if got[tag+" K1"] != 1 || got[tag+" K2"] != 1 {
		t.Errorf("experts named X per cluster: %v", got)
	}
	// Enterprises per city, of those a serving expert serves: city A 2, city B 1.
	d = a.ok(t, `query($w: EnterpriseFilter, $s: String) { enterprisesPerCity(where: $w, source: $s, first: 500) { key { name } count } }`,
		map[string]any{"w": map[string]any{"servedBy": map[string]any{"some": map[string]any{}}}, "s": tag})
	got = map[string]float64{}
	for _, row := range list(d, "enterprisesPerCity") {
		got[str(row, "key", "name")] = get(row, "count").(float64)
	}
	if got[tag+" cityA"] != 2 || got[tag+" cityB"] != 1 {
		t.Errorf("served enterprises per city: %v", got)
	}
	a.as(t, castgraph.RoleViewer).fails(t, castgraph.EFORBIDDEN, "where.gender", `{ expertsPerCluster(where: {gender: {eq: MALE}}) { count } }`, nil)
}
