package roster

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
)

// Pure tests (no database) of the reference rosters: header detection,
// column mapping, what a row plans, the enumerations' written forms, the
// -create-missing list and did-you-mean's similarity.

func TestDetectKind_ReferenceRostersAndPeople(t *testing.T) {
	for _, tc := range []struct {
		headers string
		want    Kind
	}{
		{"学会名称,简称,级别,业务主管单位,所在地", Societies},
		{"序号,学会名称*,学科类别,挂靠单位,联系人,联系电话", Societies},
		{"园区名称,类型,级别,所在地", Parks},
		{"联络站名称,国家,联系人,联系电话", Stations},
		{"基地名称,类型,所在国家", Stations},
		{"机构名称,机构类型,业务主管单位", Institutions},
		{"集群名称,所在地", Clusters},
		{"产业链名称,所属集群", Chains},
		{"集群名称,产业链名称", Chains},
		{"项目名称,类型,年度,主办单位", Programs},
		{"地区名称,类型,上级", Regions},
		// People and enterprises as before, also beside a reference column.
		{"姓名,学会名称,职务,入会时间", Members},
		{"姓名,联络站名称,国家", Liaisons},
		{"姓名,所属联络站,职务", Liaisons},
		{"姓名,工作单位,职称,所属学会", Experts},
		{"专家姓名,服务企业,服务方式", Services},
		{"企业名称,统一社会信用代码,所在园区,所属集群", Enterprises},
		{"统一社会信用代码,园区名称", Parks},
		{"企业名称,统一社会信用代码,园区名称,产业链名称", Enterprises},
		{"企业,园区名称", Enterprises},
		{"专家,学会名称", Experts},
		{"名称,园区名称", Parks},
	} {
		got, ok := detectKind(strings.Split(tc.headers, ","))
		if !ok || got != tc.want {
			t.Errorf("%s: %q, want %q", tc.headers, got, tc.want)
		}
	}
}

func TestMapColumns_ReferenceKinds(t *testing.T) {
	for _, tc := range []struct {
		kind    Kind
		headers string
		want    string // field per column, "" for one not read
		ignored string
	}{
		{Societies, "学会名称,简称,别名,级别,学科类别,领域,业务主管单位,所在地,上级学会,简介,联系人,联系电话,成立时间",
			"name,aliases,aliases,level,type,field,guidedBy,city,parent,description,,,", "联系人,联系电话,成立时间"},
		{Parks, "园区名称,园区类型,园区级别,所在城市,备注", "name,type,level,city,description", ""},
		{Stations, "联络站名称,站点类型,所在国家,城市", "name,type,country,city", ""},
		{Institutions, "机构名称,单位性质,主管单位,所在地,所在园区", "name,type,guidedBy,city,park", ""},
		{Clusters, "集群名称,所在地,介绍", "name,city,description", ""},
		{Chains, "产业链名称,集群名称,简称", "name,cluster,aliases", ""},
		{Chains, "产业链,所属集群", "name,cluster", ""},
		{Programs, "项目名称,项目类型,年份,主办单位,承办单位,举办地", "name,type,year,host,host,city", ""},
		{Regions, "地区名称,级别,所属地区,简称", "name,type,parent,aliases", ""},
		// An enterprise roster's 所属集群 ties the enterprise to the cluster (IN_CLUSTER).
		{Enterprises, "企业名称,注册地,所属集群", "name,city,cluster", ""},
		{Societies, "学会名称,理事长,秘书长姓名,联系人", "name,person,person,", "联系人"},
		{Stations, "联络站名称,站长,联系人", "name,person,person", ""},
		{Parks, "园区名称,负责人", "name,", "负责人"},
	} {
		rep := newReport()
		c, err := mapColumns(strings.Split(tc.headers, ","), tc.kind, nil, rep, true)
		if err != nil {
			t.Errorf("%s %s: %v", tc.kind, tc.headers, err)
			continue
		}
		got := make([]string, len(c.fields))
		for i, f := range c.fields {
			got[i] = string(f)
		}
		if g := strings.Join(got, ","); g != tc.want {
			t.Errorf("%s %s:\n got %s\nwant %s", tc.kind, tc.headers, g, tc.want)
		}
		if g := strings.Join(c.ignored, ","); g != tc.ignored {
			t.Errorf("%s ignored: %s, want %s", tc.kind, g, tc.ignored)
		}
	}
	// A program roster needs its type; a reference roster its name.
	if _, err := mapColumns([]string{"项目名称", "年度"}, Programs, nil, newReport(), true); castgraph.ErrorCode(err) != castgraph.EINVALID {
		t.Errorf("a program roster without a type: %v", err)
	}
	if _, err := mapColumns([]string{"联系人", "所在地"}, Societies, nil, newReport(), true); castgraph.ErrorCode(err) != castgraph.EINVALID {
		t.Errorf("a society roster without a name: %v", err)
	}
}

