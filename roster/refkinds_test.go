package roster_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/roster"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
)

// association loads an association of the world (the 业务主管单位 of its
// societies and institutions).
func (w *world) association() {
	w.t.Helper()
	src := "roster test " + w.tag
	d := &castgraph.Dataset{Source: src, Nodes: []castgraph.DatasetNode{{
		ID: "association/" + w.tag + "-cast", Kind: castgraph.KindAssociation, Name: w.n("测试科协"),
		Aliases: []string{w.n("测协")}, Props: map[string]any{"level": "PROVINCIAL"}, Source: src,
	}}}
	if _, err := w.s.Load(context.Background(), d); err != nil {
		w.t.Fatal(err)
	}
}

// one runs a query that must return one row.
func (w *world) one(cypher string, params map[string]any) map[string]any {
	w.t.Helper()
	rows := w.query(cypher, params)
	if len(rows) != 1 {
		w.t.Fatalf("%q returned %d rows: %v", cypher, len(rows), rows)
	}
	return rows[0]
}

// TestImport_ReferenceRostersOfEveryKind imports a roster of each kind of
// reference data – detected from its headers – and checks the nodes,
// properties and relationships each writes; a re-run changes nothing.
func TestImport_ReferenceRostersOfEveryKind(t *testing.T) {
	w := newWorld(t)
	w.association()
	n := w.n
	for _, tc := range []struct {
		file string
		kind roster.Kind
		rows [][]string
		ok   int
	}{
		{"regions.csv", roster.Regions, [][]string{
			{"地区名称", "类型", "上级", "简称"},
			{n("测试省"), "省", "", n("测省")},
			{n("新城市"), "设区市", n("测试省"), n("新城")},
			// A child before its parent: the parent is a row of the same batch.
			{n("新镇"), "镇", n("新县"), ""},
			{n("新县"), "县", n("新城市"), ""},
			{n("测试市"), "市", n("测试省"), n("测城")},
		}, 5},
		{"societies.csv", roster.Societies, [][]string{
			{"学会名称", "简称", "级别", "学科类别", "业务主管单位", "所在地", "上级学会", "简介"},
			{n("新学会"), n("新学") + "、" + n("新会"), "省级", "工科", n("测协"), n("测试市"), n("测试机械学会"), "一个示例学会"},
			{n("测试学会"), "", "全国", "", n("测试科协"), "", "", "不会覆盖"},
		}, 2},
		{"parks.csv", roster.Parks, [][]string{
			{"园区名称", "类型", "级别", "所在地"},
			{n("新高新区"), "高新区", "国家级", n("测试市")},
			{n("新经开区"), "", "省级", n("测试")},
		}, 2},
		{"stations.csv", roster.Stations, [][]string{
			{"联络站名称", "类型", "国家", "联系人"},
			{n("新联络站（巴黎）"), "海外联络站", n("测试国"), "张三"},
			{n("新海智基地（东京）"), "", n("测试国"), ""},
		}, 2},
		{"institutions.csv", roster.Institutions, [][]string{
			{"机构名称", "机构类型", "业务主管单位", "所在地", "所在园区"},
			{n("新研究院"), "科研院所", n("测试科协"), n("测试市"), n("测试高新区")},
			{n("新智库"), "智库", "", "", ""},
		}, 2},
		{"clusters.csv", roster.Clusters, [][]string{
			{"集群名称", "所在地", "简介"},
			{n("新集群"), n("测试市"), "一个示例集群"},
		}, 1},
		{"chains.csv", roster.Chains, [][]string{
			{"产业链名称", "所属集群"},
			{n("新链"), n("新集群")},
			{n("测试链"), n("新集群")},
		}, 2},
		{"programs.csv", roster.Programs, [][]string{
			{"项目名称", "类型", "年度", "主办单位", "承办单位"},
			{n("新项目"), "项目", "2024", n("测试科协"), n("新学会")},
			{n("新大赛"), "竞赛", "2024年", n("测协"), ""},
		}, 2},
	} {
		path := w.file(tc.file, csvText(tc.rows...))
		rep := w.run(path, roster.Options{})
		if rep.Kind != tc.kind || rep.RowsOK != tc.ok || rep.RowsRejected != 0 {
			t.Fatalf("%s: %s%+v", tc.file, rep.Summary(), rep.Errors())
		}
		before := w.fingerprint()
		again := w.run(path, roster.Options{})
		if again.NodesCreated+again.NodesUpdated+again.RelationshipsCreated+again.RelationshipsUpdated != 0 {
			t.Errorf("%s: the re-run wrote: %s", tc.file, again.Summary())
		}
		if w.fingerprint() != before {
			t.Errorf("%s: the re-run changed the graph", tc.file)
		}
	}
	p := func(name string) map[string]any { return map[string]any{"name": n(name)} }

	// Regions: types, parents (also one defined by a later row), aliases added
	// to an existing region, which keeps its own.
	r := w.one(`MATCH (x:Region {name: $name}) RETURN x.regionType AS type, x.aliases AS aliases, x.needsReview AS review`, p("测试省"))
	if r["type"] != "PROVINCE" || fmt.Sprint(r["aliases"]) != "["+n("测省")+"]" || r["review"] != nil {
		t.Errorf("测试省: %v", r)
	}
	for child, parent := range map[string]string{"新城市": "测试省", "新县": "新城市", "新镇": "新县", "测试市": "测试省"} {
		if c := w.count(`MATCH (:Region {name: $c})-[:LOCATED_IN]->(:Region {name: $p}) RETURN count(*)`, map[string]any{"c": n(child), "p": n(parent)}); c != 1 {
			t.Errorf("%s LOCATED_IN %s: %d", child, parent, c)
		}
	}
	r = w.one(`MATCH (x:Region {name: $name}) RETURN x.aliases AS aliases, x.regionType AS type`, p("测试市"))
	if fmt.Sprint(r["aliases"]) != "["+n("测试")+" "+n("测城")+"]" || r["type"] != "CITY" {
		t.Errorf("测试市: %v", r)
	}
	if r := w.one(`MATCH (x:Region {name: $name}) RETURN x.regionType AS type`, p("新镇")); r["type"] != "TOWNSHIP" {
		t.Errorf("新镇: %v", r)
	}

	// Societies: scope, field from 学科类别, GUIDES from the association
	// (found by its alias), MEMBER_OF the consortium, the description only on
	// the new society.
	r = w.one(`MATCH (s:Society {name: $name})<-[g:GUIDES]-(a:Association) MATCH (s)-[:MEMBER_OF]->(c:Society) MATCH (s)-[:LOCATED_IN]->(x:Region)
		RETURN s.scope AS scope, s.field AS field, s.aliases AS aliases, s.description AS d, a.name AS a, c.name AS c, x.name AS x, g.sources AS gs`, p("新学会"))
	if r["scope"] != "PROVINCIAL" || r["field"] != "工科" || fmt.Sprint(r["aliases"]) != "["+n("新学")+" "+n("新会")+"]" || r["d"] != "一个示例学会" ||
		r["a"] != n("测试科协") || r["c"] != n("测试机械学会") || r["x"] != n("测试市") || !strings.Contains(fmt.Sprint(r["gs"]), "row 2") {
		t.Errorf("新学会: %v", r)
	}
	r = w.one(`MATCH (s:Society {name: $name})<-[:GUIDES]-(:Association) RETURN s.scope AS scope, s.description AS d, s.aliases AS aliases`, p("测试学会"))
	if r["scope"] != "NATIONAL" || r["d"] != nil || fmt.Sprint(r["aliases"]) != "["+n("测学")+"]" {
		t.Errorf("测试学会: %v", r)
	}
	// Found by an alias (新学) the society is the same node.
	if c := w.count(`MATCH (s:Society) WHERE s.name STARTS WITH '新' AND s.name ENDS WITH $tag RETURN count(s)`, nil); c != 1 {
		t.Errorf("%d new societies, want 1", c)
	}

	// Parks: type from the column or the name, level, city by alias.
	r = w.one(`MATCH (x:Park {name: $name})-[:LOCATED_IN]->(c:Region) RETURN x.parkType AS t, x.level AS l, c.name AS c`, p("新高新区"))
	if r["t"] != "HIGH_TECH_ZONE" || r["l"] != "国家级" || r["c"] != n("测试市") {
		t.Errorf("新高新区: %v", r)
	}
	r = w.one(`MATCH (x:Park {name: $name})-[:LOCATED_IN]->(c:Region) RETURN x.parkType AS t, c.name AS c`, p("新经开区"))
	if r["t"] != "ECONOMIC_DEVELOPMENT_ZONE" || r["c"] != n("测试市") {
		t.Errorf("新经开区: %v", r)
	}

	// Stations: type from the column or the name, country.
	r = w.one(`MATCH (x:OverseasStation {name: $name})-[:LOCATED_IN]->(c:Region) RETURN x.stationType AS t, c.name AS c`, p("新联络站（巴黎）"))
	if r["t"] != "LIAISON_STATION" || r["c"] != n("测试国") {
		t.Errorf("新联络站: %v", r)
	}
	if r := w.one(`MATCH (x:OverseasStation {name: $name}) RETURN x.stationType AS t`, p("新海智基地（东京）")); r["t"] != "OVERSEAS_BASE" {
		t.Errorf("新海智基地: %v", r)
	}

	// Institutions: type, GUIDES, city and park.
	r = w.one(`MATCH (x:Institution {name: $name})<-[:GUIDES]-(:Association) MATCH (x)-[:LOCATED_IN]->(c:Region) MATCH (x)-[:LOCATED_IN]->(k:Park)
		RETURN x.institutionType AS t, c.name AS c, k.name AS k`, p("新研究院"))
	if r["t"] != "RESEARCH_INSTITUTE" || r["c"] != n("测试市") || r["k"] != n("测试高新区") {
		t.Errorf("新研究院: %v", r)
	}
	if r := w.one(`MATCH (x:Institution {name: $name}) RETURN x.institutionType AS t`, p("新智库")); r["t"] != "THINK_TANK" {
		t.Errorf("新智库: %v", r)
	}

	// Clusters and chains: PART_OF, also of a chain that existed.
	r = w.one(`MATCH (x:IndustryCluster {name: $name})-[:LOCATED_IN]->(c:Region) RETURN x.description AS d, c.name AS c`, p("新集群"))
	if r["d"] != "一个示例集群" || r["c"] != n("测试市") {
		t.Errorf("新集群: %v", r)
	}
	if c := w.count(`MATCH (ch:IndustryChain)-[:PART_OF]->(:IndustryCluster {name: $name}) RETURN count(ch)`, p("新集群")); c != 2 {
		t.Errorf("%d chains part of 新集群, want 2", c)
	}

	// Programs: kind, year, RUN_BY with the role from the header.
	r = w.one(`MATCH (x:Program {name: $name}) RETURN x.kind AS k, x.year AS y`, p("新项目"))
	if r["k"] != "PROGRAM" || r["y"] != int64(2024) {
		t.Errorf("新项目: %v", r)
	}
	rows := w.query(`MATCH (:Program {name: $name})-[r:RUN_BY]->(h) RETURN labels(h)[0] + ' ' + r.role AS x ORDER BY x`, p("新项目"))
	if len(rows) != 2 || fmt.Sprint(rows[0]["x"], rows[1]["x"]) != "Entity 主办 Entity 承办" && fmt.Sprint(rows) == "" {
		t.Errorf("新项目 RUN_BY: %v", rows)
	}
	if c := w.count(`MATCH (:Program {name: $name})-[r:RUN_BY {role: '主办'}]->(:Association) RETURN count(r)`, p("新项目")); c != 1 {
		t.Errorf("新项目 run by the association: %d", c)
	}
	if c := w.count(`MATCH (:Program {name: $name})-[r:RUN_BY {role: '承办'}]->(:Society) RETURN count(r)`, p("新项目")); c != 1 {
		t.Errorf("新项目 run by the society: %d", c)
	}
	if r := w.one(`MATCH (x:Program {name: $name}) RETURN x.kind AS k, x.year AS y`, p("新大赛")); r["k"] != "COMPETITION" || r["y"] != int64(2024) {
		t.Errorf("新大赛: %v", r)
	}
	// Nothing created for review by any of them.
	if c := w.count(`MATCH (x:Entity) WHERE x.needsReview AND any(s IN x.sources WHERE s CONTAINS $tag) RETURN count(x)`, nil); c != 0 {
		t.Errorf("%d nodes need review", c)
	}
}

