package graph_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/data"
	"github.com/castgraph/castgraph/graph"
	"github.com/castgraph/castgraph/store"
)

// demoIDs returns the ids of the demo roster's nodes of a kind, so that
// filter tests look only at data whose answers were worked out by hand (other
// tests add nodes of their own).
func demoIDs(t *testing.T, kind castgraph.Kind) []string {
	d, err := data.Demo()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range d.Nodes {
		if n.Kind == kind && n.Source == "synthetic demo roster" {
			ids = append(ids, n.ID)
		}
	}
	return ids
}

// expertsWhere returns the ids of demo experts matching the filter, sorted.
func expertsWhere(t *testing.T, a *api, filter map[string]any) []string {
	t.Helper()
	where := map[string]any{"AND": []any{map[string]any{"id": map[string]any{"in": demoIDs(t, castgraph.KindExpert)}}, filter}}
	d := a.ok(t, `query($w: ExpertFilter) { experts(where: $w, first: 100) { totalCount nodes { id } } }`, map[string]any{"w": where})
	var ids []string
	for _, n := range list(d, "experts", "nodes") {
		ids = append(ids, str(n, "id"))
	}
	if int(get(d, "experts", "totalCount").(float64)) != len(ids) {
		t.Errorf("totalCount %v, but %d nodes", get(d, "experts", "totalCount"), len(ids))
	}
	sort.Strings(ids)
	return ids
}

