// Command build writes the example rosters of data/rosters: SYNTHETIC lists
// of experts, members, enterprises, station contacts and services in every
// format and encoding `castgraph import` reads, naming the societies,
// stations, parks, chains and cities of data/demo.json and data/plan2024.json.
// Every person and enterprise here is invented (organisation names carry
// 示例; credit codes pass the GB 32100-2015 check, with the organisation-code
// part D3M0…, as in the demo roster, so they are recognisably fake).
//
//	go run ./data/rosters/build
package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/castgraph/castgraph"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func main() {
	dir := "data/rosters"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	for name, content := range map[string][]byte{
		"experts-synthetic.xlsx":               expertsXLSX(),
		"enterprises-synthetic-gbk.csv":        gbk(enterprisesCSV()),
		"members-synthetic.tsv":                membersTSV(),
		"services-synthetic.jsonl":             servicesJSONL(),
		"liaisons-synthetic-bom.csv":           append([]byte("\ufeff"), liaisonsCSV()...),
		"experts-synthetic-bad-rows.csv":       badRowsCSV(),
		"experts-synthetic-custom-headers.csv": customCSV(),
		"experts-custom-headers.mapping.yaml":  []byte(mappingYAML),
		"societies-synthetic.csv":              societiesCSV(),
		"parks-synthetic.csv":                  parksCSV(),
		"stations-synthetic.csv":               stationsCSV(),
		"institutions-synthetic.csv":           institutionsCSV(),
		"clusters-synthetic.csv":               clustersCSV(),
		"chains-synthetic.csv":                 chainsCSV(),
		"programs-synthetic.jsonl":             programsJSONL(),
		"regions-synthetic.csv":                regionsCSV(),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("wrote %s (%d bytes)\n", filepath.Join(dir, name), len(content))
	}
}

// creditCode is a GB 32100-2015 code: 91 (enterprise), the division, the
// organisation code D3M0nnnn with its GB 11714 check digit, and the check
// character – the same recipe as data/tools/build_demo.py.
func creditCode(division string, seq int) string {
	body := fmt.Sprintf("D3M0%04d", seq)
	weights := []int{3, 7, 9, 10, 5, 8, 4, 2}
	s := 0
	for i, c := range body {
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
		}
		s += v * weights[i]
	}
	check := 11 - s%11
	org := map[int]string{10: "X", 11: "0"}[check]
	if org == "" {
		org = fmt.Sprint(check)
	}
	code17 := "91" + division + body + org
	return code17 + string(castgraph.CreditCodeCheckChar(code17))
}

func csvBytes(comma rune, rows [][]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = comma
	_ = w.WriteAll(rows)
	return b.Bytes()
}

func gbk(b []byte) []byte {
	out, err := simplifiedchinese.GBK.NewEncoder().Bytes(b)
	if err != nil {
		log.Fatal(err)
	}
	return out
}

// expertsXLSX: a workbook whose first sheet is a note, and whose second has
// a title row above Chinese headers; dates are Excel date cells.
func expertsXLSX() []byte {
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "说明")
	_ = f.SetCellValue("说明", "A1", "【合成数据】示例专家名单：人员与单位均为虚构，仅用于演示 castgraph import。名单在“专家名单”页。")
	sheet := "专家名单"
	if _, err := f.NewSheet(sheet); err != nil {
		log.Fatal(err)
	}
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	rows := [][]any{
		{"【合成数据】江苏省示例学会专家名单（虚构人员，演示用）"},
		{"姓名*", "工作单位", "职称", "院士", "研究领域", "所属学会", "入会时间", "所在城市"},
		{"陈立衡", "江苏示例大学", "教授", "是", "电力系统", "江苏省示例电力工程学会", 45017, "南京"},
		{"周慕远", "江苏示例药物研究院", "研究员", "中国工程院院士", "药物化学", "江苏省示例药学会", 44927, "无锡市"},
		{"许若晨", "江苏示例大学", "副教授", "否", "储能材料", "江苏省示例可再生能源学会、江苏省示例电力工程学会", 45200, "南京"},
		{"江沐阳", "南京示例储能科技有限公司", "高级工程师", "否", "电池管理系统", "中国示例动力电池学会", 45292, "南京"},
		{"顾清源", "苏州示例纳米技术研究所", "研究员", "否", "纳米材料", "", nil, "苏州"},
		{"方知远", "常州示例光伏材料有限责任公司", "正高级工程师", "否", "光伏材料", "江苏省示例可再生能源学会", 45366, "常州"},
		{"唐若溪", "示例海洋装备研究中心", "研究员", "否", "海洋工程装备", "江苏省示例机械工程学会", 45000, "南通"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			log.Fatal(err)
		}
	}
	_ = f.SetCellStyle(sheet, "G3", fmt.Sprintf("G%d", len(rows)), date)
	f.SetActiveSheet(1)
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