// realSocieties names two real Jiangsu societies: only here, where
// -create-missing creates them (and the test's cleanup removes them).
var realSocieties = []string{"江苏省计算机学会", "江苏省电子学会"}

// TestImport_CreateMissingSocietiesFromAnExpertRoster: an expert roster
// naming societies the graph lacks is refused row by row by default; with
// CreateMissing the societies are created, marked needsReview with the row
// as provenance, reported apart from errors, and a re-run creates nothing.
func TestImport_CreateMissingSocietiesFromAnExpertRoster(t *testing.T) {
	w := newWorld(t)
	for _, name := range realSocieties {
		if c := w.count(`MATCH (s:Society {name: $name}) RETURN count(s)`, map[string]any{"name": name}); c != 0 {
			t.Skipf("the test database already has %s", name)
		}
	}
	path := w.file("experts-real.csv", csvText(
		[]string{"姓名", "性别", "出生年月", "手机", "邮箱", "工作单位", "所属学会"},
		[]string{w.n("张一"), "男", "1980.4", "13812345678", "zhang@example.cn", w.n("测试大学"), realSocieties[0]},
		[]string{w.n("李二"), "女", "1985年10月", "", "", w.n("测试大学"), realSocieties[0] + "、" + realSocieties[1]},
		[]string{w.n("王三"), "", "", "", "", "", w.n("测试学会")},
	))
	rep := w.run(path, roster.Options{})
	if rep.RowsOK != 1 || rep.RowsRejected != 2 {
		t.Fatalf("strict by default: %s", rep.Summary())
	}
	is := issue(t, rep, 2, "所属学会", roster.CodeNotFound)
	if !strings.Contains(is.Message, "a roster may name only societies already in the graph") || !strings.Contains(is.Message, "-create-missing societies") {
		t.Errorf("message: %s", is.Message)
	}

	rep = w.run(path, roster.Options{CreateMissing: []castgraph.Kind{castgraph.KindSociety}})
	if rep.RowsOK != 3 || rep.RowsRejected != 0 || rep.IssueCount != 0 {
		t.Fatalf("create-missing: %s%+v", rep.Summary(), rep.Issues)
	}
	if !strings.Contains(rep.Summary(), "created for review (needsReview): 2 societies") {
		t.Errorf("summary:\n%s", rep.Summary())
	}
	if len(rep.Created) != 2 || rep.Created[0].Name != realSocieties[0] || rep.Created[0].Row != 2 || rep.Created[0].Column != "所属学会" ||
		rep.Created[1].Name != realSocieties[1] || rep.Created[1].Row != 3 || rep.Created[0].Kind != castgraph.KindSociety {
		t.Errorf("created: %+v", rep.Created)
	}
	for i, name := range realSocieties {
		r := w.one(`MATCH (s:Society {name: $name}) RETURN s.needsReview AS review, s.sources AS sources, s.id AS id, count{ (s)<-[:MEMBER_OF]-() } AS members`, map[string]any{"name": name})
		wantRow := []string{"row 2", "row 3"}[i]
		if r["review"] != true || !strings.Contains(fmt.Sprint(r["sources"]), wantRow) || r["id"] != rep.Created[i].ID {
			t.Errorf("%s: %v", name, r)
		}
	}
	// The personal columns of the people went to their personal fields.
	r := w.one(`MATCH (e:Expert {name: $name}) RETURN e.gender AS g, e.birthMonth AS b, e.phone AS p, e.email AS m`, map[string]any{"name": w.n("张一")})
	if r["g"] != "MALE" || r["b"] != "1980-04" || r["p"] != "13812345678" || r["m"] != "zhang@example.cn" {
		t.Errorf("张一: %v", r)
	}
	if r := w.one(`MATCH (e:Expert {name: $name}) RETURN e.gender AS g, e.birthMonth AS b`, map[string]any{"name": w.n("李二")}); r["g"] != "FEMALE" || r["b"] != "1985-10" {
		t.Errorf("李二: %v", r)
	}

	// Listable for review: the societies list filtered on needsReview.
	first := 500
	page, err := w.s.List(context.Background(), castgraph.KindSociety, &store.Plan{
		Where: store.Compare{Prop: "needsReview", Op: store.OpEq, Value: true}, Window: store.Window{First: &first}})
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, nd := range page.Nodes {
		listed = append(listed, nd.Name)
	}
	for _, name := range realSocieties {
		if !strings.Contains(strings.Join(listed, ","), name) {
			t.Errorf("%s is not listed for review: %v", name, listed)
		}
	}

	again := w.run(path, roster.Options{CreateMissing: []castgraph.Kind{castgraph.KindSociety}})
	if len(again.Created) != 0 || again.NodesCreated != 0 || again.RowsOK != 3 {
		t.Errorf("re-run: %s", again.Summary())
	}
}

