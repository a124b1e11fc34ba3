package roster

import (
	"fmt"
	"strings"

	"github.com/castgraph/castgraph"
	"golang.org/x/text/unicode/norm"
)

// Reference rosters: lists of societies, parks, overseas stations,
// institutions, industry clusters and chains, programs and regions, one
// node of the kind a row. They load the reference data that rosters of
// people and enterprises name, the same way: merged on natural keys (the
// normalised name), found by name or alias, a re-run changing nothing.
const (
	// Societies: one society (学会) a row: scope, field, the association
	// that guides it (业务主管单位), its consortium, its city.
	Societies Kind = "societies"
	// Parks: one park or zone a row: type, level, city.
	Parks Kind = "parks"
	// Stations: one overseas station (海智基地, 海外联络站, 离岸创新中心) a
	// row: type, country, city.
	Stations Kind = "stations"
	// Institutions: one institution a row: type, the association that
	// guides it, city, park.
	Institutions Kind = "institutions"
	// Clusters: one industry cluster a row: city.
	Clusters Kind = "clusters"
	// Chains: one industry chain a row: the cluster it is part of.
	Chains Kind = "chains"
	// Programs: one program, award, event … a row: its type (required),
	// year, who runs it (主办单位), city.
	Programs Kind = "programs"
	// Regions: one place a row: its type and the place it lies in (上级).
	Regions Kind = "regions"
)

// parseRefKind reads the name of a reference roster kind.
func parseRefKind(s string) (Kind, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "societies", "society", "学会", "学会名单":
		return Societies, true
	case "parks", "park", "园区", "园区名单":
		return Parks, true
	case "stations", "station", "overseas-stations", "联络站", "海智基地", "联络站名单":
		return Stations, true
	case "institutions", "institution", "机构", "机构名单":
		return Institutions, true
	case "clusters", "cluster", "集群", "产业集群":
		return Clusters, true
	case "chains", "chain", "产业链":
		return Chains, true
	case "programs", "program", "programmes", "programme", "项目", "项目名单":
		return Programs, true
	case "regions", "region", "places", "place", "地区", "地区名单":
		return Regions, true
	}
	return "", false
}

// The headers that name the subject of each reference roster and say, when
// no person's name is beside them, what kind of roster a file is. 名称 names
// the subject of every one of them but tells none apart.
var refNameHeaders = map[Kind][]string{
	Societies:    {"学会名称", "社团名称", "学会全称"},
	Parks:        {"园区名称", "开发区名称", "园区全称"},
	Stations:     {"联络站名称", "基地名称", "站点名称", "海智基地名称", "联络站(基地)名称"},
	Institutions: {"机构名称", "机构全称"},
	Clusters:     {"集群名称", "产业集群名称"},
	Chains:       {"产业链名称", "链条名称"},
	Programs:     {"项目名称", "活动名称", "计划名称", "奖项名称"},
	Regions:      {"地区名称", "地名", "区划名称", "行政区划名称"},
}

// refDetectOrder is the order detectKind tries the reference kinds in: a
// chain list may name its cluster by 集群名称, so chains come first.
var refDetectOrder = []Kind{Chains, Clusters, Stations, Parks, Societies, Institutions, Programs, Regions}

// personHeaders name a person unmistakably; 联系人 and 联络人 alone may be
// an organisation's contact and do not.
var personHeaders = []string{"name", "姓名", "专家姓名", "人员姓名", "会员姓名", "联络人姓名", "联系人姓名", "专家名称", "专家", "服务专家"}

// headersOf builds a reference kind's own headers: its subject-name headers
// and 名称 as the name, then the rest, then the headers of the people of
// the organisation (理事长, 站长 …: the header is the person's role), each
// also with 姓名 after it (理事长姓名).
func headersOf(k Kind, rest map[string]Field, people ...string) map[string]Field {
	out := map[string]Field{"名称": FieldName, "备注": FieldDescription, "说明": FieldDescription}
	for _, h := range refNameHeaders[k] {
		out[h] = FieldName
	}
	for h, f := range rest {
		out[h] = f
	}
	for _, h := range people {
		out[h] = FieldPerson
		out[h+"姓名"] = FieldPerson
	}
	return out
}

