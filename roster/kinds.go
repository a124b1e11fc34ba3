package roster

import (
	"fmt"
	"slices"
	"strings"

	"github.com/castgraph/castgraph"
	"golang.org/x/text/unicode/norm"
)

// Kind is the type of a roster: what one row says.
type Kind string

// The roster kinds.
const (
	// Experts: one expert a row, with employer, societies and city.
	Experts Kind = "experts"
	// Members: a society's member list – an expert and the society a row.
	Members Kind = "members"
	// Enterprises: one enterprise a row, with credit code, city, park, chains.
	Enterprises Kind = "enterprises"
	// Liaisons: overseas-station contacts – an expert and the station a row.
	Liaisons Kind = "liaisons"
	// Services: expert-to-enterprise service assignments (万名专家进万企,
	// service teams) – an expert and the enterprise served a row.
	Services Kind = "services"
)

// Kinds lists the roster kinds: the rosters of people and enterprises, then
// those of reference data (refkinds.go).
var Kinds = []Kind{Experts, Members, Enterprises, Liaisons, Services,
	Societies, Parks, Stations, Institutions, Clusters, Chains, Programs, Regions}

// ParseKind reads a roster kind, in English (singular or plural) or Chinese.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return "", nil
	case "experts", "expert", "专家", "专家名单":
		return Experts, nil
	case "members", "member", "society-members", "会员", "会员名单", "学会会员":
		return Members, nil
	case "enterprises", "enterprise", "企业", "企业名单":
		return Enterprises, nil
	case "liaisons", "liaison", "contacts", "station-contacts", "联络人", "联络专家", "海外联络站":
		return Liaisons, nil
	case "services", "service", "assignments", "服务", "服务企业", "万名专家进万企":
		return Services, nil
	}
	if k, ok := parseRefKind(s); ok {
		return k, nil
	}
	return "", castgraph.Errorf(castgraph.EINVALID, "kind", "unknown roster kind %q: want one of %s", s, kindList())
}

func kindList() string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// Field is what a column holds, whatever its header says.
type Field string

// The fields a roster column can map to. Mapping files name these.
const (
	FieldName           Field = "name"           // the row's subject: the expert, or the enterprise of an enterprise list
	FieldDisambiguation Field = "disambiguation" // tells apart experts of one name (default: the employer)
	FieldTitle          Field = "title"          // 职称
	FieldAcademician    Field = "academician"    // 院士: yes/no
	FieldField          Field = "field"          // 研究领域
	FieldEmployer       Field = "employer"       // 工作单位
	FieldEmployerType   Field = "employerType"   // 单位类型: enterprise or institution
	FieldSociety        Field = "society"        // 所属学会 (several allowed in expert lists)
	FieldRole           Field = "role"           // 职务: on the row's main relationship
	FieldSince          Field = "since"          // 入会时间 / 开始时间: on the row's main relationship
	FieldUntil          Field = "until"          // 结束时间
	FieldCity           Field = "city"           // 所在城市
	FieldCreditCode     Field = "creditCode"     // 统一社会信用代码
	FieldCategory       Field = "category"       // 企业类型
	FieldPark           Field = "park"           // 所在园区
	FieldChain          Field = "chain"          // 产业链 (several allowed; a cluster's name links the cluster)
	FieldCluster        Field = "cluster"        // 所属集群: an enterprise's clusters (IN_CLUSTER, several allowed); the cluster a chain is PART_OF
	FieldStation        Field = "station"        // 联络站
	FieldCountry        Field = "country"        // 国家
	FieldEnterprise     Field = "enterprise"     // 服务企业
	FieldVia            Field = "via"            // 服务方式/服务团
	// The person's personal information (castgraph's personal properties):
	// read only from rosters of people, validated by the registry's rules.
	FieldGender     Field = "gender"     // 性别: 男 / 女
	FieldBirthMonth Field = "birthMonth" // 出生年月 (a full 出生日期 gives its month)
	FieldPhone      Field = "phone"      // 手机 / 联系电话
	FieldEmail      Field = "email"      // 电子邮箱
	// The fields of reference rosters (refkinds.go).
	FieldAliases     Field = "aliases"     // 简称, 别名 (several allowed)
	FieldDescription Field = "description" // 简介 (set on nodes the import creates)
	FieldType        Field = "type"        // 类型: the kind's type property (parkType, stationType …)
	FieldLevel       Field = "level"       // 级别: a society's scope, a park's level
	FieldYear        Field = "year"        // 年度: a program's year
	FieldGuide       Field = "guidedBy"    // 业务主管单位: the association that GUIDES the subject
	FieldParent      Field = "parent"      // 上级: the region a region lies in, the consortium of a society
	FieldHost        Field = "host"        // 主办单位: who runs a program (RUN_BY; several allowed)
	FieldPerson      Field = "person"      // 理事长, 站长, 负责人: a person of the organisation, the header the role (several allowed)
	// FieldIgnore drops a column (mapping files: "-" or "").
	FieldIgnore Field = "-"
)