// TestImport_DidYouMean: a name that finds nothing is told the nearest
// names of its kind.
func TestImport_DidYouMean(t *testing.T) {
	w := newWorld(t)
	path := w.file("typo.csv", csvText(
		[]string{"姓名", "所属学会", "所在城市"},
		[]string{w.n("甲"), "测试机械学" + w.tag, w.n("测试市")},
		[]string{w.n("乙"), "完全不同的名称" + w.tag + "x", ""},
		[]string{w.n("丙"), w.n("测试学会"), "测市" + w.tag},
	))
	rep, _ := w.try(context.Background(), path, roster.Options{})
	is := issue(t, rep, 2, "所属学会", roster.CodeNotFound)
	if !strings.HasSuffix(is.Message, "did you mean "+w.n("测试机械学会")+"?") {
		t.Errorf("row 2: %s", is.Message)
	}
	if is := issue(t, rep, 3, "所属学会", roster.CodeNotFound); strings.Contains(is.Message, "did you mean") {
		t.Errorf("row 3 suggests what is not alike: %s", is.Message)
	}
	// An alias close to the name (测试 is an alias of 测试市): the node's name is shown.
	if is := issue(t, rep, 4, "所在城市", roster.CodeNotFound); !strings.Contains(is.Message, "did you mean "+w.n("测试市")) {
		t.Errorf("row 4: %s", is.Message)
	}
}

