package graph_test

import (
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/data"
)

// Expected answers below are worked out by hand from data/plan2024.json and
// data/demo.json. Other tests (and store's synthetic load test) add nodes to
// the same database, so where an answer could grow, the tests look only at
// the seeded part: nodes whose provenance lists the demo roster or the plan.

const demoSource = "synthetic demo roster"

// idsOf returns the "id" of every object in the list at path.
func idsOf(v any, path ...any) []string {
	out := []string{}
	for _, item := range list(v, path...) {
		out = append(out, str(item, "id"))
	}
	return out
}

// seeded reports whether a node (with `provenance { sources }`) comes from
// the demo roster or the 2024 plan.
func seeded(node any) bool {
	for _, s := range list(node, "provenance", "sources") {
		if s == demoSource || strings.HasPrefix(s.(string), "plan 2024") || strings.HasPrefix(s.(string), "public record") {
			return true
		}
	}
	return false
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

const clusterExpertsQuery = `query($id: ID!, $first: Int) {
  expertsServingCluster(clusterId: $id, first: $first) {
    expert { id name provenance { sources } }
    enterprises { id name }
    chains { id }
    via
  }
}`

func TestAnalytics_ExpertsServingCluster(t *testing.T) {
	a := newAPI(t)
	type served struct {
		enterprises, chains, via []string
	}
	// seededRows returns the demo experts of the answer, in answer order.
	seededRows := func(t *testing.T, cluster string) ([]string, map[string]served) {
		t.Helper()
		d := a.ok(t, clusterExpertsQuery, map[string]any{"id": cluster, "first": 500})
		var order []string
		rows := map[string]served{}
		for _, row := range list(d, "expertsServingCluster") {
			if !seeded(get(row, "expert")) {
				continue
			}
			id := str(row, "expert", "id")
			order = append(order, id)
			var via []string
			for _, v := range list(row, "via") {
				via = append(via, v.(string))
			}
			rows[id] = served{idsOf(row, "enterprises"), idsOf(row, "chains"), via}
		}
		return order, rows
	}

	t.Run("new power equipment: experts with their enterprises, chains and via, in name order", func(t *testing.T) {
		order, rows := seededRows(t, "industry-cluster/new-power-equipment")
		// 吴 < 张 < 林 < 许 < 陈 < 高 in code-point order, as Neo4j sorts strings.
		wantOrder := []string{"expert/wu-jianing", "expert/zhang-mingyuan", "expert/lin-shuyao", "expert/xu-wenbo", "expert/chen-liheng", "expert/gao-ziqian"}
		if !reflect.DeepEqual(order, wantOrder) {
			t.Fatalf("experts = %v, want %v", order, wantOrder)
		}
		want := map[string]served{
			"expert/wu-jianing":     {[]string{"enterprise/cz-pv-materials"}, []string{"industry-chain/crystalline-silicon-pv"}, []string{"万名专家进万企"}},
			"expert/zhang-mingyuan": {[]string{"enterprise/nj-wind-tech", "enterprise/nt-offshore-wind"}, []string{"industry-chain/wind-power-equipment"}, []string{"万名专家进万企"}},
			"expert/lin-shuyao":     {[]string{"enterprise/cz-pv-materials", "enterprise/wx-pv-tech"}, []string{"industry-chain/crystalline-silicon-pv"}, []string{"万名专家进万企"}},
			"expert/xu-wenbo":       {[]string{"enterprise/nj-smart-grid"}, []string{"industry-chain/uhv-equipment"}, []string{"海智(离岸)基地"}},
			"expert/chen-liheng":    {[]string{"enterprise/nj-smart-grid", "enterprise/nt-electric"}, []string{"industry-chain/uhv-equipment"}, []string{"万名专家进万企"}},
			"expert/gao-ziqian":     {[]string{"enterprise/nt-offshore-wind"}, []string{"industry-chain/wind-power-equipment"}, []string{"海外联络站"}},
		}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("rows = %v\nwant %v", rows, want)
		}
	})

	t.Run("nev cluster: an expert serving through two chains' enterprises is listed once", func(t *testing.T) {
		order, rows := seededRows(t, "industry-cluster/nev-connected-vehicles")
		want := []string{"expert/li-siyuan", "expert/liang-ruoshui", "expert/lu-qinghe", "expert/luo-chenxi", "expert/sun-haoran"}
		if got := sortedCopy(order); !reflect.DeepEqual(got, want) {
			t.Fatalf("experts = %v, want %v", got, want)
		}
		li := rows["expert/li-siyuan"]
		if !reflect.DeepEqual(li.enterprises, []string{"enterprise/cz-power-battery", "enterprise/sz-new-energy-battery"}) ||
			!reflect.DeepEqual(li.chains, []string{"industry-chain/power-batteries"}) || !reflect.DeepEqual(li.via, []string{"示例新能源专业科技服务团"}) {
			t.Errorf("李思源 = %+v", li)
		}
	})

	t.Run("an enterprise tied to the cluster directly: no chain", func(t *testing.T) {
		order, rows := seededRows(t, "industry-cluster/green-food")
		want := map[string]served{"expert/zhou-muyuan": {[]string{"enterprise/sq-green-food"}, []string{}, []string{"万名专家进万企"}}}
		if !reflect.DeepEqual(order, []string{"expert/zhou-muyuan"}) || !reflect.DeepEqual(rows, want) {
			t.Errorf("green food: %v %v, want %v", order, rows, want)
		}
		// The microelectronics enterprise is IN_CHAIN the IoV chain (not the
		// IC cluster's) and IN_CLUSTER the IC cluster: no chain of the cluster.
		_, rows = seededRows(t, "industry-cluster/integrated-circuits")
		if sun := rows["expert/sun-haoran"]; !reflect.DeepEqual(sun.enterprises, []string{"enterprise/sz-microelectronics"}) || len(sun.chains) != 0 {
			t.Errorf("孙浩然 for the IC cluster: %+v", sun)
		}
	})

	t.Run("the demo answers for every one of the 16 clusters", func(t *testing.T) {
		seed, err := data.Seed()
		if err != nil {
			t.Fatal(err)
		}
		clusters := 0
		for _, n := range seed.Nodes {
			if n.Kind != castgraph.KindIndustryCluster {
				continue
			}
			clusters++
			if order, _ := seededRows(t, n.ID); len(order) == 0 {
				t.Errorf("no demo expert serves %s (%s)", n.ID, n.Name)
			}
		}
		if clusters != 16 {
			t.Errorf("%d clusters in the seed", clusters)
		}
	})

	t.Run("first cuts the name-ordered list", func(t *testing.T) {
		all := list(a.ok(t, clusterExpertsQuery, map[string]any{"id": "industry-cluster/new-power-equipment", "first": 500}), "expertsServingCluster")
		two := list(a.ok(t, clusterExpertsQuery, map[string]any{"id": "industry-cluster/new-power-equipment", "first": 2}), "expertsServingCluster")
		if len(two) != 2 || str(two[0], "expert", "id") != str(all[0], "expert", "id") || str(two[1], "expert", "id") != str(all[1], "expert", "id") {
			t.Errorf("first 2 = %v, all = %v", two, all)
		}
	})

	t.Run("errors", func(t *testing.T) {
		a.fails(t, "NOT_FOUND", "clusterId", clusterExpertsQuery, map[string]any{"id": "industry-cluster/nope"})
		a.fails(t, "INVALID_ARGUMENT", "clusterId", clusterExpertsQuery, map[string]any{"id": "region/nanjing"})
		a.fails(t, "INVALID_ARGUMENT", "first", clusterExpertsQuery, map[string]any{"id": "industry-cluster/biomedicine", "first": 501})
		a.fails(t, "INVALID_ARGUMENT", "first", clusterExpertsQuery, map[string]any{"id": "industry-cluster/biomedicine", "first": -1})
	})
}