// personRel is the relationship from a person named in a reference roster
// to the row's subject, with the column's header as its role: a society's
// 理事长 is a MEMBER_OF it, a station's 站长 a LIAISON_OF, an institution's
// 院长 AFFILIATED_WITH it, a program's 负责人 PARTICIPATES_IN it. Kinds not
// here (parks, clusters, chains, regions) have no relationship from a person.
var personRel = map[castgraph.Kind]castgraph.RelType{
	castgraph.KindSociety:         castgraph.RelMemberOf,
	castgraph.KindOverseasStation: castgraph.RelLiaisonOf,
	castgraph.KindInstitution:     castgraph.RelAffiliatedWith,
	castgraph.KindProgram:         castgraph.RelParticipatesIn,
}

// personRole is the role a person column gives: its header without 姓名.
func personRole(header string) string {
	h := normaliseHeader(header)
	for _, suffix := range []string{"姓名", "名单"} {
		if t := strings.TrimSuffix(h, suffix); t != "" {
			h = t
		}
	}
	if h == "person" {
		return ""
	}
	return h
}

// The per-kind headers of the reference rosters: what a header means in a
// roster of that kind, before the headers every roster shares.
var (
	societyHeaders = headersOf(Societies, map[string]Field{
		"学会": FieldName, "单位名称": FieldName,
		"学会类型": FieldType, "学科类别": FieldType, "学科门类": FieldType,
		"范围": FieldLevel, "学会级别": FieldLevel, "层级": FieldLevel,
		"学科领域": FieldField, "学科": FieldField,
		"上级单位": FieldGuide, "挂靠主管单位": FieldGuide,
		"上级学会": FieldParent, "所属联合体": FieldParent, "联合体": FieldParent, "所属学会联合体": FieldParent,
	}, "理事长", "会长", "副理事长", "副会长", "秘书长", "副秘书长", "法定代表人", "法人代表")
	parkHeaders = headersOf(Parks, map[string]Field{
		"园区": FieldName, "开发区": FieldName,
		"园区类型": FieldType, "开发区类型": FieldType,
		"园区级别": FieldLevel, "开发区级别": FieldLevel,
	})
	stationHeaders = headersOf(Stations, map[string]Field{
		"联络站": FieldName, "海智基地": FieldName, "站点": FieldName, "海外联络站": FieldName,
		"站点类型": FieldType, "基地类型": FieldType,
	}, "站长", "联系人", "联络人", "联络员", "主任")
	institutionHeaders = headersOf(Institutions, map[string]Field{
		"单位名称": FieldName, "机构": FieldName,
		"机构类型": FieldType, "单位类型": FieldType, "单位性质": FieldType, "机构性质": FieldType,
		"上级单位": FieldGuide, "主管部门": FieldGuide,
	}, "院长", "所长", "主任", "法定代表人", "法人代表")
	clusterHeaders = headersOf(Clusters, map[string]Field{
		"集群": FieldName, "产业集群": FieldName,
	})
	chainHeaders = headersOf(Chains, map[string]Field{
		"产业链": FieldName, "链条": FieldName,
		"集群名称": FieldCluster, "产业集群名称": FieldCluster, "上级": FieldCluster,
	})
	programHeaders = headersOf(Programs, map[string]Field{
		"项目": FieldName, "活动": FieldName,
		"项目类型": FieldType, "活动类型": FieldType, "类别": FieldType,
		"举办地": FieldCity, "举办地点": FieldCity,
	}, "项目负责人")
	regionHeaders = headersOf(Regions, map[string]Field{
		"地区": FieldName, "行政区划": FieldName,
		"地区类型": FieldType, "级别": FieldType, "层级": FieldType, "区划类型": FieldType,
		"所在地": FieldParent, "所属地区": FieldParent, "上级地区": FieldParent, "所属省份": FieldParent, "所属": FieldParent,
	})
)

// isRefKind reports whether k is a reference roster.
func isRefKind(k Kind) bool { return kindSpecs[k].subject != "" }

// ignoredHints explain, for a field a roster kind does not use, where its
// data belongs instead.
var ignoredHints = map[Kind]map[Field]string{
	Enterprises: {FieldCluster: "the graph links an enterprise to its chains (产业链) and a chain to its cluster: name the chain, and load chains with their clusters (a chains roster)"},
}

// typeProp is the property a reference roster's 类型 column fills.
var typeProp = map[castgraph.Kind]string{
	castgraph.KindPark:            "parkType",
	castgraph.KindOverseasStation: "stationType",
	castgraph.KindInstitution:     "institutionType",
	castgraph.KindProgram:         "kind",
	castgraph.KindRegion:          "regionType",
}

// synonym is a written form of an enumerated value: a cell equal to it
// (after folding) means value; with contains, a cell that holds it does.
type synonym struct {
	text     string
	value    string
	contains bool
}