func TestFilters_MatchWhatTheDemoDataSays(t *testing.T) {
	a := newAPI(t)
	cases := []struct {
		name   string
		filter map[string]any
		want   []string
	}{
		{"eq on text and boolean", map[string]any{"title": map[string]any{"eq": "教授"}, "academician": map[string]any{"eq": true}},
			[]string{"expert/chen-liheng", "expert/lin-shuyao"}},
		{"in", map[string]any{"title": map[string]any{"in": []string{"研究员", "高级工程师"}}},
			[]string{"expert/he-jingyi", "expert/li-siyuan", "expert/qian-yaqin", "expert/shen-letian", "expert/tang-jiahe", "expert/wu-jianing", "expert/zhao-yutong", "expert/zhou-muyuan"}},
		{"contains Chinese", map[string]any{"field": map[string]any{"contains": "风电"}},
			[]string{"expert/gao-ziqian", "expert/zhang-mingyuan"}},
		{"startsWith Chinese", map[string]any{"name": map[string]any{"startsWith": "王"}},
			[]string{"expert/wang-jianhua-grid", "expert/wang-jianhua-robotics"}},
		{"OR", map[string]any{"OR": []any{map[string]any{"field": map[string]any{"contains": "车联网"}}, map[string]any{"title": map[string]any{"eq": "副教授"}}}},
			[]string{"expert/luo-chenxi", "expert/song-yiming", "expert/zhao-yutong"}},
		{"NOT", map[string]any{"NOT": map[string]any{"OR": []any{map[string]any{"title": map[string]any{"in": []string{"教授", "研究员", "正高级工程师"}}}}}},
			[]string{"expert/song-yiming", "expert/tang-jiahe", "expert/zhao-yutong"}},
		{"some related node", map[string]any{"serves": map[string]any{"some": map[string]any{"name": map[string]any{"startsWith": "无锡"}}}},
			[]string{"expert/lin-shuyao", "expert/luo-chenxi", "expert/qian-yaqin", "expert/zhou-muyuan"}},
		{"none", map[string]any{"serves": map[string]any{"none": map[string]any{}}},
			[]string{"expert/cao-huimin", "expert/shen-letian", "expert/song-yiming", "expert/tang-jiahe", "expert/wang-jianhua-grid", "expert/zhao-yutong"}},
		{"all (true when there are none)", map[string]any{"serves": map[string]any{"all": map[string]any{"name": map[string]any{"startsWith": "无锡"}}}},
			[]string{"expert/cao-huimin", "expert/luo-chenxi", "expert/qian-yaqin", "expert/shen-letian", "expert/song-yiming", "expert/tang-jiahe", "expert/wang-jianhua-grid", "expert/zhao-yutong"}},
		{"single", map[string]any{"serves": map[string]any{"single": map[string]any{}}},
			[]string{"expert/feng-zhiqiang", "expert/gao-ziqian", "expert/han-qiming", "expert/he-jingyi", "expert/liang-ruoshui", "expert/lu-qinghe", "expert/luo-chenxi", "expert/qian-yaqin", "expert/sun-haoran", "expert/wu-jianing", "expert/xu-wenbo", "expert/zheng-guodong"}},
		{"three levels: experts serving enterprises in a cluster's chains",
			map[string]any{"serves": map[string]any{"some": map[string]any{"chains": map[string]any{"some": map[string]any{"partOf": map[string]any{"some": map[string]any{"id": map[string]any{"eq": "industry-cluster/construction-machinery"}}}}}}}},
			[]string{"expert/han-qiming", "expert/zheng-guodong"}},
	}
	cases = append(cases, struct {
		name   string
		filter map[string]any
		want   []string
	}{"walked from an id, with other conditions", map[string]any{"serves": map[string]any{"some": map[string]any{"id": map[string]any{"in": []string{"enterprise/wx-pharma", "enterprise/nj-biopharma"}}}},
		"title": map[string]any{"eq": "研究员"}}, []string{"expert/he-jingyi", "expert/qian-yaqin", "expert/zhou-muyuan"}})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := expertsWhere(t, a, c.filter); !slices.Equal(got, c.want) {
				t.Errorf("got  %v\nwant %v", got, c.want)
			}
			// Inside OR the filter cannot be walked from an anchor and is
			// tested node by node; the answer must be the same.
			if got := expertsWhere(t, a, map[string]any{"OR": []any{c.filter}}); !slices.Equal(got, c.want) {
				t.Errorf("as OR: got  %v\nwant %v", got, c.want)
			}
		})
	}

	t.Run("ranges on numbers", func(t *testing.T) {
		d := a.ok(t, `{ planItems(where: {year: {eq: 2024}, number: {gte: 19, lt: 30}}, orderBy: [{field: NUMBER}]) { nodes { number } } }`, nil)
		var got []float64
		for _, n := range list(d, "planItems", "nodes") {
			got = append(got, get(n, "number").(float64))
		}
		if !slices.Equal(got, []float64{19, 20, 21}) {
			t.Errorf("got %v", got)
		}
	})
	t.Run("ranges on dates", func(t *testing.T) {
		d := a.ok(t, `{ in: plans(where: {issuedOn: {gte: "2024-02-01", lte: "2024-02-18"}}) { nodes { year } }
		                 out: plans(where: {issuedOn: {gt: "2024-02-18"}}) { totalCount } }`, nil)
		if get(d, "in", "nodes", 0, "year") != float64(2024) || get(d, "out", "totalCount") != float64(0) {
			t.Errorf("got %v", d)
		}
	})
	t.Run("contains ignores Latin case", func(t *testing.T) {
		name := unique("Mashan Health FORUM")
		a.ok(t, createProgram, map[string]any{"in": map[string]any{"name": name, "kind": "EVENT"}})
		d := a.ok(t, `query($q: String!) { programs(where: {name: {contains: $q}}) { nodes { name } } }`, map[string]any{"q": "health forum" + name[len("Mashan Health FORUM"):]})
		if str(d, "programs", "nodes", 0, "name") != name {
			t.Errorf("got %v", d)
		}
	})
	t.Run("enum in", func(t *testing.T) {
		d := a.ok(t, `query($ids: [ID!]) { parks(where: {id: {in: $ids}, parkType: {in: [ECONOMIC_DEVELOPMENT_ZONE]}}) { nodes { id } } }`, map[string]any{"ids": demoIDs(t, castgraph.KindPark)})
		var got []string
		for _, n := range list(d, "parks", "nodes") {
			got = append(got, str(n, "id"))
		}
		sort.Strings(got)
		if !slices.Equal(got, []string{"park/suzhou-demo-edz", "park/xuzhou-demo-edz"}) {
			t.Errorf("got %v", got)
		}
	})
}