func TestAnalytics_ClusterCoverage(t *testing.T) {
	a := newAPI(t)
	const q = `query($id: ID!) { node(id: $id) { ... on IndustryCluster { coverage {
	  chains chainsWithEnterprises enterprises enterprisesDirect enterprisesViaChains servingExperts summary } } } }`
	for _, c := range []struct {
		id   string
		want map[string]float64
		say  string
	}{
		// 3 chains, 2 with demo enterprises (UHV 2, PV 3, wind 2 → 7).
		{"industry-cluster/new-power-equipment", map[string]float64{"chains": 3, "enterprisesDirect": 0}, "experts serving them."},
		// No chain; one enterprise tied directly, served by 周慕远.
		{"industry-cluster/green-food", map[string]float64{"chains": 0, "chainsWithEnterprises": 0, "enterprisesViaChains": 0}, "experts serving them."},
	} {
		cov := get(a.ok(t, q, map[string]any{"id": c.id}), "node", "coverage").(map[string]any)
		for k, v := range c.want {
			if cov[k] != v {
				t.Errorf("%s: %s = %v, want %v", c.id, k, cov[k], v)
			}
		}
		if cov["enterprises"].(float64) < 1 || cov["servingExperts"].(float64) < 1 || !strings.HasSuffix(cov["summary"].(string), c.say) {
			t.Errorf("%s: %v", c.id, cov)
		}
	}
}

func TestAnalytics_SocietyParkCooperation(t *testing.T) {
	a := newAPI(t)
	const q = `query($first: Int) { societyParkCooperation(first: $first) {
	  society { id name provenance { sources } } park { id name } since provenance { sources } clusters { id name } } }`
	d := a.ok(t, q, map[string]any{"first": 500})
	rows := list(d, "societyParkCooperation")
	got := map[string][]string{}
	var lastKey string
	for _, row := range rows {
		key := str(row, "society", "name") + "\x00" + str(row, "park", "name")
		if key < lastKey {
			t.Errorf("rows are not in (society, park) name order: %q after %q", key, lastKey)
		}
		lastKey = key
		if !seeded(get(row, "society")) {
			continue
		}
		pair := pairID(row)
		got[pair] = idsOf(row, "clusters")
		if str(row, "since") != "2024-03-01" || str(row, "provenance", "sources", 0) != demoSource {
			t.Errorf("%s: since %v, provenance %v", pair, get(row, "since"), get(row, "provenance"))
		}
	}
	const (
		newPower = "industry-cluster/new-power-equipment"
		nev      = "industry-cluster/nev-connected-vehicles"
		highEnd  = "industry-cluster/high-end-equipment"
		frontier = "industry-cluster/frontier-new-materials"
	)
	// Clusters by name (code points): 前沿新材料 < 新型医疗器械 < 新型电力(新能源)装备 <
	// 新能源(智能网联)汽车 < 物联网 < 生物医药 < 集成电路 < 高端装备. Through chains, and
	// directly: the medical devices, IC, frontier materials and IoT clusters
	// come from enterprises IN_CLUSTER them.
	want := map[string][]string{
		"society/jiangsu-demo-electrical-engineering → park/nanjing-demo-htz":   {newPower},
		"society/jiangsu-demo-mechanical-engineering → park/xuzhou-demo-edz":    {"industry-cluster/construction-machinery"},
		"society/jiangsu-demo-mechanical-engineering → park/changzhou-demo-htz": {frontier, newPower, nev, highEnd},
		"society/jiangsu-demo-renewable-energy → park/changzhou-demo-htz":       {frontier, newPower, nev, highEnd},
		"society/jiangsu-demo-pharmaceutical → park/wuxi-demo-htz":              {newPower, nev, "industry-cluster/internet-of-things", "industry-cluster/biomedicine"},
		"society/jiangsu-demo-automation → park/suzhou-demo-edz":                {"industry-cluster/new-medical-devices", nev, "industry-cluster/integrated-circuits", highEnd},
		"society/china-demo-power-battery → park/suzhou-demo-edz":               {"industry-cluster/new-medical-devices", nev, "industry-cluster/integrated-circuits", highEnd},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cooperations = %v\nwant %v", got, want)
	}
	// The first two are the first two of the whole list (unless another test
	// added a cooperation in between, which would then come first).
	two := list(a.ok(t, q, map[string]any{"first": 2}), "societyParkCooperation")
	if len(two) != 2 {
		t.Fatalf("first 2 gave %d rows", len(two))
	}
	if inAll := func(row any) bool { return contains(idsOfPairs(rows), pairID(row)) }; inAll(two[0]) && inAll(two[1]) &&
		(pairID(two[0]) != pairID(rows[0]) || pairID(two[1]) != pairID(rows[1])) {
		t.Errorf("first 2 = %s, %s; the whole list starts %s, %s", pairID(two[0]), pairID(two[1]), pairID(rows[0]), pairID(rows[1]))
	}
	a.fails(t, "INVALID_ARGUMENT", "first", q, map[string]any{"first": 501})
}