// enumWords are how rosters write the values of the registry's enumerations,
// tried in order (the first that fits wins, so a longer form comes before a
// shorter one it contains). The values' own names (HIGH_TECH_ZONE) are read
// too.
var enumWords = map[string][]synonym{
	"scope": {
		{"省级", "PROVINCIAL", false}, {"省", "PROVINCIAL", false}, {"省级学会", "PROVINCIAL", false}, {"江苏省", "PROVINCIAL", false},
		{"国家级", "NATIONAL", false}, {"全国", "NATIONAL", true}, {"国家", "NATIONAL", false},
		{"国际", "INTERNATIONAL", true},
		{"联合体", "CONSORTIUM", true},
	},
	"parkType": {
		{"高新", "HIGH_TECH_ZONE", true},
		{"经济技术开发区", "ECONOMIC_DEVELOPMENT_ZONE", true}, {"经济开发区", "ECONOMIC_DEVELOPMENT_ZONE", true}, {"经开区", "ECONOMIC_DEVELOPMENT_ZONE", true},
		{"其他", "OTHER", false}, {"其它", "OTHER", false}, {"保税区", "OTHER", true}, {"产业园", "OTHER", true}, {"科技园", "OTHER", true}, {"工业园", "OTHER", true},
	},
	"stationType": {
		{"海智基地", "OVERSEAS_BASE", true}, {"基地", "OVERSEAS_BASE", true},
		{"联络站", "LIAISON_STATION", true},
		{"离岸", "OFFSHORE_INNOVATION_CENTER", true},
	},
	"institutionType": {
		{"智库", "THINK_TANK", true},
		{"科普教育基地", "EDUCATION_BASE", true}, {"教育基地", "EDUCATION_BASE", true}, {"科普基地", "EDUCATION_BASE", true},
		{"创新中心", "INNOVATION_CENTER", true},
		{"科研院所", "RESEARCH_INSTITUTE", true}, {"科研机构", "RESEARCH_INSTITUTE", true}, {"研究院", "RESEARCH_INSTITUTE", true}, {"研究所", "RESEARCH_INSTITUTE", true}, {"科研", "RESEARCH_INSTITUTE", true},
		{"高校", "UNIVERSITY", true}, {"高等院校", "UNIVERSITY", true}, {"大学", "UNIVERSITY", true}, {"学院", "UNIVERSITY", true},
		{"场馆", "VENUE", true}, {"科技馆", "VENUE", true}, {"展馆", "VENUE", true}, {"博物馆", "VENUE", true},
		{"媒体", "MEDIA", true}, {"报社", "MEDIA", true}, {"杂志社", "MEDIA", true}, {"出版社", "MEDIA", true},
		{"政府", "GOVERNMENT", true}, {"机关", "GOVERNMENT", true},
		{"其他", "OTHER", false}, {"其它", "OTHER", false},
	},
	"kind": {
		{"专项行动", "CAMPAIGN", true}, {"行动", "CAMPAIGN", true},
		{"奖", "AWARD", true},
		{"竞赛", "COMPETITION", true}, {"大赛", "COMPETITION", true}, {"比赛", "COMPETITION", true},
		{"活动", "EVENT", true}, {"会议", "EVENT", true}, {"论坛", "EVENT", true}, {"年会", "EVENT", true},
		{"出版物", "PUBLICATION", true}, {"期刊", "PUBLICATION", true}, {"刊物", "PUBLICATION", true}, {"图书", "PUBLICATION", true},
		{"平台", "PLATFORM", true},
		{"认定", "DESIGNATION", true}, {"称号", "DESIGNATION", true}, {"命名", "DESIGNATION", true},
		{"文件", "DOCUMENT", true}, {"通知", "DOCUMENT", true},
		{"项目", "PROGRAM", true}, {"计划", "PROGRAM", true}, {"工程", "PROGRAM", true}, {"专项", "PROGRAM", true},
	},
	"regionType": {
		{"国家", "COUNTRY", false}, {"国别", "COUNTRY", false},
		{"省", "PROVINCE", false}, {"省级", "PROVINCE", false}, {"自治区", "PROVINCE", false}, {"直辖市", "PROVINCE", false}, {"省份", "PROVINCE", false},
		{"市", "CITY", false}, {"地级市", "CITY", false}, {"设区市", "CITY", false}, {"地级", "CITY", false}, {"城市", "CITY", false},
		{"县", "COUNTY", false}, {"区", "COUNTY", false}, {"县级市", "COUNTY", false}, {"县级", "COUNTY", false}, {"县区", "COUNTY", false}, {"市辖区", "COUNTY", false}, {"县(市、区)", "COUNTY", false},
		{"乡", "TOWNSHIP", false}, {"镇", "TOWNSHIP", false}, {"乡镇", "TOWNSHIP", false}, {"街道", "TOWNSHIP", false}, {"乡级", "TOWNSHIP", false},
		{"区域", "AREA", false}, {"片区", "AREA", false}, {"经济区", "AREA", false},
	},
}