// Fields lists every field a mapping may name.
var Fields = []Field{FieldName, FieldDisambiguation, FieldTitle, FieldAcademician, FieldField, FieldEmployer,
	FieldEmployerType, FieldSociety, FieldRole, FieldSince, FieldUntil, FieldCity, FieldCreditCode, FieldCategory,
	FieldPark, FieldChain, FieldStation, FieldCountry, FieldEnterprise, FieldVia,
	FieldGender, FieldBirthMonth, FieldPhone, FieldEmail,
	FieldAliases, FieldDescription, FieldType, FieldLevel, FieldYear, FieldGuide, FieldParent, FieldCluster, FieldHost, FieldPerson}

// aliases are the built-in headers of each field, compared after
// normaliseHeader. Headers that mean different things in different rosters
// (企业名称 is the subject of an enterprise list but the enterprise served in
// a service list) are resolved per kind in headerAliases.
var aliases = map[Field][]string{
	FieldName:           {"name", "姓名", "专家姓名", "专家", "人员姓名", "会员姓名", "联络人", "联络人姓名", "联系人", "联系人姓名", "服务专家", "专家名称"},
	FieldDisambiguation: {"disambiguation", "区分", "消歧", "区分标识"},
	FieldTitle:          {"title", "职称", "专业技术职称", "技术职称", "职称等级"},
	FieldAcademician:    {"academician", "院士", "是否院士", "院士称号", "院士类别"},
	FieldField:          {"field", "研究领域", "专业领域", "研究方向", "专业", "领域", "学科领域", "专业方向"},
	FieldEmployer:       {"employer", "工作单位", "单位", "所在单位", "任职单位", "工作单位名称", "所属单位", "单位名称"},
	FieldEmployerType:   {"employertype", "单位类型", "单位性质"},
	FieldSociety:        {"society", "所属学会", "学会", "学会名称", "入会学会"},
	FieldRole:           {"role", "职务", "角色", "学会职务", "会内职务", "会员类型", "会员类别", "担任职务", "服务角色", "身份"},
	FieldSince:          {"since", "入会时间", "入会日期", "加入时间", "开始时间", "开始日期", "起始时间", "起始日期", "服务开始时间", "聘任时间", "聘任日期"},
	FieldUntil:          {"until", "结束时间", "结束日期", "截止时间", "截止日期", "终止时间", "到期时间"},
	FieldCity:           {"city", "所在城市", "城市", "所在地", "所在地区", "地区", "所在市", "设区市", "所属地区", "注册地", "注册地区", "所属城市", "所在区县", "区县"},
	FieldCreditCode:     {"creditcode", "统一社会信用代码", "社会信用代码", "信用代码", "企业信用代码", "统一信用代码"},
	FieldCategory:       {"category", "企业类型", "企业类别", "类别", "企业分类"},
	FieldPark:           {"park", "所在园区", "园区", "所属园区", "园区名称"},
	FieldChain:          {"chain", "产业链", "所属产业链", "产业链条"},
	FieldCluster:        {"cluster", "所属集群", "产业集群", "集群", "先进制造业集群", "所属产业集群"},
	FieldStation:        {"station", "联络站", "海外联络站", "所属站点", "站点", "联络站名称", "海智基地", "所属联络站", "站点名称"},
	FieldCountry:        {"country", "国家", "所在国家", "国别", "国家/地区", "国家地区"},
	FieldEnterprise:     {"enterprise", "服务企业", "受服务企业", "服务对象", "对接企业", "企业"},
	FieldVia:            {"via", "服务方式", "服务团", "服务方式/服务团", "服务途径", "服务渠道", "服务项目", "所属服务团"},
	FieldGender:         {"gender", "性别", "sex"},
	FieldBirthMonth:     {"birthmonth", "出生年月", "出生日期", "出生年月日", "出生时间", "生日", "birthdate", "dateofbirth", "birthday", "dob"},
	FieldPhone:          {"phone", "手机", "手机号", "手机号码", "联系电话", "电话", "电话号码", "移动电话", "办公电话", "mobile", "telephone", "tel", "phonenumber"},
	FieldEmail:          {"email", "电子邮箱", "邮箱", "电子邮件", "电子信箱", "邮件", "邮箱地址", "e-mail", "mail", "emailaddress"},
	FieldAliases:        {"aliases", "简称", "别名", "曾用名", "其他名称", "又名", "英文名称", "英文名", "外文名称", "alias"},
	FieldDescription:    {"description", "简介", "介绍", "描述", "概况", "基本情况", "主要职能"},
	FieldType:           {"type", "类型"},
	FieldLevel:          {"level", "级别", "等级"},
	FieldYear:           {"year", "年度", "年份"},
	FieldGuide:          {"guidedby", "业务主管单位", "主管单位", "业务指导单位", "业务主管部门"},
	FieldParent:         {"parent", "上级", "上级单位", "上级地区", "上级区划"},
	FieldHost:           {"host", "主办单位", "承办单位", "牵头单位", "组织单位", "实施单位", "主办方", "主办", "承办"},
	FieldPerson:         {"person", "负责人", "负责人姓名"},
}