func enterprisesCSV() []byte {
	return csvBytes(',', [][]string{
		{"企业名称", "统一社会信用代码", "所在城市", "所在园区", "产业链", "企业类型"},
		// A demo enterprise, spelled 有限责任公司, with its demo code: the same node.
		{"南京示例智能电网装备有限责任公司", "91320115D3M0000146", "南京市", "南京示例高新技术产业开发区", "特高压设备", "高新技术企业"},
		{"南京示例储能科技有限公司", creditCode("320115", 201), "南京", "南京示例高新技术产业开发区", "动力电池", "科技型中小企业"},
		{"无锡示例智能传感有限公司", creditCode("320214", 202), "无锡", "无锡示例高新技术产业开发区", "车联网、工业机器人", "专精特新中小企业"},
		{"苏州示例精密制造股份有限公司", creditCode("320505", 203), "苏州", "苏州示例经济技术开发区", "工业机器人", "高新技术企业"},
		{"常州示例光伏材料有限责任公司", creditCode("320411", 204), "常州", "", "晶硅光伏", "科技型中小企业"},
		{"徐州示例液压件有限公司", creditCode("320312", 205), "徐州", "徐州示例经济技术开发区", "起重机", "专精特新中小企业"},
	})
}

func membersTSV() []byte {
	return csvBytes('\t', [][]string{
		{"姓名", "学会", "职务", "入会时间"},
		{"陈立衡", "江苏省示例电力工程学会", "副理事长", "2023/4/1"},
		{"许若晨", "江苏省示例可再生能源学会", "理事", "2023年10月1日"},
		{"江沐阳", "中国示例动力电池学会", "会员", "2024.1.1"},
		{"韩启铭", "江苏省示例机械工程学会", "理事长", "2022-06-01"},
	})
}

func servicesJSONL() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for _, r := range []map[string]any{
		{"专家姓名": "陈立衡", "工作单位": "江苏示例大学", "服务企业": "南京示例储能科技有限公司", "统一社会信用代码": creditCode("320115", 201), "服务方式": "万名专家进万企", "开始时间": "2024-04-01"},
		{"专家姓名": "许若晨", "工作单位": "江苏示例大学", "服务企业": "南京示例储能科技有限公司", "服务方式": "示例新能源专业科技服务团", "开始时间": "2024-05-01", "服务角色": "技术顾问"},
		{"专家姓名": "方知远", "工作单位": "常州示例光伏材料有限责任公司", "服务企业": "常州示例光伏材料有限公司", "统一社会信用代码": "91320411D3M0001105", "服务方式": "万名专家进万企"},
		{"专家姓名": "唐若溪", "工作单位": "示例海洋装备研究中心", "服务企业": "南通示例海上风电装备有限公司", "服务方式": "万名专家进万企", "开始时间": 45413},
	} {
		if err := enc.Encode(r); err != nil {
			log.Fatal(err)
		}
	}
	return b.Bytes()
}

func liaisonsCSV() []byte {
	return csvBytes(',', [][]string{
		{"姓名", "联络站", "国家", "职务", "研究领域", "工作单位"},
		{"许文博", "江苏省科协示例海智基地(慕尼黑)", "德国", "联络专家", "电力电子", "德国示例工业大学"},
		{"林晚舟", "江苏省科协示例海外联络站（柏林）", "德国", "站长", "智能制造", "柏林示例应用技术大学"},
		{"叶知秋", "江苏示例离岸创新中心（波士顿）", "美国", "联络专家", "生物医药", "波士顿示例研究所"},
	})
}

// badRowsCSV has a good row and one row for each kind of error.
func badRowsCSV() []byte {
	return csvBytes(',', [][]string{
		{"姓名", "工作单位", "职称", "院士", "所属学会", "入会时间", "所在城市", "备注"},
		{"沈星河", "江苏示例大学", "教授", "否", "江苏省示例自动化学会", "2023-09-01", "南京", "正常行"},
		{"", "江苏示例大学", "教授", "否", "江苏省示例自动化学会", "2023-09-01", "南京", "缺姓名 → REQUIRED"},
		{"秦远山", "江苏示例大学", "教授", "也许", "江苏省示例自动化学会", "2023-09-01", "南京", "院士不是是/否 → BAD_BOOLEAN"},
		{"白露", "江苏示例大学", "讲师", "否", "江苏省示例自动化学会", "2023-02-30", "南京", "没有2月30日 → BAD_DATE"},
		{"孟川", "江苏示例大学", "教授", "否", "江苏省示例不存在学会", "2023-09-01", "南京", "学会不存在 → REFERENCE_NOT_FOUND"},
		{"沈星河", "江苏示例大学", "教授", "否", "江苏省示例自动化学会", "2023-09-01", "南京", "与第2行重复 → DUPLICATE_ROW"},
		{"王建华", "", "教授", "否", "", "", "南京", "演示数据中有两位王建华且未给单位 → AMBIGUOUS_REFERENCE"},
		{"贺兰", "江苏示例大学", "教授", "否", "", "", "火星", "城市不存在 → REFERENCE_NOT_FOUND"},
	})
}