// TestImport_IgnoredColumnsInTheSummaryAndStrictRefusal: columns no field
// takes are named in the summary and the report; a strict import refuses
// them before anything is written.
func TestImport_IgnoredColumnsInTheSummaryAndStrictRefusal(t *testing.T) {
	w := newWorld(t)
	path := w.file("enterprises-cols.csv", csvText(
		[]string{"企业名称", "统一社会信用代码", "注册地", "成立时间", "网址"},
		[]string{w.n("甲示例有限公司"), w.codeFor(1), w.n("测试市"), "2001-05", "example.cn"},
	))
	strict, err := w.try(context.Background(), path, roster.Options{Strict: true})
	if castgraph.ErrorCode(err) != castgraph.EINVALID || !strings.Contains(err.Error(), "2 columns would be ignored: 成立时间, 网址") {
		t.Fatalf("strict: %v", err)
	}
	if strict.Written || strict.RowsOK != 0 || strict.IssuesByCode[roster.CodeStrictRejection] != 1 {
		t.Errorf("strict report: %+v", strict)
	}
	if c := w.count(`MATCH (x:Entity) WHERE any(s IN x.sources WHERE s CONTAINS 'enterprises-cols') RETURN count(x)`, nil); c != 0 {
		t.Errorf("the strict import wrote %d nodes", c)
	}

	rep := w.run(path, roster.Options{})
	if !strings.Contains(rep.Summary(), "2 columns ignored: 成立时间, 网址") || strings.Join(rep.IgnoredColumns, ",") != "成立时间,网址" {
		t.Errorf("summary:\n%s\nignored: %v", rep.Summary(), rep.IgnoredColumns)
	}
	// 注册地 has a home: the enterprise is located in the city.
	if c := w.count(`MATCH (:Enterprise {name: $name})-[:LOCATED_IN]->(:Region {name: $city}) RETURN count(*)`, map[string]any{"name": w.n("甲示例有限公司"), "city": w.n("测试市")}); c != 1 {
		t.Errorf("注册地 was not read")
	}
	issue(t, rep, 0, "成立时间", roster.CodeUnknownColumn)
	// A mapping that ignores a column on purpose lets a strict import through.
	m, err := roster.ReadMapping(strings.NewReader("成立时间: \"-\"\n网址: \"-\"\n"), "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if rep := w.run(path, roster.Options{Strict: true, Mapping: m}); !rep.Written || len(rep.IgnoredColumns) != 0 {
		t.Errorf("strict with a mapping: %s", rep.Summary())
	}
}

