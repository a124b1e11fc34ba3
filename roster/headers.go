package roster

import "github.com/castgraph/castgraph"

// The headers an export writes: for each node kind, the roster that imports
// it and, for each of the kind's GraphQL fields a roster reads, the one
// Chinese header written for it. A file exported with these headers is read
// back by Import as the same roster, field for field (headers_test.go checks
// every header against builtinField and detectKind), so an analyst can edit
// an exported roster in Excel and import it again.
var exportHeaders = map[castgraph.Kind]struct {
	roster  Kind
	headers map[string]string // GraphQL field name or roster field name -> header
}{
	castgraph.KindExpert: {Experts, map[string]string{
		"name": "姓名", "disambiguation": "区分", "title": "职称", "academician": "院士", "field": "研究领域",
		"affiliations": "工作单位", "employer": "工作单位", "employerType": "单位类型",
		"memberOf": "所属学会", "society": "所属学会", "role": "职务", "since": "入会时间", "until": "结束时间",
		"locatedIn": "所在城市", "city": "所在城市",
		"gender": "性别", "birthMonth": "出生年月", "phone": "手机", "email": "电子邮箱",
	}},
	castgraph.KindEnterprise: {Enterprises, map[string]string{
		"name": "企业名称", "creditCode": "统一社会信用代码", "category": "企业类型",
		"locatedIn": "所在地", "city": "所在地", "park": "所在园区",
		"chains": "产业链", "chain": "产业链", "clusters": "所属集群", "cluster": "所属集群",
	}},
	castgraph.KindSociety: {Societies, map[string]string{
		"name": "学会名称", "aliases": "别名", "description": "简介", "scope": "级别", "level": "级别",
		"field": "领域", "guidedBy": "业务主管单位", "locatedIn": "所在地", "city": "所在地",
		"memberOf": "上级学会", "parent": "上级学会",
	}},
	castgraph.KindPark: {Parks, map[string]string{
		"name": "园区名称", "aliases": "别名", "description": "简介", "parkType": "类型", "type": "类型",
		"level": "级别", "locatedIn": "所在地", "city": "所在地",
	}},
	castgraph.KindOverseasStation: {Stations, map[string]string{
		"name": "联络站名称", "aliases": "别名", "description": "简介", "stationType": "类型", "type": "类型",
		"country": "国家", "city": "所在城市",
	}},
	castgraph.KindInstitution: {Institutions, map[string]string{
		"name": "机构名称", "aliases": "别名", "description": "简介", "institutionType": "类型", "type": "类型",
		"guidedBy": "业务主管单位", "locatedIn": "所在地", "city": "所在地", "park": "所在园区",
	}},
	castgraph.KindIndustryCluster: {Clusters, map[string]string{
		"name": "集群名称", "aliases": "别名", "description": "简介", "locatedIn": "所在地", "city": "所在地",
	}},
	castgraph.KindIndustryChain: {Chains, map[string]string{
		"name": "产业链名称", "aliases": "别名", "description": "简介", "partOf": "所属集群", "cluster": "所属集群",
	}},
	castgraph.KindProgram: {Programs, map[string]string{
		"name": "项目名称", "aliases": "别名", "description": "简介", "kind": "类型", "type": "类型", "year": "年度",
		"runBy": "主办单位", "host": "主办单位", "locatedIn": "所在地", "city": "所在地",
	}},
	castgraph.KindRegion: {Regions, map[string]string{
		"name": "地区名称", "aliases": "别名", "description": "简介", "regionType": "类型", "type": "类型",
		"locatedIn": "上级", "parent": "上级",
	}},
}

// ExportHeader is the Chinese header the roster importer reads for field of
// a node kind: field is a GraphQL field of the kind (title, creditCode,
// memberOf, affiliations …) or the name of a roster field (employer,
// society, city, park …, as an alias in a query may say). False when no
// roster of the kind takes the field (id, provenance, a kind without a
// roster): an export then keeps the field's GraphQL name.
func ExportHeader(kind castgraph.Kind, field string) (string, bool) {
	h, ok := exportHeaders[kind].headers[field]
	return h, ok
}

// ExportRoster is the roster kind that imports an export of node kind: a
// list of experts is an expert roster, of societies a society roster.
func ExportRoster(kind castgraph.Kind) (Kind, bool) {
	e, ok := exportHeaders[kind]
	return e.roster, ok
}