func customCSV() []byte {
	return csvBytes(',', [][]string{
		{"专家名", "单位全称", "技术职务", "学会（全称）", "备注"},
		{"柳如岸", "江苏省示例产业技术研究院", "研究员", "中国示例动力电池学会", "演示用映射文件"},
	})
}

const mappingYAML = `# 【合成数据】A mapping file for experts-synthetic-custom-headers.csv: the
# file's headers (left) to castgraph's fields (right); "-" ignores a column.
专家名: name
单位全称: employer
技术职务: title
学会（全称）: society
备注: "-"
`

// The reference rosters name only what data/demo.json and data/plan2024.json
// hold (and, in regions, a place another row of the file defines), so that
// each checks alone against them.

func societiesCSV() []byte {
	return csvBytes(',', [][]string{
		{"学会名称", "简称", "级别", "学科类别", "业务主管单位", "所在地", "上级学会", "简介"},
		// A demo society: its short name is added, its scope and guide set.
		{"江苏省示例机械工程学会", "示例机械学会", "省级", "工科", "江苏省科协", "南京", "", ""},
		{"江苏省示例人工智能学会", "示例智能学会", "省级", "交叉学科", "江苏省科学技术协会", "南京市", "", "【合成数据】示例学会"},
		{"江苏省示例储能学会", "", "省级", "工科", "省科协", "苏州", "江苏省示例新能源学会联合体", "【合成数据】示例学会"},
	})
}

func parksCSV() []byte {
	return csvBytes(',', [][]string{
		{"园区名称", "类型", "级别", "所在地"},
		{"南通示例高新技术产业开发区", "高新区", "国家级", "南通"},
		{"盐城示例经济开发区", "经开区", "省级", "盐城市"},
	})
}

func stationsCSV() []byte {
	return csvBytes(',', [][]string{
		{"联络站名称", "类型", "所在国家", "站长", "网址"},
		{"江苏省科协示例海外联络站（伦敦）", "海外联络站", "英国", "沈示例", "https://example.org/london"},
		{"江苏示例离岸创新中心（硅谷）", "", "美国", "", ""},
	})
}

func institutionsCSV() []byte {
	return csvBytes(',', [][]string{
		{"机构名称", "机构类型", "业务主管单位", "所在地", "所在园区"},
		{"江苏省示例科技智库", "智库", "江苏省科协", "南京", ""},
		{"南京示例新型研发机构", "创新中心", "", "南京", "南京示例高新技术产业开发区"},
	})
}

func clustersCSV() []byte {
	return csvBytes(',', [][]string{
		{"集群名称", "所在地", "简介"},
		{"示例低空经济", "南京", "【合成数据】示例集群"},
	})
}

func chainsCSV() []byte {
	return csvBytes(',', [][]string{
		{"产业链名称", "所属集群", "简称"},
		{"示例新型储能", "新型电力（新能源）装备", "示例储能"},
		{"示例工业母机", "高端装备", ""},
		{"示例智能传感器", "物联网", ""},
	})
}

func programsJSONL() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for _, r := range []map[string]any{
		{"项目名称": "江苏省示例青年科技创新大赛", "类型": "竞赛", "年度": 2024, "主办单位": []string{"江苏省科协"}, "承办单位": "江苏省示例机械工程学会"},
		{"项目名称": "示例科技服务专项行动", "类型": "专项行动", "年度": "2024年", "主办单位": "江苏省科协", "举办地": "苏州"},
	} {
		if err := enc.Encode(r); err != nil {
			log.Fatal(err)
		}
	}
	return b.Bytes()
}

func regionsCSV() []byte {
	return csvBytes(',', [][]string{
		{"地区名称", "类型", "上级", "简称"},
		// The parent of a row may be another row of the file.
		{"南京示例新区", "区域", "南京市", "示例新区"},
		{"示例街道", "街道", "南京示例新区", ""},
	})
}