// parseEnum reads a cell as a value of the property's enumeration: the
// value's name, or a written form from enumWords.
func parseEnum(p *castgraph.PropSpec, cell string) (string, error) {
	v := strings.TrimSpace(norm.NFKC.String(cell))
	up := strings.ToUpper(strings.ReplaceAll(v, " ", "_"))
	for _, val := range p.Values {
		if up == val {
			return val, nil
		}
	}
	for _, s := range enumWords[p.Name] {
		if v == s.text || s.contains && strings.Contains(v, s.text) {
			return s.value, nil
		}
	}
	var known []string
	seen := map[string]bool{}
	for _, s := range enumWords[p.Name] {
		if !seen[s.value] {
			seen[s.value] = true
			known = append(known, s.text+" ("+s.value+")")
		}
	}
	return "", fmt.Errorf("%s %q is not one this import knows: write %s", p.Name, clip(cell), strings.Join(known, ", "))
}

// guessProps are the type properties a node created from a name alone
// gets when the name says it: 高新技术产业开发区 is a high-tech zone,
// 海智基地 an overseas base, 大学 a university. Only on creation, and only
// when no column gave the type.
func guessProps(kind castgraph.Kind, name string) map[string]any {
	switch kind {
	case castgraph.KindPark:
		switch {
		case strings.Contains(name, "高新"):
			return map[string]any{"parkType": "HIGH_TECH_ZONE"}
		case containsAny(name, "经济技术开发区", "经济开发区", "经开区"):
			return map[string]any{"parkType": "ECONOMIC_DEVELOPMENT_ZONE"}
		}
	case castgraph.KindOverseasStation:
		switch {
		case strings.Contains(name, "海智基地"):
			return map[string]any{"stationType": "OVERSEAS_BASE"}
		case strings.Contains(name, "联络站"):
			return map[string]any{"stationType": "LIAISON_STATION"}
		case strings.Contains(name, "离岸"):
			return map[string]any{"stationType": "OFFSHORE_INNOVATION_CENTER"}
		}
	case castgraph.KindInstitution:
		if t := institutionType(name); t != "" {
			return map[string]any{"institutionType": t}
		}
	case castgraph.KindSociety:
		if strings.Contains(name, "联合体") {
			return map[string]any{"scope": "CONSORTIUM"}
		}
	}
	return nil
}

// hostKinds are the kinds that may run a program (RUN_BY), in the order a
// name is tried; guessHostKind picks the one to create when none has it.
var hostKinds = []castgraph.Kind{castgraph.KindAssociation, castgraph.KindSociety, castgraph.KindInstitution, castgraph.KindEnterprise}

// guessKind picks, among kinds, the kind a missing name is created as:
// the one its name says (科协 an association, 学会 a society, 公司 an
// enterprise, else an institution) when allowed, else the first allowed.
func guessKind(name string, kinds []castgraph.Kind, allowed func(castgraph.Kind) bool) (castgraph.Kind, bool) {
	if len(kinds) > 1 {
		var want castgraph.Kind
		switch {
		case strings.Contains(name, "科协") || strings.Contains(name, "科学技术协会"):
			want = castgraph.KindAssociation
		case strings.Contains(name, "学会") || strings.Contains(name, "联合体"):
			want = castgraph.KindSociety
		default:
			want = guessEmployerKind(name)
		}
		for _, k := range kinds {
			if k == want && allowed(k) {
				return k, true
			}
		}
	}
	for _, k := range kinds {
		if allowed(k) {
			return k, true
		}
	}
	return "", false
}

// hostRole is the role a RUN_BY relationship takes from its column's
// header: 主办单位 → 主办, 承办单位 → 承办.
func hostRole(header string) string {
	h := normaliseHeader(header)
	for _, r := range []string{"主办", "承办", "牵头", "组织", "实施", "协办"} {
		if strings.HasPrefix(h, r) {
			return r
		}
	}
	return ""
}