// TestImport_CreateMissingIsBounded: a roster naming more missing
// societies than Options.MaxCreated creates that many (across batches) and
// rejects the rest with CREATE_LIMIT; a dry run counts the same.
func TestImport_CreateMissingIsBounded(t *testing.T) {
	w := newWorld(t)
	rows := [][]string{{"姓名", "所属学会"}}
	for i := range 30 {
		rows = append(rows, []string{w.n(fmt.Sprintf("专家%02d", i)), w.n(fmt.Sprintf("缺失学会%02d", i))})
	}
	// Two rows name a society an earlier row created: not counted again.
	rows = append(rows, []string{w.n("专家x"), w.n("缺失学会00")}, []string{w.n("专家y"), w.n("缺失学会09")})
	path := w.file("many-missing.csv", csvText(rows...))
	opts := roster.Options{CreateMissing: []castgraph.Kind{castgraph.KindSociety}, MaxCreated: 10, BatchSize: 7}
	for _, dry := range []bool{true, false} {
		opts.DryRun = dry
		rep, err := w.try(context.Background(), path, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Created) != 10 || rep.CreatedByKind["Society"] != 10 || rep.RowsOK != 12 || rep.RowsRejected != 20 || rep.IssuesByCode[roster.CodeCreateLimit] != 20 {
			t.Errorf("dry run %v: %s created %d", dry, rep.Summary(), len(rep.Created))
		}
		if is := issue(t, rep, 12, "所属学会", roster.CodeCreateLimit); !strings.Contains(is.Message, "(10)") {
			t.Errorf("message: %s", is.Message)
		}
	}
	if c := w.count(`MATCH (s:Society) WHERE s.needsReview AND s.name ENDS WITH $tag RETURN count(s)`, nil); c != 10 {
		t.Errorf("%d societies created, want 10", c)
	}
}