const createProgram = `mutation($in: CreateProgramInput!) { createProgram(input: $in) { id name } }`

func TestSorting_IsTotalAndFollowsOrderBy(t *testing.T) {
	a := newAPI(t)
	d := a.ok(t, `query($ids: [ID!]) { experts(where: {id: {in: $ids}}, orderBy: [{field: TITLE, direction: DESC}, {field: NAME}], first: 50) { nodes { id name title } } }`,
		map[string]any{"ids": demoIDs(t, castgraph.KindExpert)})
	nodes := list(d, "experts", "nodes")
	if len(nodes) != 24 {
		t.Fatalf("%d experts", len(nodes))
	}
	for i := 1; i < len(nodes); i++ {
		p, c := nodes[i-1], nodes[i]
		pt, ct := str(p, "title"), str(c, "title")
		if pt < ct || pt == ct && (str(p, "name") > str(c, "name") || str(p, "name") == str(c, "name") && str(p, "id") > str(c, "id")) {
			t.Errorf("out of order at %d: %v then %v", i, p, c)
		}
	}
	// The two 王建华 share a name; the id breaks the tie.
	d = a.ok(t, `{ experts(where: {name: {eq: "王建华"}}, orderBy: [{field: NAME}]) { nodes { id } } }`, nil)
	if str(d, "experts", "nodes", 0, "id") != "expert/wang-jianhua-grid" || str(d, "experts", "nodes", 1, "id") != "expert/wang-jianhua-robotics" {
		t.Errorf("tie not broken by id: %v", d)
	}
}

// walk pages through programs whose names start with prefix, forwards or backwards.
func walk(t *testing.T, a *api, prefix string, backwards bool) []string {
	var names []string
	cursor := any(nil)
	for i := 0; i < 50; i++ {
		q := `query($p: String, $c: String) { programs(where: {name: {startsWith: $p}}, first: 3, after: $c) { edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`
		if backwards {
			q = `query($p: String, $c: String) { programs(where: {name: {startsWith: $p}}, last: 3, before: $c) { edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`
		}
		d := a.ok(t, q, map[string]any{"p": prefix, "c": cursor})
		var page []string
		for _, e := range list(d, "programs", "edges") {
			page = append(page, str(e, "node", "name"))
		}
		if backwards {
			names = append(page, names...)
			if get(d, "programs", "pageInfo", "hasPreviousPage") != true {
				return names
			}
			cursor = get(d, "programs", "pageInfo", "startCursor")
		} else {
			names = append(names, page...)
			if get(d, "programs", "pageInfo", "hasNextPage") != true {
				return names
			}
			cursor = get(d, "programs", "pageInfo", "endCursor")
		}
	}
	t.Fatal("paging did not end")
	return nil
}