func pairID(row any) string { return str(row, "society", "id") + " → " + str(row, "park", "id") }

func idsOfPairs(rows []any) []string {
	var out []string
	for _, r := range rows {
		out = append(out, pairID(r))
	}
	return out
}

const itemReportQuery = `query($id: ID, $year: Int, $number: Int) {
  planItemReport(planItemId: $id, year: $year, number: $number) {
    item { id number }
    programs {
      program { id name } role kind participantCount
      runBy { node { id } relation role }
      participants { node { id provenance { sources } } relation role year }
    }
  }
}`

func TestAnalytics_PlanItemReport(t *testing.T) {
	a := newAPI(t)
	// summary: "kind role | runner:role … | participant:RELATION:role:year …" (seeded participants only).
	summaries := func(t *testing.T, vars map[string]any) (string, map[string]string) {
		t.Helper()
		d := a.ok(t, itemReportQuery, vars)
		out := map[string]string{}
		for _, p := range list(d, "planItemReport", "programs") {
			var runBy, parts []string
			for _, r := range list(p, "runBy") {
				runBy = append(runBy, str(r, "node", "id")+":"+str(r, "role"))
				if str(r, "relation") != "RUN_BY" {
					t.Errorf("runBy relation %v", r)
				}
			}
			for _, r := range list(p, "participants") {
				if seeded(get(r, "node")) {
					year := ""
					if y, ok := get(r, "year").(float64); ok {
						year = strconv.Itoa(int(y))
					}
					parts = append(parts, str(r, "node", "id")+":"+str(r, "relation")+":"+str(r, "role")+":"+year)
				}
			}
			if int(get(p, "participantCount").(float64)) < len(parts) {
				t.Errorf("%s: participantCount %v < %d", str(p, "program", "id"), get(p, "participantCount"), len(parts))
			}
			out[str(p, "program", "id")] = str(p, "kind") + " " + str(p, "role") + " | " + strings.Join(runBy, " ") + " | " + strings.Join(parts, " ")
		}
		return str(d, "planItemReport", "item", "id"), out
	}

	t.Run("item 9 by id: programs, runners and participants", func(t *testing.T) {
		item, got := summaries(t, map[string]any{"id": "item/2024-9"})
		want := map[string]string{
			"program/wuxi-mashan-health-forum": "EVENT 持续办好 | association/jiangsu-cast: | " +
				"expert/he-jingyi:PARTICIPATES_IN:海外嘉宾: expert/zhou-muyuan:PARTICIPATES_IN:主旨报告: expert/cao-huimin:PARTICIPATES_IN:分论坛报告:",
			"program/haizhi-brand-events":                     "EVENT 持续办好 | association/jiangsu-cast: | ",
			"program/national-society-academic-platform":      "PLATFORM 依托 | society/national-societies: | ",
			"program/national-society-conferences-in-jiangsu": "EVENT 吸引举办 | society/national-societies:举办 | ",
			"program/provincial-society-academic-exchanges":   "EVENT 带动 | society/provincial-societies:举办 | ",
		}
		if item != "item/2024-9" || !reflect.DeepEqual(got, want) {
			t.Errorf("item %s:\n got %v\nwant %v", item, got, want)
		}
	})

	t.Run("item 5 by year and number: awards with their years", func(t *testing.T) {
		item, got := summaries(t, map[string]any{"year": 2024, "number": 5})
		if item != "item/2024-5" || len(got) != 8 {
			t.Fatalf("item %s launches %d programs, want 8: %v", item, len(got), got)
		}
		want := map[string]string{
			"program/innovation-pioneer-award":       "AWARD 恢复评选 | association/jiangsu-cast: | expert/lu-qinghe:AWARDED::2024 expert/chen-liheng:AWARDED::2024",
			"program/most-beautiful-sci-tech-worker": "AWARD 宣传表彰 | association/jiangsu-cast: | expert/tang-jiahe:AWARDED::2024 expert/wang-jianhua-grid:AWARDED::2024",
			"program/youth-talent-lift":              "PROGRAM 实施 | association/jiangsu-cast: | expert/song-yiming:PARTICIPATES_IN:托举对象: expert/zhao-yutong:PARTICIPATES_IN:托举对象:",
			"program/high-school-elite":              "PROGRAM 实施 | association/jiangsu-cast:组织实施 | ",
			"program/five-subject-olympiad":          "COMPETITION 组织 | association/jiangsu-cast:组织 | ",
		}
		for id, w := range want {
			if got[id] != w {
				t.Errorf("%s:\n got %q\nwant %q", id, got[id], w)
			}
		}
	})

	t.Run("errors", func(t *testing.T) {
		a.fails(t, "NOT_FOUND", "planItemId", itemReportQuery, map[string]any{"id": "item/2024-99"})
		a.fails(t, "NOT_FOUND", "number", itemReportQuery, map[string]any{"year": 2024, "number": 99})
		a.fails(t, "INVALID_ARGUMENT", "planItemId", itemReportQuery, map[string]any{"id": "region/nanjing"})
		a.fails(t, "INVALID_ARGUMENT", "planItemId", itemReportQuery, map[string]any{})
		a.fails(t, "INVALID_ARGUMENT", "planItemId", itemReportQuery, map[string]any{"year": 2024})
		a.fails(t, "INVALID_ARGUMENT", "planItemId", itemReportQuery, map[string]any{"id": "item/2024-9", "year": 2024, "number": 9})
	})
}