// kindAliases are headers whose field depends on the roster kind.
var kindAliases = map[Kind]map[string]Field{
	Enterprises: {"企业名称": FieldName, "企业": FieldName, "名称": FieldName, "单位名称": FieldName},
	Services:    {"企业名称": FieldEnterprise, "专家姓名": FieldName},
	// Reference rosters (refkinds.go).
	Societies: societyHeaders, Parks: parkHeaders, Stations: stationHeaders, Institutions: institutionHeaders,
	Clusters: clusterHeaders, Chains: chainHeaders, Programs: programHeaders, Regions: regionHeaders,
}

// normaliseHeader folds the spellings of a header: width, case, spaces,
// and the required-field marks that templates add (*, （必填）).
func normaliseHeader(h string) string {
	h = norm.NFKC.String(strings.TrimPrefix(h, "\ufeff"))
	for _, mark := range []string{"(必填)", "(选填)", "(可选)", "*", "＊"} {
		h = strings.ReplaceAll(h, mark, "")
	}
	h = strings.Join(strings.Fields(h), "")
	return strings.ToLower(h)
}

// builtinField returns the built-in field of a header for a kind.
func builtinField(kind Kind, header string) (Field, bool) {
	h := normaliseHeader(header)
	if f, ok := kindAliases[kind][h]; ok {
		return f, true
	}
	for f, list := range aliases {
		if slices.Contains(list, h) {
			if f == FieldName && isRefKind(kind) {
				// A person's name (联系人) in a list of organisations is
				// not the organisation's name: unknown, and reported so.
				return "", false
			}
			return f, true
		}
	}
	return "", false
}