func TestPaging_KeysetCursorsForwardsAndBackwards(t *testing.T) {
	a := newAPI(t)
	prefix := unique("页")
	for _, n := range []string{"b", "d", "f", "h", "j", "l", "n"} {
		a.ok(t, createProgram, map[string]any{"in": map[string]any{"name": prefix + n, "kind": "EVENT"}})
	}
	all := []string{prefix + "b", prefix + "d", prefix + "f", prefix + "h", prefix + "j", prefix + "l", prefix + "n"}
	if got := walk(t, a, prefix, false); !slices.Equal(got, all) {
		t.Fatalf("forwards: %v", got)
	}
	if got := walk(t, a, prefix, true); !slices.Equal(got, all) {
		t.Fatalf("backwards: %v", got)
	}

	t.Run("a cursor stays put when nodes are inserted before it", func(t *testing.T) {
		q := `query($p: String, $c: String) { programs(where: {name: {startsWith: $p}}, first: 3, after: $c) { totalCount nodes { name } pageInfo { endCursor } } }`
		d := a.ok(t, q, map[string]any{"p": prefix, "c": nil})
		cursor := get(d, "programs", "pageInfo", "endCursor")
		for _, n := range []string{"a", "c", "e"} { // all sort before the cursor (…f)
			a.ok(t, createProgram, map[string]any{"in": map[string]any{"name": prefix + n, "kind": "EVENT"}})
		}
		d = a.ok(t, q, map[string]any{"p": prefix, "c": cursor})
		var got []string
		for _, n := range list(d, "programs", "nodes") {
			got = append(got, str(n, "name"))
		}
		if !slices.Equal(got, all[3:6]) {
			t.Errorf("after inserting before the cursor, the next page is %v, want %v", got, all[3:6])
		}
		if get(d, "programs", "totalCount") != float64(10) {
			t.Errorf("totalCount = %v", get(d, "programs", "totalCount"))
		}
	})
}

func TestPaging_RelationshipConnections(t *testing.T) {
	a := newAPI(t)
	q := `query($c: String) { planItems(where: {number: {eq: 5}}) { nodes { launches(first: 2, after: $c, orderBy: [{field: NAME}]) {
		totalCount edges { cursor role node { name } } pageInfo { hasNextPage endCursor } } } } }`
	var names []string
	var cursor any
	total := 0.0
	for i := 0; i < 20; i++ {
		d := a.ok(t, q, map[string]any{"c": cursor})
		conn := get(d, "planItems", "nodes", 0, "launches")
		total = get(conn, "totalCount").(float64)
		for _, e := range list(conn, "edges") {
			names = append(names, str(e, "node", "name"))
			if str(e, "role") == "" {
				t.Errorf("edge %v carries no role", e)
			}
		}
		if get(conn, "pageInfo", "hasNextPage") != true {
			break
		}
		cursor = get(conn, "pageInfo", "endCursor")
	}
	if float64(len(names)) != total || total < 5 || !sort.StringsAreSorted(names) {
		t.Errorf("walked %v, totalCount %v", names, total)
	}
}

func TestPaging_BadWindowsAreCodedErrors(t *testing.T) {
	a := newAPI(t)
	d := a.ok(t, `{ experts(first: 1) { pageInfo { endCursor } } }`, nil)
	expertCursor := str(d, "experts", "pageInfo", "endCursor")

	a.fails(t, "INVALID_ARGUMENT", "first", `{ experts(first: 501) { totalCount } }`, nil)
	a.fails(t, "INVALID_ARGUMENT", "last", `{ experts(last: 501) { totalCount } }`, nil)
	a.fails(t, "INVALID_ARGUMENT", "first", `{ planItems { nodes { launches(first: 1001) { totalCount } } } }`, nil)
	a.fails(t, "INVALID_ARGUMENT", "last", `{ experts(first: 1, last: 1) { totalCount } }`, nil)
	a.fails(t, "INVALID_ARGUMENT", "after", `query($c: String) { programs(after: $c) { totalCount } }`, map[string]any{"c": expertCursor})
	a.fails(t, "INVALID_ARGUMENT", "after", `query($c: String) { experts(after: $c, orderBy: [{field: TITLE}]) { totalCount } }`, map[string]any{"c": expertCursor})
	a.fails(t, "INVALID_ARGUMENT", "before", `{ experts(last: 2, before: "e30") { totalCount } }`, nil)
	forged := base64.RawURLEncoding.EncodeToString([]byte(`{"s":"x","k":[{"s":"a"}]}`))
	a.fails(t, "INVALID_ARGUMENT", "after", `query($c: String) { experts(after: $c) { totalCount } }`, map[string]any{"c": forged})
	a.fails(t, "GRAPHQL_VALIDATION_FAILED", "", `{ experts(orderBy: [{field: SALARY}]) { totalCount } }`, nil)
	a.fails(t, "GRAPHQL_VALIDATION_FAILED", "", `{ experts(where: {salary: {eq: 1}}) { totalCount } }`, nil)
	deep := map[string]any{"id": map[string]any{"eq": "x"}}
	for i := 0; i < 6; i++ {
		deep = map[string]any{"memberOf": map[string]any{"some": deep}}
	}
	a.fails(t, "INVALID_ARGUMENT", "", `query($w: SocietyFilter) { societies(where: $w) { totalCount } }`, map[string]any{"w": deep})
}