const stationsQuery = `query($id: ID, $name: String, $first: Int) {
  overseasStationsIn(countryId: $id, countryName: $name, first: $first) {
    country { id name }
    stations { station { id stationType } liaisons { expert { id } role enterprises { id } } }
  }
}`

func TestAnalytics_OverseasStationsIn(t *testing.T) {
	a := newAPI(t)
	// summary: station ids in order, each "station: expert(role)→enterprise,… ; …".
	summary := func(t *testing.T, vars map[string]any) (string, []string) {
		t.Helper()
		d := a.ok(t, stationsQuery, vars)
		var out []string
		for _, st := range list(d, "overseasStationsIn", "stations") {
			var ls []string
			for _, l := range list(st, "liaisons") {
				ls = append(ls, str(l, "expert", "id")+"("+str(l, "role")+")→"+strings.Join(idsOf(l, "enterprises"), ","))
			}
			out = append(out, str(st, "station", "id")+" "+str(st, "station", "stationType")+": "+strings.Join(ls, "; "))
		}
		return str(d, "overseasStationsIn", "country", "id"), out
	}
	cases := []struct {
		name    string
		vars    map[string]any
		country string
		want    []string
	}{
		{"Germany by id: two stations, by name", map[string]any{"id": "region/germany"}, "region/germany", []string{
			// 海外联络站（柏林） < 海智基地（慕尼黑）: 外 < 智.
			"overseas-station/berlin-demo-liaison-station LIAISON_STATION: expert/gao-ziqian(联络专家)→enterprise/nt-offshore-wind",
			"overseas-station/munich-demo-haizhi-base OVERSEAS_BASE: expert/xu-wenbo(联络专家)→enterprise/nj-smart-grid",
		}},
		{"the USA by name: one station, two liaisons", map[string]any{"name": "美国"}, "region/usa", []string{
			"overseas-station/boston-demo-offshore-center OFFSHORE_INNOVATION_CENTER: " +
				"expert/he-jingyi(联络专家)→enterprise/nj-biopharma; expert/liang-ruoshui(联络专家)→enterprise/sz-new-energy-battery",
		}},
		{"the UK by name with stray spaces", map[string]any{"name": " 英国 "}, "region/uk", []string{
			"overseas-station/cambridge-demo-liaison-station LIAISON_STATION: expert/luo-chenxi(联络专家)→enterprise/wx-iov-tech",
		}},
		{"a country without stations", map[string]any{"id": "region/china"}, "region/china", nil},
		// Divisions are keyed by code; their names still find them.
		{"a province by name", map[string]any{"name": "江苏省"}, "region/jiangsu", nil},
		{"a county by a written form", map[string]any{"name": "苏州昆山"}, "region/320583", nil},
		{"first cuts the stations", map[string]any{"id": "region/germany", "first": 1}, "region/germany", []string{
			"overseas-station/berlin-demo-liaison-station LIAISON_STATION: expert/gao-ziqian(联络专家)→enterprise/nt-offshore-wind",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			country, got := summary(t, c.vars)
			if country != c.country || !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s: %q\nwant %s: %q", country, got, c.country, c.want)
			}
		})
	}
	t.Run("errors", func(t *testing.T) {
		a.fails(t, "NOT_FOUND", "countryId", stationsQuery, map[string]any{"id": "region/atlantis"})
		a.fails(t, "NOT_FOUND", "countryName", stationsQuery, map[string]any{"name": "亚特兰蒂斯"})
		a.fails(t, "INVALID_ARGUMENT", "countryId", stationsQuery, map[string]any{"id": "expert/xu-wenbo"})
		a.fails(t, "INVALID_ARGUMENT", "countryId", stationsQuery, map[string]any{})
		a.fails(t, "INVALID_ARGUMENT", "countryId", stationsQuery, map[string]any{"id": "region/uk", "name": "英国"})
		a.fails(t, "INVALID_ARGUMENT", "first", stationsQuery, map[string]any{"id": "region/uk", "first": 501})
	})
}

const pathsQuery = `query($from: ID!, $to: ID!, $maxHops: Int, $types: [RelationType!], $first: Int) {
  paths(from: $from, to: $to, maxHops: $maxHops, relationshipTypes: $types, first: $first) {
    length
    nodes { id ... on Expert { title } }
    relationships { type from to forward role via provenance { sources } }
  }
}`

// pathString spells a path as "a -TYPE-> b <-TYPE- c".
func pathString(t *testing.T, p any) string {
	t.Helper()
	nodes, steps := idsOf(p, "nodes"), list(p, "relationships")
	if len(nodes) != len(steps)+1 || int(get(p, "length").(float64)) != len(steps) {
		t.Fatalf("path has %d nodes, %d steps, length %v", len(nodes), len(steps), get(p, "length"))
	}
	s := nodes[0]
	for i, step := range steps {
		from, to := nodes[i], nodes[i+1]
		if get(step, "forward") == true {
			s += " -" + str(step, "type") + "-> " + to
		} else {
			from, to = to, from
			s += " <-" + str(step, "type") + "- " + nodes[i+1]
		}
		if str(step, "from") != from || str(step, "to") != to {
			t.Errorf("step %d runs %s→%s, the path says %s→%s", i, str(step, "from"), str(step, "to"), from, to)
		}
	}
	return s
}