// TestImport_DidYouMeanOnAHugeGraphIsBounded: among 20 000 societies of one
// pattern (every one shares most bigrams with every name asked for), a
// roster of 1 100 misspelt names gets the right suggestion for each of the
// first 1 000 names (maxSuggestLookups) and none after, in bounded time;
// with the time budget spent, lookups stop after the statement that spent it.
func TestImport_DidYouMeanOnAHugeGraphIsBounded(t *testing.T) {
	w := newWorld(t)
	const societies, asked = 20_000, 1_100
	storetest.Exec(t, `UNWIND range(0, $n - 1) AS i
		CREATE (:Society:Entity {id: 'society/' + $tag + '-big-' + i, key: '江苏省示例学会第' + i + '号' + $tag, name: '江苏省示例学会第' + i + '号' + $tag,
			aliases: [], aliasText: '', sources: ['roster test ' + $tag], createdAt: datetime(), updatedAt: datetime()})`,
		map[string]any{"n": societies, "tag": w.tag})
	rows := [][]string{{"姓名", "所属学会"}}
	for i := range asked {
		rows = append(rows, []string{w.n(fmt.Sprintf("专家%d", i)), fmt.Sprintf("江苏省示例协会第%d号%s", i*7, w.tag)})
	}
	path := w.file("huge.csv", csvText(rows...))
	start := time.Now()
	// A budget no machine reaches, so that the count bound alone applies. A
	// real import (every row is rejected, so nothing is written): its write
	// transaction may take the minutes a busy machine needs for a thousand
	// lookups, where a dry run's read transaction has seconds (the default
	// budget keeps within them).
	rep, err := w.try(context.Background(), path, roster.Options{SuggestBudget: time.Hour})
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if rep.RowsRejected != asked {
		t.Fatalf("%s", rep.Summary())
	}
	suggested := 0
	for _, is := range rep.Issues {
		i := is.Row - 2
		want := fmt.Sprintf("did you mean 江苏省示例学会第%d号%s", i*7, w.tag)
		switch {
		case strings.Contains(is.Message, want):
			suggested++
		case strings.Contains(is.Message, "did you mean"):
			t.Errorf("row %d: %s", is.Row, is.Message)
		}
	}
	if suggested != 1000 {
		t.Errorf("%d names got a suggestion, want the first 1000", suggested)
	}
	t.Logf("%d names against %d societies: %v", asked, societies, took)
	if took > 2*time.Minute {
		t.Errorf("did-you-mean took %v", took)
	}

	// The time budget: once spent, no more lookups – here after the first
	// statement (suggestChunk names).
	rep, err = w.try(context.Background(), path, roster.Options{DryRun: true, SuggestBudget: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	suggested = 0
	for _, is := range rep.Issues {
		if strings.Contains(is.Message, "did you mean") {
			suggested++
		}
	}
	if suggested != 100 {
		t.Errorf("%d names got a suggestion within a spent budget, want the first statement's 100", suggested)
	}
}

// TestImport_ReferenceToARejectedRow: a row naming the subject of another
// row of the file holds only when that row is written; a rejected parent
// rejects its children (and theirs), and nothing is created bare for them.
func TestImport_ReferenceToARejectedRow(t *testing.T) {
	w := newWorld(t)
	n := w.n
	path := w.file("regions-bad.csv", csvText(
		[]string{"地区名称", "类型", "上级"},
		[]string{n("坏省"), "省", n("没有的国")},
		[]string{n("坏市"), "市", n("坏省")},
		[]string{n("坏县"), "县", n("坏市")},
		[]string{n("好市"), "市", n("测试市")},
	))
	for _, dry := range []bool{true, false} {
		rep, _ := w.try(context.Background(), path, roster.Options{DryRun: dry})
		if rep.RowsOK != 1 || rep.RowsRejected != 3 {
			t.Fatalf("dry run %v: %s%+v", dry, rep.Summary(), rep.Issues)
		}
		issue(t, rep, 2, "上级", roster.CodeNotFound)
		for _, row := range []int{3, 4} {
			if is := issue(t, rep, row, "上级", roster.CodeNotFound); !strings.Contains(is.Message, "a row of this file that was rejected") {
				t.Errorf("row %d: %s", row, is.Message)
			}
		}
	}
	if c := w.count(`MATCH (x:Region) WHERE x.name IN [$a, $b, $c] RETURN count(x)`, map[string]any{"a": n("坏省"), "b": n("坏市"), "c": n("坏县")}); c != 0 {
		t.Errorf("%d regions of rejected rows were written", c)
	}
}

// TestImport_CreateMissingOfEachReferenceColumn: -create-missing creates
// what reference rosters name too – a program's hosts as the kind their
// names say, a society's guiding association, a chain's cluster – each with
// the review mark and the type its name implies.
func TestImport_CreateMissingOfEachReferenceColumn(t *testing.T) {
	w := newWorld(t)
	n := w.n
	all := []castgraph.Kind{castgraph.KindAssociation, castgraph.KindSociety, castgraph.KindInstitution, castgraph.KindIndustryCluster, castgraph.KindPark}
	progs := w.file("programs-cm.csv", csvText(
		[]string{"项目名称", "类型", "主办单位", "承办单位"},
		[]string{n("某项目"), "项目", n("某示例科协"), n("某示例学会") + "、" + n("某示例大学")},
	))
	rep := w.run(progs, roster.Options{CreateMissing: all})
	if rep.RowsOK != 1 || len(rep.Created) != 3 {
		t.Fatalf("%s%+v", rep.Summary(), rep.Created)
	}
	for name, label := range map[string]string{"某示例科协": "Association", "某示例学会": "Society", "某示例大学": "Institution"} {
		r := w.one(`MATCH (:Program {name: $p})-[r:RUN_BY]->(h {name: $name}) RETURN labels(h) AS l, h.needsReview AS review, h.institutionType AS t, r.role AS role`,
			map[string]any{"p": n("某项目"), "name": n(name)})
		if !strings.Contains(fmt.Sprint(r["l"]), label) || r["review"] != true {
			t.Errorf("%s: %v", name, r)
		}
		if label == "Institution" && r["t"] != "UNIVERSITY" {
			t.Errorf("%s: %v", name, r)
		}
	}
	socs := w.file("societies-cm.csv", csvText(
		[]string{"学会名称", "业务主管单位", "所在园区"},
		[]string{n("又一学会"), n("又一科协"), ""},
	))
	rep = w.run(socs, roster.Options{CreateMissing: all})
	if len(rep.Created) != 1 || rep.Created[0].Kind != castgraph.KindAssociation || rep.Created[0].Column != "业务主管单位" {
		t.Errorf("%s%+v", rep.Summary(), rep.Created)
	}
	if c := w.count(`MATCH (a:Association {name: $a, needsReview: true})-[:GUIDES]->(:Society {name: $s}) RETURN count(*)`, map[string]any{"a": n("又一科协"), "s": n("又一学会")}); c != 1 {
		t.Errorf("GUIDES from the created association: %d", c)
	}
	chains := w.file("chains-cm.csv", csvText([]string{"产业链名称", "所属集群"}, []string{n("某链"), n("某集群")}))
	// Clusters not named: refused, with the word that would create them.
	rep, _ = w.try(context.Background(), chains, roster.Options{CreateMissing: []castgraph.Kind{castgraph.KindSociety}})
	if is := issue(t, rep, 2, "所属集群", roster.CodeNotFound); !strings.Contains(is.Message, "-create-missing clusters") {
		t.Errorf("message: %s", is.Message)
	}
	if rep = w.run(chains, roster.Options{CreateMissing: all}); rep.CreatedByKind["IndustryCluster"] != 1 || !strings.Contains(rep.Summary(), "1 industry cluster") {
		t.Errorf("%s", rep.Summary())
	}
}

// TestImport_PeopleOfOrganisations: the people a reference roster names
// (理事长, 站长, 院长, 项目负责人) become experts related to the row's subject
// with the header as their role – the one expert of the name when there is
// one, else a new one, whom an expert roster naming the employer takes over.
func TestImport_PeopleOfOrganisations(t *testing.T) {
	w := newWorld(t)
	n := w.n
	rep := w.run(w.file("people.csv", csvText(
		[]string{"学会名称", "理事长", "秘书长姓名", "联系人"},
		[]string{n("人学会"), n("钱理事"), n("孙秘书") + "、" + n("周秘书"), "某人"},
	)), roster.Options{})
	if rep.Kind != roster.Societies || rep.RowsOK != 1 || strings.Join(rep.IgnoredColumns, ",") != "联系人" {
		t.Fatalf("%s", rep.Summary())
	}
	rows := w.query(`MATCH (e:Expert)-[m:MEMBER_OF]->(:Society {name: $s}) RETURN e.name + ' ' + m.role AS x, m.sources AS src ORDER BY x`, map[string]any{"s": n("人学会")})
	var got []string
	for _, r := range rows {
		got = append(got, r["x"].(string))
	}
	if len(rows) != 3 || !slices.Contains(got, n("孙秘书")+" 秘书长") || !slices.Contains(got, n("周秘书")+" 秘书长") || !slices.Contains(got, n("钱理事")+" 理事长") ||
		!strings.Contains(fmt.Sprint(rows[0]["src"]), "row 2") {
		t.Errorf("members: %v", rows)
	}
	// The same person in a station's and an institution's roster is one expert.
	w.run(w.file("stations-people.csv", csvText([]string{"联络站名称", "站长"}, []string{n("人站"), n("钱理事")})), roster.Options{})
	w.run(w.file("inst-people.csv", csvText([]string{"机构名称", "院长"}, []string{n("人研究院"), n("钱理事")})), roster.Options{})
	w.run(w.file("prog-people.csv", csvText([]string{"项目名称", "类型", "项目负责人"}, []string{n("人项目"), "项目", n("钱理事")})), roster.Options{})
	r := w.one(`MATCH (e:Expert {name: $e}) RETURN count{ (e)-[:LIAISON_OF {role: '站长'}]->(:OverseasStation) } AS st,
		count{ (e)-[:AFFILIATED_WITH {role: '院长'}]->(:Institution) } AS inst, count{ (e)-[:PARTICIPATES_IN {role: '项目负责人'}]->(:Program) } AS prog`,
		map[string]any{"e": n("钱理事")})
	if r["st"] != int64(1) || r["inst"] != int64(1) || r["prog"] != int64(1) {
		t.Errorf("钱理事: %v", r)
	}
	// An expert roster naming the employer takes the expert over.
	w.run(w.file("experts-people.csv", csvText([]string{"姓名", "工作单位", "职称"}, []string{n("钱理事"), n("人研究院"), "研究员"})), roster.Options{})
	r = w.one(`MATCH (e:Expert {name: $e}) RETURN e.disambiguation AS d, e.title AS t, count{ (e)-[:MEMBER_OF]->() } AS m`, map[string]any{"e": n("钱理事")})
	if r["d"] != n("人研究院") || r["t"] != "研究员" || r["m"] != int64(1) {
		t.Errorf("taken over: %v", r)
	}
}