// TestLoaders_NestedQueryCostsOneStatement counts the Cypher statements
// that a three-level nested query issues: one, the list's, which reads every
// level below it ahead of the resolvers, however many parents each level has.
func TestLoaders_NestedQueryCostsOneStatement(t *testing.T) {
	a := newAPI(t)
	before := a.store.Statements()
	d := a.ok(t, `{ industryClusters(first: 20) { nodes { name
		parts(first: 20) { nodes { name
			enterprises(first: 20) { nodes { name
				servedBy(first: 20) { edges { via node { name } } } } } } } } } }`, nil)
	used := a.store.Statements() - before

	parents, served := 0, 0
	for _, c := range list(d, "industryClusters", "nodes") {
		for _, ch := range list(c, "parts", "nodes") {
			parents++
			for _, e := range list(ch, "enterprises", "nodes") {
				parents++
				served += len(list(e, "servedBy", "edges"))
			}
		}
	}
	if served == 0 || parents < 10 {
		t.Fatalf("the query found too little to prove anything: %d parents, %d served", parents, served)
	}
	if used != 1 {
		t.Errorf("the nested query ran %d statements for %d parents; want 1", used, parents)
	}
}

// Below a level whose nodes are of several kinds the read-ahead stops; the
// levels there cost one statement each (the nodes a statement returned
// fetch each field together), not one per node.
func TestLoaders_BelowSeveralKindsOneStatementPerLevel(t *testing.T) {
	a := newAPI(t)
	before := a.store.Statements()
	d := a.ok(t, `query($ids: [ID!]) { experts(where: {id: {in: $ids}}, first: 200) { nodes { name
		affiliations { nodes { name ... on Enterprise { servedBy(first: 5) { totalCount nodes { name serves { totalCount } } } } } } } } }`,
		map[string]any{"ids": demoIDs(t, castgraph.KindExpert)})
	used := a.store.Statements() - before
	enterprises, served := 0, 0
	for _, x := range list(d, "experts", "nodes") {
		for _, org := range list(x, "affiliations", "nodes") {
			if get(org, "servedBy") != nil {
				enterprises++
				served += len(list(org, "servedBy", "nodes"))
			}
		}
	}
	if enterprises < 2 || served < 2 {
		t.Fatalf("the query found too little to prove anything: %d enterprises, %d served", enterprises, served)
	}
	// The list with affiliations read ahead; servedBy pages; their counts;
	// the serving experts' serves counts.
	if used != 4 {
		t.Errorf("ran %d statements for %d enterprises served by %d experts; want 4", used, enterprises, served)
	}
}