// ParseField reads a field name as mapping files give it.
func ParseField(s string) (Field, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "-" || strings.EqualFold(s, "ignore") {
		return FieldIgnore, nil
	}
	for _, f := range Fields {
		if strings.EqualFold(string(f), s) {
			return f, nil
		}
	}
	// A mapping may also name a field by one of its Chinese headers.
	for f, list := range aliases {
		if slices.Contains(list, normaliseHeader(s)) {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown field %q", s)
}

// kindSpec says what a roster kind requires and allows.
type kindSpec struct {
	required []Field
	allowed  []Field
	// main is the relationship that role, since and until describe.
	main castgraph.RelType
	// subject is the node kind a reference roster's rows are about (empty
	// for the rosters of people and enterprises).
	subject castgraph.Kind
}

// personalFields are the personal columns every roster of people may have.
var personalFields = []Field{FieldGender, FieldBirthMonth, FieldPhone, FieldEmail}

var kindSpecs = map[Kind]kindSpec{
	Experts: {required: []Field{FieldName},
		allowed: append([]Field{FieldDisambiguation, FieldTitle, FieldAcademician, FieldField, FieldEmployer, FieldEmployerType, FieldSociety, FieldRole, FieldSince, FieldUntil, FieldCity}, personalFields...),
		main:    castgraph.RelMemberOf},
	Members: {required: []Field{FieldName, FieldSociety},
		allowed: append([]Field{FieldDisambiguation, FieldTitle, FieldAcademician, FieldField, FieldEmployer, FieldEmployerType, FieldRole, FieldSince, FieldUntil, FieldCity}, personalFields...),
		main:    castgraph.RelMemberOf},
	Enterprises: {required: []Field{FieldName},
		allowed: []Field{FieldCreditCode, FieldCategory, FieldCity, FieldPark, FieldChain, FieldCluster}},
	Liaisons: {required: []Field{FieldName, FieldStation},
		allowed: append([]Field{FieldDisambiguation, FieldTitle, FieldAcademician, FieldField, FieldEmployer, FieldEmployerType, FieldRole, FieldSince, FieldUntil, FieldCountry}, personalFields...),
		main:    castgraph.RelLiaisonOf},
	Services: {required: []Field{FieldName, FieldEnterprise},
		allowed: append([]Field{FieldDisambiguation, FieldTitle, FieldAcademician, FieldField, FieldEmployer, FieldEmployerType, FieldCreditCode, FieldRole, FieldVia, FieldSince, FieldUntil}, personalFields...),
		main:    castgraph.RelServes},
	// Reference rosters: one node of the kind a row (refkinds.go says what
	// each field becomes).
	Societies: {required: []Field{FieldName}, subject: castgraph.KindSociety,
		allowed: []Field{FieldAliases, FieldDescription, FieldType, FieldLevel, FieldField, FieldGuide, FieldParent, FieldCity, FieldPerson}},
	Parks: {required: []Field{FieldName}, subject: castgraph.KindPark,
		allowed: []Field{FieldAliases, FieldDescription, FieldType, FieldLevel, FieldCity}},
	Stations: {required: []Field{FieldName}, subject: castgraph.KindOverseasStation,
		allowed: []Field{FieldAliases, FieldDescription, FieldType, FieldCountry, FieldCity, FieldPerson}},
	Institutions: {required: []Field{FieldName}, subject: castgraph.KindInstitution,
		allowed: []Field{FieldAliases, FieldDescription, FieldType, FieldGuide, FieldCity, FieldPark, FieldPerson}},
	Clusters: {required: []Field{FieldName}, subject: castgraph.KindIndustryCluster,
		allowed: []Field{FieldAliases, FieldDescription, FieldCity}},
	Chains: {required: []Field{FieldName}, subject: castgraph.KindIndustryChain,
		allowed: []Field{FieldAliases, FieldDescription, FieldCluster}},
	Programs: {required: []Field{FieldName, FieldType}, subject: castgraph.KindProgram,
		allowed: []Field{FieldAliases, FieldDescription, FieldYear, FieldHost, FieldCity, FieldPerson}},
	Regions: {required: []Field{FieldName}, subject: castgraph.KindRegion,
		allowed: []Field{FieldAliases, FieldDescription, FieldType, FieldParent}},
}

// detectKind guesses the roster kind from the fields its headers map to.
// A header that names the subject of a reference roster (学会名称, 园区名称,
// 联络站名称, 机构名称, 产业链名称, 集群名称, 项目名称, 地区名称) without a
// person's name (姓名; a contact person, 联系人, may be there) or an
// enterprise's (企业名称: an enterprise list may give its 园区名称) makes that
// roster – a chain list first, as it may name its cluster (集群名称), then
// clusters, stations, parks, societies, institutions, programs, regions.
// Otherwise: a station column makes a contact list; a person with an
// enterprise served or a service mode a service list; an enterprise name or
// credit code without a person an enterprise list; a person, a society and a
// role or date of joining, with nothing else about the person (no title,
// employer, field or academician), a member list; any other list of people
// an expert list. Members and experts are written alike; a member list only
// requires the society.
func detectKind(headers []string) (Kind, bool) {
	has := map[Field]bool{}
	enterpriseName, person, enterprise := false, false, false
	named := map[Kind]bool{}
	for _, h := range headers {
		n := normaliseHeader(h)
		switch n {
		case "企业名称", "名称", "企业":
			enterpriseName = true
			enterprise = enterprise || n != "名称"
		}
		if slices.Contains(personHeaders, n) {
			person = true
		}
		for _, k := range refDetectOrder {
			if slices.Contains(refNameHeaders[k], n) {
				named[k] = true
			}
		}
		if f, ok := builtinField("", h); ok {
			has[f] = true
		}
	}
	if !person && !enterprise {
		for _, k := range refDetectOrder {
			if named[k] {
				return k, true
			}
		}
	}
	switch {
	case has[FieldStation]:
		return Liaisons, true
	case has[FieldName] && (has[FieldEnterprise] || has[FieldVia] || enterpriseName):
		return Services, true
	case !has[FieldName] && (enterpriseName || has[FieldCreditCode]):
		return Enterprises, true
	case has[FieldName] && has[FieldSociety] && (has[FieldRole] || has[FieldSince]) &&
		!has[FieldAcademician] && !has[FieldField] && !has[FieldTitle] && !has[FieldEmployer]:
		return Members, true
	case has[FieldName]:
		return Experts, true
	}
	return "", false
}