// planOf plans one row of a roster kind with the given header.
func planOf(t *testing.T, kind Kind, header string, row ...string) (*plan, *Report) {
	t.Helper()
	rep := newReport()
	c, err := mapColumns(strings.Split(header, ","), kind, nil, rep, true)
	if err != nil {
		t.Fatal(err)
	}
	p := &planner{kind: kind, cols: c, source: "test.csv", rep: rep, dupes: newDupes()}
	return p.plan(2, row), rep
}

// links describes the links of a plan: "GUIDES<-Association 江苏省科协".
func links(pl *plan) string {
	var out []string
	for _, l := range pl.links {
		dir := "->"
		if l.in {
			dir = "<-"
		}
		s := fmt.Sprintf("%s%s%s %s", l.rel, dir, kindsKey(l.to.kinds), l.to.name)
		if r, ok := l.props["role"]; ok {
			s += " " + r.(string)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return strings.Join(out, "; ")
}

func TestPlanReference_EachKind(t *testing.T) {
	for _, tc := range []struct {
		kind          Kind
		header        string
		row           []string
		subject       castgraph.Kind
		props, create string
		links         string
	}{
		{Societies, "学会名称,简称,级别,学科类别,业务主管单位,所在地,上级学会,简介",
			[]string{"江苏省示例学会", "示例学、示例会", "省级", "工科", "江苏省科协", "南京", "江苏省示例学会联合体", "示例"},
			castgraph.KindSociety, "map[field:工科 scope:PROVINCIAL]", "map[description:示例]",
			"GUIDES<-Association 江苏省科协; LOCATED_IN->Region 南京; MEMBER_OF->Society 江苏省示例学会联合体"},
		{Parks, "园区名称,类型,级别,所在地", []string{"示例高新区", "高新技术产业开发区", "国家级", "苏州"},
			castgraph.KindPark, "map[level:国家级 parkType:HIGH_TECH_ZONE]", "map[]", "LOCATED_IN->Region 苏州"},
		{Parks, "园区名称,所在地", []string{"示例经济技术开发区", "徐州"},
			castgraph.KindPark, "map[]", "map[parkType:ECONOMIC_DEVELOPMENT_ZONE]", "LOCATED_IN->Region 徐州"},
		{Stations, "联络站名称,国家,所在城市", []string{"示例海智基地（慕尼黑）", "德国", "慕尼黑"},
			castgraph.KindOverseasStation, "map[]", "map[stationType:OVERSEAS_BASE]", "LOCATED_IN->Region 德国; LOCATED_IN->Region 慕尼黑"},
		{Institutions, "机构名称,机构类型,业务主管单位,所在园区", []string{"示例研究院", "科研院所", "省科协", "示例高新区"},
			castgraph.KindInstitution, "map[institutionType:RESEARCH_INSTITUTE]", "map[]", "GUIDES<-Association 省科协; LOCATED_IN->Park 示例高新区"},
		{Clusters, "集群名称,所在地", []string{"示例集群", "无锡"}, castgraph.KindIndustryCluster, "map[]", "map[]", "LOCATED_IN->Region 无锡"},
		{Chains, "产业链名称,所属集群", []string{"示例链", "示例集群"}, castgraph.KindIndustryChain, "map[]", "map[]", "PART_OF->IndustryCluster 示例集群"},
		{Programs, "项目名称,类型,年度,主办单位,承办单位", []string{"示例大赛", "竞赛", "2024年度", "江苏省科协、示例学会", "示例研究院"},
			castgraph.KindProgram, "map[kind:COMPETITION year:2024]", "map[]",
			"RUN_BY->Association,Society,Institution,Enterprise 江苏省科协 主办; RUN_BY->Association,Society,Institution,Enterprise 示例学会 主办; RUN_BY->Association,Society,Institution,Enterprise 示例研究院 承办"},
		{Regions, "地区名称,类型,上级", []string{"示例县", "县级市", "示例市"}, castgraph.KindRegion, "map[regionType:COUNTY]", "map[]", "LOCATED_IN->Region 示例市"},
	} {
		pl, rep := planOf(t, tc.kind, tc.header, tc.row...)
		if pl == nil {
			t.Errorf("%s: rejected: %+v", tc.kind, rep.Issues)
			continue
		}
		if pl.subject.kind != tc.subject || fmt.Sprint(pl.subject.props) != tc.props || fmt.Sprint(pl.subject.createProps) != tc.create || links(pl) != tc.links {
			t.Errorf("%s:\n subject %s %v create %v\n links %s", tc.kind, pl.subject.kind, pl.subject.props, pl.subject.createProps, links(pl))
		}
	}
	pl, _ := planOf(t, Stations, "联络站名称,站长,联系人", "示例联络站", "甲", "乙、丙")
	if got := links(pl); got != "LIAISON_OF<-Expert 丙 联系人; LIAISON_OF<-Expert 乙 联系人; LIAISON_OF<-Expert 甲 站长" {
		t.Errorf("people: %s", got)
	}
	pl, _ = planOf(t, Societies, "学会名称,简称", "江苏省示例学会", "示例学、示例会")
	if fmt.Sprint(pl.subject.aliases) != "[示例学 示例会]" {
		t.Errorf("aliases: %v", pl.subject.aliases)
	}
}

func TestPlanReference_BadRows(t *testing.T) {
	for _, tc := range []struct {
		kind   Kind
		header string
		row    []string
		column string
		code   string
	}{
		{Programs, "项目名称,类型", []string{"示例项目", ""}, "类型", CodeRequired},
		{Programs, "项目名称,类型", []string{"示例项目", "不知道什么"}, "类型", CodeBadValue},
		{Programs, "项目名称,类型,年度", []string{"示例项目", "项目", "去年"}, "年度", CodeBadValue},
		{Programs, "项目名称,类型,年度", []string{"示例项目", "项目", "1066"}, "年度", CodeBadValue},
		{Parks, "园区名称,类型", []string{"示例园", "不是园区"}, "类型", CodeBadValue},
		{Regions, "地区名称,上级", []string{"示例市", "示例市"}, "上级", CodeBadValue},
		{Societies, "学会名称,级别", []string{"", "省级"}, "学会名称", CodeRequired},
		{Societies, "学会名称,所在地", []string{"示例学会", "南京\x1b[0m"}, "所在地", CodeBadValue},
	} {
		pl, rep := planOf(t, tc.kind, tc.header, tc.row...)
		if pl != nil {
			t.Errorf("%s %v: accepted", tc.kind, tc.row)
			continue
		}
		found := false
		for _, is := range rep.Issues {
			found = found || is.Column == tc.column && is.Code == tc.code && is.Row == 2
		}
		if !found {
			t.Errorf("%s %v: want %s on %s, got %+v", tc.kind, tc.row, tc.code, tc.column, rep.Issues)
		}
	}
}

func TestParseEnum_WrittenForms(t *testing.T) {
	for _, tc := range []struct {
		kind       castgraph.Kind
		prop, cell string
		want       string
	}{
		{castgraph.KindPark, "parkType", "国家级高新技术产业开发区", "HIGH_TECH_ZONE"},
		{castgraph.KindPark, "parkType", "经开区", "ECONOMIC_DEVELOPMENT_ZONE"},
		{castgraph.KindPark, "parkType", "other", "OTHER"},
		{castgraph.KindOverseasStation, "stationType", "海外联络站", "LIAISON_STATION"},
		{castgraph.KindOverseasStation, "stationType", "离岸创新中心", "OFFSHORE_INNOVATION_CENTER"},
		{castgraph.KindOverseasStation, "stationType", "OVERSEAS_BASE", "OVERSEAS_BASE"},
		{castgraph.KindInstitution, "institutionType", "高校", "UNIVERSITY"},
		{castgraph.KindInstitution, "institutionType", "科普教育基地", "EDUCATION_BASE"},
		{castgraph.KindInstitution, "institutionType", "新型研发机构（创新中心）", "INNOVATION_CENTER"},
		{castgraph.KindProgram, "kind", "专项行动", "CAMPAIGN"},
		{castgraph.KindProgram, "kind", "奖项", "AWARD"},
		{castgraph.KindProgram, "kind", "学术年会", "EVENT"},
		{castgraph.KindRegion, "regionType", "设区市", "CITY"},
		{castgraph.KindRegion, "regionType", "县级市", "COUNTY"},
		{castgraph.KindRegion, "regionType", "街道", "TOWNSHIP"},
		{castgraph.KindRegion, "regionType", "ＰＲＯＶＩＮＣＥ", "PROVINCE"},
		{castgraph.KindSociety, "scope", "全国性学会", "NATIONAL"},
		{castgraph.KindSociety, "scope", "省级", "PROVINCIAL"},
		{castgraph.KindRegion, "regionType", "星系", ""},
	} {
		ks, _ := castgraph.SpecOf(tc.kind)
		p, _ := ks.Prop(tc.prop)
		got, err := parseEnum(p, tc.cell)
		if got != tc.want || (err != nil) != (tc.want == "") {
			t.Errorf("%s %q: %q, %v; want %q", tc.prop, tc.cell, got, err, tc.want)
		}
	}
}

func TestParseCreateMissing(t *testing.T) {
	got, err := ParseCreateMissing("societies, parks，地区,associations,societies")
	if err != nil || fmt.Sprint(got) != "[Society Park Region Association]" {
		t.Errorf("got %v, %v", got, err)
	}
	if got, err := ParseCreateMissing(""); err != nil || len(got) != 0 {
		t.Errorf("empty: %v, %v", got, err)
	}
	if got, _ := ParseCreateMissing("all"); len(got) != len(castgraph.ReviewKinds) {
		t.Errorf("all: %v", got)
	}
	for _, bad := range []string{"experts", "programs", "unicorns"} {
		if _, err := ParseCreateMissing(bad); castgraph.ErrorCode(err) != castgraph.EINVALID {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestNearest_SimilarNamesOnly(t *testing.T) {
	cands := []store.Found{
		{Name: "江苏省示例机械工程学会"},
		{Name: "江苏省示例电力工程学会"},
		{Name: "完全无关的名字"},
		{Name: "南京市", Aliases: []string{"南京"}},
	}
	if got := nearest("江苏省示例机械工程学", cands); fmt.Sprint(got) != "[江苏省示例机械工程学会]" {
		t.Errorf("one near name: %v", got)
	}
	if got := nearest("江苏省示例工程学会", cands); fmt.Sprint(got) != "[江苏省示例机械工程学会 江苏省示例电力工程学会]" {
		t.Errorf("two as near: %v", got)
	}
	if got := nearest("南亰", cands); fmt.Sprint(got) != "[南京市]" {
		t.Errorf("by an alias: %v", got)
	}
	if got := nearest("毫不相干", cands); len(got) != 0 {
		t.Errorf("nothing alike: %v", got)
	}
	// Alike only in the words every society has: no suggestion.
	if got := nearest("江苏省计算机学会", append(cands, store.Found{Name: "江苏省示例药学会"})); len(got) != 0 {
		t.Errorf("alike only in 江苏省 … 学会: %v", got)
	}
	if got := nearest("江苏省示例机械学会", cands); fmt.Sprint(got) != "[江苏省示例机械工程学会]" {
		t.Errorf("a word left out: %v", got)
	}
	// The work is bounded by the runes compared, whatever the names' length.
	long := []rune(strings.Repeat("学", 10_000))
	if s := similarity(long, long[:100]); s != 1 {
		t.Errorf("compared beyond the bound: %v", s)
	}
	if allocs := testing.AllocsPerRun(10, func() { similarity(long, long) }); allocs > 2 {
		t.Errorf("%v allocations", allocs)
	}
}