func TestAnalytics_Paths(t *testing.T) {
	a := newAPI(t)
	paths := func(t *testing.T, vars map[string]any) []string {
		t.Helper()
		var out []string
		for _, p := range list(a.ok(t, pathsQuery, vars), "paths") {
			out = append(out, pathString(t, p))
		}
		sort.Strings(out)
		return out
	}

	t.Run("the one shortest path from an expert to an enterprise, 4 hops, with directions", func(t *testing.T) {
		d := a.ok(t, pathsQuery, map[string]any{"from": "expert/gao-ziqian", "to": "enterprise/xz-heavy-machinery"})
		ps := list(d, "paths")
		if len(ps) != 1 {
			t.Fatalf("%d paths, want 1: %v", len(ps), ps)
		}
		want := "expert/gao-ziqian -MEMBER_OF-> society/jiangsu-demo-renewable-energy -PARTICIPATES_IN-> program/societies-parks-cooperation" +
			" <-PARTICIPATES_IN- park/xuzhou-demo-edz <-LOCATED_IN- enterprise/xz-heavy-machinery"
		if got := pathString(t, ps[0]); got != want {
			t.Errorf("path\n got %s\nwant %s", got, want)
		}
		first := get(ps[0], "relationships", 0)
		if str(first, "role") != "会员" || str(first, "provenance", "sources", 0) != demoSource {
			t.Errorf("first step = %v", first)
		}
		if str(ps[0], "nodes", 0, "title") != "正高级工程师" {
			t.Errorf("nodes are not typed: %v", get(ps[0], "nodes", 0))
		}
	})

	t.Run("all shortest paths when several have the minimal length", func(t *testing.T) {
		got := paths(t, map[string]any{"from": "expert/luo-chenxi", "to": "enterprise/sz-microelectronics"})
		want := []string{
			"expert/luo-chenxi -MEMBER_OF-> society/jiangsu-demo-automation -COOPERATES_WITH-> park/suzhou-demo-edz <-LOCATED_IN- enterprise/sz-microelectronics",
			"expert/luo-chenxi -MEMBER_OF-> society/jiangsu-demo-automation <-MEMBER_OF- expert/sun-haoran -SERVES-> enterprise/sz-microelectronics",
			"expert/luo-chenxi -SERVES-> enterprise/wx-iov-tech -IN_CHAIN-> industry-chain/internet-of-vehicles <-IN_CHAIN- enterprise/sz-microelectronics",
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("paths\n got %q\nwant %q", got, want)
		}
		if two := paths(t, map[string]any{"from": "expert/luo-chenxi", "to": "enterprise/sz-microelectronics", "first": 2}); len(two) != 2 {
			t.Errorf("first 2 gave %d paths", len(two))
		}
	})

	t.Run("relationship types restrict the paths", func(t *testing.T) {
		got := paths(t, map[string]any{"from": "expert/luo-chenxi", "to": "enterprise/sz-microelectronics", "types": []string{"SERVES", "IN_CHAIN"}})
		want := []string{"expert/luo-chenxi -SERVES-> enterprise/wx-iov-tech -IN_CHAIN-> industry-chain/internet-of-vehicles <-IN_CHAIN- enterprise/sz-microelectronics"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("paths %q, want %q", got, want)
		}
		if got := paths(t, map[string]any{"from": "expert/luo-chenxi", "to": "enterprise/sz-microelectronics", "types": []string{"GUIDES"}}); len(got) != 0 {
			t.Errorf("GUIDES-only paths: %q", got)
		}
	})

	t.Run("no path within maxHops is an empty list", func(t *testing.T) {
		if got := paths(t, map[string]any{"from": "expert/gao-ziqian", "to": "enterprise/xz-heavy-machinery", "maxHops": 3}); len(got) != 0 {
			t.Errorf("paths within 3 hops: %q", got)
		}
	})

	t.Run("from a node to itself", func(t *testing.T) {
		if got := paths(t, map[string]any{"from": "expert/gao-ziqian", "to": "expert/gao-ziqian"}); !reflect.DeepEqual(got, []string{"expert/gao-ziqian"}) {
			t.Errorf("paths %q", got)
		}
	})

	t.Run("errors", func(t *testing.T) {
		vars := func(kv ...any) map[string]any {
			m := map[string]any{"from": "expert/gao-ziqian", "to": "enterprise/xz-heavy-machinery"}
			for i := 0; i < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		}
		a.fails(t, "INVALID_ARGUMENT", "maxHops", pathsQuery, vars("maxHops", 7))
		a.fails(t, "INVALID_ARGUMENT", "maxHops", pathsQuery, vars("maxHops", 0))
		a.fails(t, "INVALID_ARGUMENT", "first", pathsQuery, vars("first", 51))
		a.fails(t, "NOT_FOUND", "from", pathsQuery, vars("from", "expert/nope"))
		a.fails(t, "NOT_FOUND", "to", pathsQuery, vars("to", "enterprise/nope"))
		a.fails(t, "GRAPHQL_VALIDATION_FAILED", "", pathsQuery, vars("types", []string{"KNOWS"}))
	})
}

const neighborhoodQuery = `query($id: ID!, $depth: Int, $limit: Int) {
  neighborhood(id: $id, depth: $depth, limit: $limit) {
    nodes { id kind label depth node { id name } }
    edges { id source target type role }
    truncated
  }
}`