// What the root fields read ahead must be what each field would have read
// on its own: the same nodes in the same order, edges, counts, for every
// alias of a field asked with different arguments.
func TestLookAhead_SameAnswersAsEachFieldAlone(t *testing.T) {
	a := newAPI(t)
	d := a.ok(t, `{ industryClusters(first: 50) { nodes { id parts(first: 5) { totalCount nodes { id
		enterprises(first: 3) { nodes { id
			a: servedBy(first: 2) { totalCount edges { via node { id name title } } }
			b: servedBy(last: 2, orderBy: [{field: NAME, direction: DESC}]) { nodes { id } pageInfo { hasPreviousPage } } } } } } } } }`, nil)
	ctx := context.Background()
	two := 2
	checked := 0
	for _, c := range list(d, "industryClusters", "nodes") {
		for _, ch := range list(c, "parts", "nodes") {
			for _, e := range list(ch, "enterprises", "nodes") {
				id := str(e, "id")
				alone, err := a.store.RelatedPages(ctx, castgraph.KindEnterprise, "servedBy", []string{id}, &store.Plan{Window: store.Window{First: &two}})
				if err != nil {
					t.Fatal(err)
				}
				count, err := a.store.RelatedCounts(ctx, castgraph.KindEnterprise, "servedBy", []string{id}, nil)
				if err != nil {
					t.Fatal(err)
				}
				var got, want []string
				for _, edge := range list(e, "a", "edges") {
					got = append(got, str(edge, "node", "id")+" "+str(edge, "node", "name")+" "+fmt.Sprint(get(edge, "via")))
				}
				for i, n := range alone[id].Nodes {
					via := "<nil>"
					if v, ok := alone[id].Edges[i].Props["via"].(string); ok {
						via = v
					}
					want = append(want, n.ID+" "+n.Name+" "+via)
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s servedBy(first: 2): %v, alone %v", id, got, want)
				}
				if int(get(e, "a", "totalCount").(float64)) != count[id] {
					t.Errorf("%s: totalCount %v, alone %d", id, get(e, "a", "totalCount"), count[id])
				}
				back, err := a.store.RelatedPages(ctx, castgraph.KindEnterprise, "servedBy", []string{id},
					&store.Plan{Window: store.Window{Last: &two}, Order: []store.Order{{Field: "name", Desc: true}}})
				if err != nil {
					t.Fatal(err)
				}
				got, want = nil, nil
				for _, n := range list(e, "b", "nodes") {
					got = append(got, str(n, "id"))
				}
				for _, n := range back[id].Nodes {
					want = append(want, n.ID)
				}
				if !slices.Equal(got, want) || get(e, "b", "pageInfo", "hasPreviousPage") != back[id].HasPreviousPage {
					t.Errorf("%s servedBy(last: 2, name desc): %v, alone %v", id, got, want)
				}
				checked += len(want)
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d served experts checked: too few to prove anything", checked)
	}
}

// One read-ahead statement stays bounded by the pages a query asks for:
// levels whose rows could multiply past the bound are left to the loaders,
// one statement each, and the answers do not change.
func TestLoaders_BigPagesAreNotReadAhead(t *testing.T) {
	// Pages this big are over the cost limit, which this test is not about.
	a := newAPIWith(t, graph.Options{Limits: graph.Limits{MaxCost: 1 << 30}, Bounds: graph.Bounds{RatePerSecond: -1}})
	vars := map[string]any{"ids": demoIDs(t, castgraph.KindExpert)}
	const query = `query($ids: [ID!]) { experts(where: {id: {in: $ids}}, first: %d) { nodes { id
		serves(first: %d) { nodes { id servedBy(first: %d) { totalCount nodes { id } } } } } } }`
	ask := func(root, mid, leaf int) (map[string]any, int64) {
		before := a.store.Statements()
		d := a.ok(t, fmt.Sprintf(query, root, mid, leaf), vars)
		return d, a.store.Statements() - before
	}
	small, smallStatements := ask(100, 20, 20)    // 40 000 rows at most: read ahead
	big, bigStatements := ask(500, 1000, 1000)    // 500 000 below the experts: not
	mixed, mixedStatements := ask(100, 100, 1000) // 10 000, then 10 000 000: the first level only
	if smallStatements != 1 || bigStatements != 4 || mixedStatements != 3 {
		t.Errorf("statements: %d, %d, %d; want 1 (all read ahead), 4 (list, serves, servedBy pages, their counts), 3 (list with serves, servedBy pages, their counts)",
			smallStatements, bigStatements, mixedStatements)
	}
	if !reflect.DeepEqual(small, big) || !reflect.DeepEqual(small, mixed) {
		t.Error("the answers differ with the plan")
	}
	if len(list(small, "experts", "nodes")) < 10 {
		t.Error("too few experts to prove anything")
	}
}
