package castgraph

// Display names of the registry in Chinese and English, for people rather
// than programs: the graph explorer's legend, filters and side panel, and
// the column headers of spreadsheets exported from the graph. They live here,
// beside the kinds and types they name, so that every user interface says
// the same thing and a new kind or type cannot ship without its names
// (labels_test.go fails until it has them).

// Label is a display name in Chinese (the default) and in English.
type Label struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

var kindLabels = map[Kind]Label{
	KindPlan:            {"工作要点", "Work plan"},
	KindPlanSection:     {"要点篇章", "Plan section"},
	KindPlanItem:        {"工作事项", "Plan item"},
	KindAssociation:     {"科协", "Association"},
	KindSociety:         {"学会", "Society"},
	KindExpert:          {"专家", "Expert"},
	KindOverseasStation: {"海外联络站", "Overseas station"},
	KindEnterprise:      {"企业", "Enterprise"},
	KindPark:            {"园区", "Park"},
	KindInstitution:     {"机构", "Institution"},
	KindIndustryCluster: {"产业集群", "Industry cluster"},
	KindIndustryChain:   {"产业链", "Industry chain"},
	KindRegion:          {"地区", "Region"},
	KindProgram:         {"项目活动", "Program"},
}

var relLabels = map[RelType]Label{
	RelMemberOf:       {"会员", "Member of"},
	RelAffiliatedWith: {"任职", "Affiliated with"},
	RelServes:         {"服务", "Serves"},
	RelLiaisonOf:      {"联络", "Liaison of"},
	RelInChain:        {"所属产业链", "In chain"},
	RelInCluster:      {"所属集群", "In cluster"},
	RelPartOf:         {"隶属", "Part of"},
	RelLocatedIn:      {"位于", "Located in"},
	RelCooperatesWith: {"合作", "Cooperates with"},
	RelLaunches:       {"启动", "Launches"},
	RelRunBy:          {"主办", "Run by"},
	RelParticipatesIn: {"参与", "Participates in"},
	RelAwarded:        {"获奖", "Awarded"},
	RelGuides:         {"指导", "Guides"},
	RelConcerns:       {"涉及", "Concerns"},
}

// propLabels names the properties of nodes and relationships. A property
// name means one thing whatever the kind (see RelationProps), so one label
// serves every kind that has it.
var propLabels = map[string]Label{
	"id":              {"编号", "Id"},
	"name":            {"名称", "Name"},
	"aliases":         {"别名", "Aliases"},
	"description":     {"简介", "Description"},
	"year":            {"年份", "Year"},
	"issuedOn":        {"印发日期", "Issued on"},
	"publishedOn":     {"发布日期", "Published on"},
	"number":          {"序号", "Number"},
	"text":            {"全文", "Text"},
	"level":           {"级别", "Level"},
	"scope":           {"范围", "Scope"},
	"field":           {"领域", "Field"},
	"title":           {"职称", "Title"},
	"academician":     {"院士", "Academician"},
	"disambiguation":  {"区分信息", "Disambiguation"},
	"needsReview":     {"待审核", "Needs review"},
	"position":        {"次序", "Position"},
	"code":            {"区划代码", "Division code"},
	"gender":          {"性别", "Gender"},
	"birthMonth":      {"出生年月", "Birth month"},
	"phone":           {"联系电话", "Phone"},
	"email":           {"电子邮箱", "E-mail"},
	"stationType":     {"站点类型", "Station type"},
	"creditCode":      {"统一社会信用代码", "Credit code"},
	"category":        {"类别", "Category"},
	"parkType":        {"园区类型", "Park type"},
	"institutionType": {"机构类型", "Institution type"},
	"regionType":      {"地区类型", "Region type"},
	"kind":            {"类型", "Kind"},
	"role":            {"角色", "Role"},
	"since":           {"起始", "Since"},
	"until":           {"截止", "Until"},
	"via":             {"途径", "Via"},
}

// Label returns the kind's display names; an unknown kind gets its own name
// in both languages.
func (k Kind) Label() Label {
	if l, ok := kindLabels[k]; ok {
		return l
	}
	return Label{string(k), string(k)}
}

// Label returns the relationship type's display names; an unknown type gets
// its own name in both languages.
func (t RelType) Label() Label {
	if l, ok := relLabels[t]; ok {
		return l
	}
	return Label{string(t), string(t)}
}

// PropLabel returns the display names of a property of a node or a
// relationship (and of the fields every node has: id, name, aliases,
// description); an unknown name is returned as it is.
func PropLabel(name string) Label {
	if l, ok := propLabels[name]; ok {
		return l
	}
	return Label{name, name}
}