func TestAnalytics_Neighborhood(t *testing.T) {
	a := newAPI(t)
	shape := func(t *testing.T, vars map[string]any) (nodes, edges []string, truncated bool) {
		t.Helper()
		d := a.ok(t, neighborhoodQuery, vars)
		for _, n := range list(d, "neighborhood", "nodes") {
			if str(n, "node", "id") != str(n, "id") || str(n, "node", "name") != str(n, "label") {
				t.Errorf("node %v does not match its view", n)
			}
			nodes = append(nodes, formatDepth(get(n, "depth"))+" "+str(n, "kind")+" "+str(n, "id"))
		}
		for _, e := range list(d, "neighborhood", "edges") {
			edge := str(e, "source") + " -" + str(e, "type") + "-> " + str(e, "target")
			if str(e, "id") != str(e, "type")+":"+str(e, "source")+"->"+str(e, "target") {
				t.Errorf("edge id %q for %s", str(e, "id"), edge)
			}
			edges = append(edges, edge)
		}
		return nodes, edges, get(d, "neighborhood", "truncated") == true
	}
	const berlin = "overseas-station/berlin-demo-liaison-station"

	t.Run("depth 1 of a small node", func(t *testing.T) {
		nodes, edges, truncated := shape(t, map[string]any{"id": berlin})
		// Centre first, then by depth and name: 德国 < 高子谦.
		wantNodes := []string{"0 OverseasStation " + berlin, "1 Region region/germany", "1 Expert expert/gao-ziqian"}
		wantEdges := []string{"expert/gao-ziqian -LIAISON_OF-> " + berlin, berlin + " -LOCATED_IN-> region/germany"}
		if !reflect.DeepEqual(nodes, wantNodes) || !reflect.DeepEqual(edges, wantEdges) || truncated {
			t.Errorf("nodes %q\nedges %q\ntruncated %v", nodes, edges, truncated)
		}
	})

	t.Run("depth 2 of a small node", func(t *testing.T) {
		nodes, edges, truncated := shape(t, map[string]any{"id": berlin, "depth": 2})
		wantNodes := []string{
			"0 OverseasStation " + berlin, "1 Region region/germany", "1 Expert expert/gao-ziqian",
			// 南通… < 德国… < 江苏省示例… < 江苏省科协… by code point.
			"2 Enterprise enterprise/nt-offshore-wind", "2 Institution institution/german-demo-tech-university",
			"2 Society society/jiangsu-demo-renewable-energy", "2 OverseasStation overseas-station/munich-demo-haizhi-base",
		}
		wantEdges := []string{
			"expert/gao-ziqian -LIAISON_OF-> " + berlin,
			"institution/german-demo-tech-university -LOCATED_IN-> region/germany",
			berlin + " -LOCATED_IN-> region/germany",
			"overseas-station/munich-demo-haizhi-base -LOCATED_IN-> region/germany",
			"expert/gao-ziqian -MEMBER_OF-> society/jiangsu-demo-renewable-energy",
			"expert/gao-ziqian -SERVES-> enterprise/nt-offshore-wind",
		}
		if !reflect.DeepEqual(nodes, wantNodes) || !reflect.DeepEqual(edges, wantEdges) || truncated {
			t.Errorf("nodes %q\nedges %q\ntruncated %v", nodes, edges, truncated)
		}
	})

	t.Run("a hub is cut at the limit", func(t *testing.T) {
		// The association runs, guides and is named by well over 100 nodes.
		for _, depth := range []int{1, 2} {
			nodes, edges, truncated := shape(t, map[string]any{"id": "association/jiangsu-cast", "depth": depth, "limit": 5})
			if len(nodes) != 5 || !truncated || !strings.HasPrefix(nodes[0], "0 Association association/jiangsu-cast") {
				t.Errorf("depth %d: nodes %q, truncated %v", depth, nodes, truncated)
			}
			kept := map[string]bool{}
			for _, n := range nodes {
				kept[strings.Fields(n)[2]] = true
			}
			for _, e := range edges {
				f := strings.Fields(e)
				if !kept[f[0]] || !kept[f[2]] {
					t.Errorf("depth %d: edge %s leaves the nodes returned", depth, e)
				}
			}
		}
	})

	t.Run("errors", func(t *testing.T) {
		a.fails(t, "INVALID_ARGUMENT", "depth", neighborhoodQuery, map[string]any{"id": berlin, "depth": 3})
		a.fails(t, "INVALID_ARGUMENT", "depth", neighborhoodQuery, map[string]any{"id": berlin, "depth": 0})
		a.fails(t, "INVALID_ARGUMENT", "limit", neighborhoodQuery, map[string]any{"id": berlin, "limit": 501})
		a.fails(t, "INVALID_ARGUMENT", "limit", neighborhoodQuery, map[string]any{"id": berlin, "limit": 0})
		a.fails(t, "NOT_FOUND", "id", neighborhoodQuery, map[string]any{"id": "overseas-station/nope"})
	})
}

func formatDepth(v any) string {
	f, _ := v.(float64)
	return strconv.Itoa(int(f))
}

const searchQuery = `query($text: String!, $kinds: [NodeKind!], $first: Int) {
  search(text: $text, kinds: $kinds, first: $first) {
    node { __typename id name aliases } score matchedField
  }
}`

func TestAnalytics_Search(t *testing.T) {
	a := newAPI(t)
	hits := func(t *testing.T, vars map[string]any) []any {
		t.Helper()
		out := list(a.ok(t, searchQuery, vars), "search")
		for i := 1; i < len(out); i++ {
			if get(out[i], "score").(float64) > get(out[i-1], "score").(float64) {
				t.Errorf("hits are not best first: %v", out)
			}
		}
		return out
	}
	// holds reports whether the hit's name or aliases contain every term.
	holds := func(hit any, terms ...string) bool {
		texts := []string{str(hit, "node", "name")}
		for _, al := range list(hit, "node", "aliases") {
			texts = append(texts, al.(string))
		}
		for _, term := range terms {
			found := false
			for _, s := range texts {
				found = found || strings.Contains(s, term)
			}
			if !found {
				return false
			}
		}
		return true
	}

	t.Run("a partial Chinese name finds the forum by its name", func(t *testing.T) {
		got := hits(t, map[string]any{"text": "生命健康"})
		if len(got) == 0 || str(got[0], "node", "id") != "program/wuxi-mashan-health-forum" || str(got[0], "matchedField") != "name" ||
			str(got[0], "node", "__typename") != "Program" {
			t.Fatalf("hits = %v", got)
		}
		for _, h := range got {
			if !holds(h, "生命健康") {
				t.Errorf("hit %v does not hold 生命健康", h)
			}
		}
	})

	t.Run("every term must match", func(t *testing.T) {
		got := hits(t, map[string]any{"text": "马山 论坛"})
		if len(got) == 0 || str(got[0], "node", "id") != "program/wuxi-mashan-health-forum" {
			t.Fatalf("hits = %v", got)
		}
		for _, h := range got {
			if !holds(h, "马山", "论坛") {
				t.Errorf("hit %v does not hold both terms", h)
			}
		}
		ids := idsOfHits(hits(t, map[string]any{"text": "马山", "first": 100}))
		if !contains(ids, "region/wuxi-mashan") || !contains(ids, "program/wuxi-mashan-health-forum") {
			t.Errorf("马山 finds %v", ids)
		}
	})

	t.Run("a hit through an alias says so", func(t *testing.T) {
		got := hits(t, map[string]any{"text": "江苏最高科技人才奖"})
		if len(got) == 0 || str(got[0], "node", "id") != "program/innovation-pioneer-award" || str(got[0], "matchedField") != "aliases" {
			t.Errorf("hits = %v", got)
		}
	})

	t.Run("a single Chinese character", func(t *testing.T) {
		got := hits(t, map[string]any{"text": "药", "kinds": []string{"Society"}, "first": 100})
		if !contains(idsOfHits(got), "society/jiangsu-demo-pharmaceutical") {
			t.Errorf("药 among societies finds %v", idsOfHits(got))
		}
		for _, h := range got {
			if !holds(h, "药") || str(h, "node", "__typename") != "Society" {
				t.Errorf("hit %v", h)
			}
		}
	})

	t.Run("kinds restrict the hits", func(t *testing.T) {
		got := hits(t, map[string]any{"text": "无锡", "kinds": []string{"Region", "Park"}, "first": 100})
		ids := idsOfHits(got)
		if !contains(ids, "region/wuxi") || !contains(ids, "park/wuxi-demo-htz") || contains(ids, "enterprise/wx-pharma") {
			t.Errorf("无锡 among regions and parks finds %v", ids)
		}
	})

	t.Run("query syntax in the text is searched as text", func(t *testing.T) {
		got := hits(t, map[string]any{"text": `生命健康" OR *:*`, "first": 100})
		if len(got) != 1 || str(got[0], "node", "id") != "program/wuxi-mashan-health-forum" {
			t.Errorf("hostile text finds %v", idsOfHits(got))
		}
		for _, text := range []string{"(((", "*:*", `\`, `"`, "AND OR NOT", "name:生命健康~ || +马山 -论坛 && !x {a TO b} [c TO d] ^2 ? /re/"} {
			r := a.post(t, searchQuery, map[string]any{"text": text, "first": 100})
			if len(r.Errors) > 0 {
				t.Errorf("%q: errors %v", text, r.Errors)
				continue
			}
			if n := len(list(r.Data, "search")); n > 1 {
				t.Errorf("%q finds %d nodes: %v", text, n, idsOfHits(list(r.Data, "search")))
			}
		}
	})

	t.Run("first caps the hits", func(t *testing.T) {
		if got := hits(t, map[string]any{"text": "科技", "first": 3}); len(got) != 3 {
			t.Errorf("first 3 gave %d hits", len(got))
		}
	})

	t.Run("errors", func(t *testing.T) {
		a.fails(t, "INVALID_ARGUMENT", "text", searchQuery, map[string]any{"text": ""})
		a.fails(t, "INVALID_ARGUMENT", "text", searchQuery, map[string]any{"text": " \t\u3000 "})
		a.fails(t, "INVALID_ARGUMENT", "text", searchQuery, map[string]any{"text": strings.Repeat("科", 201)})
		a.fails(t, "INVALID_ARGUMENT", "first", searchQuery, map[string]any{"text": "科技", "first": 101})
		// Kinds are an enum: an unknown one never reaches the resolver.
		a.fails(t, "GRAPHQL_VALIDATION_FAILED", "", searchQuery, map[string]any{"text": "科技", "kinds": []string{"Person"}})
	})
}

func idsOfHits(hits []any) []string {
	var out []string
	for _, h := range hits {
		out = append(out, str(h, "node", "id"))
	}
	return out
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func TestAnalytics_Breakdowns(t *testing.T) {
	a := newAPI(t)
	counts := func(t *testing.T, field, args string) map[string]int {
		t.Helper()
		d := a.ok(t, `{ `+field+`(`+args+`) { key { id } count } }`, nil)
		out := map[string]int{}
		last := -1
		for _, b := range list(d, field) {
			n := int(get(b, "count").(float64))
			if field != "programsPerSection" && last >= 0 && n > last {
				t.Errorf("%s is not largest first: %v", field, list(d, field))
			}
			last = n
			out[str(b, "key", "id")] = n
		}
		return out
	}
	expect := func(t *testing.T, got, want map[string]int) {
		t.Helper()
		for id, n := range want {
			if got[id] != n {
				t.Errorf("%s: %d, want %d", id, got[id], n)
			}
		}
	}

	t.Run("experts per cluster, serving or affiliated", func(t *testing.T) {
		got := counts(t, "expertsPerCluster", `source: "synthetic demo roster", first: 500`)
		expect(t, got, map[string]int{
			// new power: 6 serving + 王建华 (smart grid), 唐嘉禾 (PV), 陆清和 (electric) working there.
			"industry-cluster/new-power-equipment":    9,
			"industry-cluster/nev-connected-vehicles": 6, // 5 serving + 赵雨桐 at the IoV enterprise
			"industry-cluster/biomedicine":            3,
			"industry-cluster/construction-machinery": 2,
			"industry-cluster/high-end-equipment":     2,
			// Tied directly (IN_CLUSTER): 罗晨曦 serves the IoV enterprise, 赵雨桐 works there.
			"industry-cluster/internet-of-things":       2,
			"industry-cluster/ships-offshore-equipment": 2, // 张明远, 高子谦: the offshore wind enterprise
			"industry-cluster/frontier-new-materials":   2, // 林书瑶, 吴佳宁: the PV materials enterprise
			"industry-cluster/integrated-circuits":      1, // 孙浩然
			"industry-cluster/green-food":               1, // 周慕远, an enterprise in 宿城区
		})
		if len(got) < 16 {
			t.Errorf("%d clusters listed: every cluster is, with 0 when it has no experts", len(got))
		}
		serving := counts(t, "expertsPerCluster", `includeAffiliated: false, source: "synthetic demo roster", first: 500`)
		expect(t, serving, map[string]int{"industry-cluster/new-power-equipment": 6, "industry-cluster/nev-connected-vehicles": 5, "industry-cluster/biomedicine": 3,
			"industry-cluster/internet-of-things": 1, "industry-cluster/new-displays": 1})
	})

	t.Run("enterprises per city, directly or through a park", func(t *testing.T) {
		got := counts(t, "enterprisesPerCity", `source: "synthetic demo roster", first: 500`)
		expect(t, got, map[string]int{
			"region/nanjing": 5, "region/wuxi": 4, "region/suzhou": 5, "region/changzhou": 3,
			"region/xuzhou": 2, "region/nantong": 3, "region/yangzhou": 0,
			"region/suqian": 1, // LOCATED_IN 宿城区, a county of 宿迁市
		})
		for id := range got {
			if strings.HasPrefix(id, "region/germany") || strings.HasPrefix(id, "region/jiangsu") {
				t.Errorf("%s is not a city", id)
			}
		}
	})

	t.Run("programs per plan section", func(t *testing.T) {
		d := a.ok(t, `{ programsPerSection(year: 2024, source: "plan 2024") { key { id ... on PlanSection { number } } count } }`, nil)
		var got []string
		for _, b := range list(d, "programsPerSection") {
			got = append(got, str(b, "key", "id")+"="+strconv.Itoa(int(get(b, "count").(float64))))
		}
		want := []string{"section/2024-1=7", "section/2024-2=21", "section/2024-3=26", "section/2024-4=24", "section/2024-5=15", "section/2024-6=17"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("programs per section %v, want %v", got, want)
		}
	})

	t.Run("node counts of the seeded subsets", func(t *testing.T) {
		kinds := func(source string) map[string]int {
			d := a.ok(t, `query($s: String) { nodeCounts(source: $s) { kind count } }`, map[string]any{"s": source})
			out := map[string]int{}
			for _, c := range list(d, "nodeCounts") {
				out[str(c, "kind")] = int(get(c, "count").(float64))
			}
			if len(out) != 14 {
				t.Errorf("%d kinds counted, want 14", len(out))
			}
			return out
		}
		demo := map[string]int{"Expert": 24, "Enterprise": 23, "Institution": 8, "Society": 7, "Park": 5, "OverseasStation": 4, "Region": 3}
		for k, n := range kinds(demoSource) {
			if n != demo[k] {
				t.Errorf("demo %s: %d, want %d", k, n, demo[k])
			}
		}
		plan := map[string]int{"Program": 136, "PlanItem": 21, "Institution": 20, "Association": 8, "Society": 8, "PlanSection": 6, "Region": 3, "Park": 2, "Plan": 1}
		for k, n := range kinds("plan 2024") {
			if n != plan[k] {
				t.Errorf("plan %s: %d, want %d", k, n, plan[k])
			}
		}
		regions := kinds("public record: GB/T 2260")
		if regions["Region"] != 109 {
			t.Errorf("divisions: %d Region nodes, want 109 (1 province, 13 cities, 95 counties)", regions["Region"])
		}
		all := kinds("")
		if all["IndustryCluster"] < 16 || all["Expert"] < 24 {
			t.Errorf("all nodes: %v", all)
		}
	})

	t.Run("errors", func(t *testing.T) {
		a.fails(t, "INVALID_ARGUMENT", "first", `{ expertsPerCluster(first: 501) { count } }`, nil)
		a.fails(t, "INVALID_ARGUMENT", "first", `{ enterprisesPerCity(first: -1) { count } }`, nil)
		a.fails(t, "INVALID_ARGUMENT", "first", `{ programsPerSection(first: 501) { count } }`, nil)
	})
}

// Each analyst query is one Cypher statement, whatever the size of its answer.
func TestAnalytics_EachQueryIsOneStatement(t *testing.T) {
	a := newAPI(t)
	queries := map[string]struct {
		query string
		vars  map[string]any
	}{
		"expertsServingCluster":  {clusterExpertsQuery, map[string]any{"id": "industry-cluster/new-power-equipment"}},
		"societyParkCooperation": {`{ societyParkCooperation { society { id } clusters { id } } }`, nil},
		"planItemReport":         {itemReportQuery, map[string]any{"year": 2024, "number": 5}},
		"overseasStationsIn":     {stationsQuery, map[string]any{"name": "德国"}},
		"paths":                  {pathsQuery, map[string]any{"from": "expert/luo-chenxi", "to": "enterprise/sz-microelectronics"}},
		"neighborhood":           {neighborhoodQuery, map[string]any{"id": "association/jiangsu-cast", "depth": 2}},
		"search":                 {searchQuery, map[string]any{"text": "科技", "kinds": []string{"Program"}}},
		"expertsPerCluster":      {`{ expertsPerCluster { key { id } count } }`, nil},
		"enterprisesPerCity":     {`{ enterprisesPerCity { key { id } count } }`, nil},
		"programsPerSection":     {`{ programsPerSection { key { id } count } }`, nil},
		"nodeCounts":             {`{ nodeCounts { kind count } }`, nil},
	}
	for name, q := range queries {
		t.Run(name, func(t *testing.T) {
			before := a.store.Statements()
			a.ok(t, q.query, q.vars)
			if used := a.store.Statements() - before; used != 1 {
				t.Errorf("%s ran %d statements, want 1", name, used)
			}
		})
	}
}
