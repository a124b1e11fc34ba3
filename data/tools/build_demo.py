#!/usr/bin/env python3
"""Generate data/demo.json: a small SYNTHETIC demo roster.

Everything here is invented for demonstration (people, enterprises, parks,
societies, stations). Organisation names carry 示例; every description starts
with 【合成数据】. Enterprise credit codes are generated so that they satisfy the
GB 32100-2015 check character (and the embedded GB 11714 organisation-code
check digit); their organisation-code part starts with "D3M0" so they are easy
to recognise as fake.

Ids from plan2024.json (programs, chains, clusters, 江苏省科协) and
regions-jiangsu.json (cities, one county) are referenced. Every one of the 16
clusters has an enterprise that an expert serves – through a chain (IN_CHAIN)
or tied to the cluster directly (IN_CLUSTER) – so that "experts serving a
cluster" answers for each.

Usage: python3 data/tools/build_demo.py [OUT_JSON]
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(DATA, "demo.json")
SRC = "synthetic demo roster"
M = "【合成数据】"
JA = "association/jiangsu-cast"

UCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
UCC_W = [pow(3, i, 31) for i in range(17)]
ORG_W = [3, 7, 9, 10, 5, 8, 4, 2]


def org_check(body8):
    s = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, ORG_W))
    c = 11 - s % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def credit_code(division6, seq):
    """91 (工商, 企业) + 6-digit division code + 9-char organisation code + check."""
    body = "D3M0%04d" % seq
    code17 = "91" + division6 + body + org_check(body)
    assert all(c in UCC_CHARS for c in code17), code17
    s = sum(UCC_CHARS.index(c) * w for c, w in zip(code17, UCC_W))
    return code17 + UCC_CHARS[(31 - s % 31) % 31]


nodes, rels = [], []


def node(id_, kind, name, desc, aliases=(), **props):
    d = {"id": id_, "kind": kind, "name": name}
    if aliases:
        d["aliases"] = list(aliases)
    d["description"] = M + desc
    if props:
        d["props"] = props
    d["source"] = SRC
    nodes.append(d)
    return id_


def rel(t, a, b, **props):
    d = {"type": t, "from": a, "to": b}
    if props:
        d["props"] = props
    d["source"] = SRC
    rels.append(d)


# ---------------------------------------------------------------- countries
for slug, name in [("germany", "德国"), ("usa", "美国"), ("uk", "英国")]:
    node("region/" + slug, "Region", name,
         "演示用国家节点（真实国名），用于挂接合成的海外站点。", regionType="COUNTRY")

# ---------------------------------------------------------------- parks
PARKS = [
    ("nanjing-demo-htz", "南京示例高新技术产业开发区", "HIGH_TECH_ZONE", "国家级", "nanjing"),
    ("wuxi-demo-htz", "无锡示例高新技术产业开发区", "HIGH_TECH_ZONE", "国家级", "wuxi"),
    ("changzhou-demo-htz", "常州示例高新技术产业开发区", "HIGH_TECH_ZONE", "省级", "changzhou"),
    ("suzhou-demo-edz", "苏州示例经济技术开发区", "ECONOMIC_DEVELOPMENT_ZONE", "国家级", "suzhou"),
    ("xuzhou-demo-edz", "徐州示例经济技术开发区", "ECONOMIC_DEVELOPMENT_ZONE", "国家级", "xuzhou"),
]
for slug, name, pt, lvl, city in PARKS:
    node("park/" + slug, "Park", name, "虚构园区，位于%s（真实城市）。" % city, parkType=pt, level=lvl)
    rel("LOCATED_IN", "park/" + slug, "region/" + city)
    rel("PARTICIPATES_IN", "park/" + slug, "program/societies-parks-cooperation", role="合作园区")

# ---------------------------------------------------------------- enterprises
DIV = {"nanjing": "320115", "wuxi": "320214", "suzhou": "320505", "changzhou": "320411",
       "xuzhou": "320312", "nantong": "320600", "suqian": "321302"}
ENTS = [  # slug, name, city, park or None, chains, category
    ("nj-smart-grid", "南京示例智能电网装备有限公司", "nanjing", "nanjing-demo-htz", ["uhv-equipment"],
     "高新技术企业"),
    ("nj-wind-tech", "南京示例风电科技有限公司", "nanjing", "nanjing-demo-htz",
     ["wind-power-equipment"], "专精特新中小企业"),
    ("nj-biopharma", "南京示例生物医药有限公司", "nanjing", None, ["innovative-drugs"], "科技型中小企业"),
    ("wx-iov-tech", "无锡示例车联网科技有限公司", "wuxi", "wuxi-demo-htz", ["internet-of-vehicles"],
     "高新技术企业"),
    ("wx-pv-tech", "无锡示例光伏科技股份有限公司", "wuxi", "wuxi-demo-htz", ["crystalline-silicon-pv"],
     "高新技术企业"),
    ("wx-pharma", "无锡示例药业有限公司", "wuxi", "wuxi-demo-htz", ["innovative-drugs"], "专精特新中小企业"),
    ("sz-microelectronics", "苏州示例微电子科技有限公司", "suzhou", "suzhou-demo-edz",
     ["internet-of-vehicles"], "高新技术企业"),
    ("sz-robotics", "苏州示例机器人有限公司", "suzhou", "suzhou-demo-edz", ["industrial-robots"],
     "专精特新中小企业"),
    ("sz-new-energy-battery", "苏州示例新能源电池有限公司", "suzhou", "suzhou-demo-edz",
     ["power-batteries"], "高新技术企业"),
    ("cz-power-battery", "常州示例动力电池有限公司", "changzhou", "changzhou-demo-htz", ["power-batteries"],
     "高新技术企业"),
    ("cz-pv-materials", "常州示例光伏材料有限公司", "changzhou", "changzhou-demo-htz",
     ["crystalline-silicon-pv"], "科技型中小企业"),
    ("cz-smart-equipment", "常州示例智能装备有限公司", "changzhou", "changzhou-demo-htz",
     ["industrial-robots"], "专精特新中小企业"),
    ("xz-heavy-machinery", "徐州示例重工机械有限公司", "xuzhou", "xuzhou-demo-edz", ["cranes"], "高新技术企业"),
    ("xz-machinery-parts", "徐州示例工程机械配件有限公司", "xuzhou", "xuzhou-demo-edz", ["cranes"],
     "科技型中小企业"),
    ("nt-offshore-wind", "南通示例海上风电装备有限公司", "nantong", None, ["wind-power-equipment"],
     "高新技术企业"),
    ("nt-electric", "南通示例电气设备有限公司", "nantong", None, ["uhv-equipment"], "专精特新中小企业"),
    # Enterprises of the clusters no chain above reaches, tied to their
    # cluster directly (CLUSTERS below); appended, so earlier codes stay.
    ("nt-textiles", "南通示例高端纺织有限公司", "nantong", None, [], "专精特新中小企业"),
    ("sz-medical-devices", "苏州示例医疗器械有限公司", "suzhou", "suzhou-demo-edz", [], "高新技术企业"),
    ("sz-nano-materials", "苏州示例纳米新材料有限公司", "suzhou", None, [], "科技型中小企业"),
    ("wx-environmental", "无锡示例节能环保科技有限公司", "wuxi", None, [], "科技型中小企业"),
    ("nj-displays", "南京示例新型显示科技有限公司", "nanjing", None, [], "高新技术企业"),
    ("nj-software", "南京示例软件信息服务有限公司", "nanjing", None, [], "高新技术企业"),
    ("sq-green-food", "宿迁示例绿色食品有限公司", "suqian", None, [], "科技型中小企业"),
]
# Enterprises located in a county rather than its city (any level will do).
COUNTY = {"sq-green-food": "region/321302"}
# Enterprise → cluster, for clusters that no chain of an enterprise reaches.
CLUSTERS = [
    ("sz-microelectronics", "integrated-circuits"), ("wx-iov-tech", "internet-of-things"),
    ("nt-offshore-wind", "ships-offshore-equipment"), ("cz-pv-materials", "frontier-new-materials"),
    ("nt-textiles", "high-end-textiles"), ("sz-medical-devices", "new-medical-devices"),
    ("sz-nano-materials", "nano-new-materials"), ("wx-environmental", "energy-saving-environmental"),
    ("nj-displays", "new-displays"), ("nj-software", "software-information-services"),
    ("sq-green-food", "green-food"),
]
for i, (slug, name, city, park, chains, cat) in enumerate(ENTS, start=1):
    eid = "enterprise/" + slug
    node(eid, "Enterprise", name, "虚构企业，统一社会信用代码为按校验规则生成的演示代码。",
         creditCode=credit_code(DIV[city], i), category=cat)
    rel("LOCATED_IN", eid, COUNTY.get(slug, "region/" + city))
    if park:
        rel("LOCATED_IN", eid, "park/" + park)
    for ch in chains:
        rel("IN_CHAIN", eid, "industry-chain/" + ch)

for en, cl in CLUSTERS:
    rel("IN_CLUSTER", "enterprise/" + en, "industry-cluster/" + cl)

# ---------------------------------------------------------------- institutions
INSTS = [
    ("jiangsu-demo-university", "江苏示例大学", "UNIVERSITY", "region/nanjing"),
    ("nanjing-demo-tech-university", "南京示例理工大学", "UNIVERSITY", "region/nanjing"),
    ("jiangsu-demo-industrial-tech-institute", "江苏省示例产业技术研究院", "RESEARCH_INSTITUTE",
     "region/nanjing"),
    ("suzhou-demo-nano-institute", "苏州示例纳米技术研究所", "RESEARCH_INSTITUTE", "region/suzhou"),
    ("jiangsu-demo-drug-institute", "江苏示例药物研究院", "RESEARCH_INSTITUTE", "region/wuxi"),
    ("german-demo-tech-university", "德国示例工业大学", "UNIVERSITY", "region/germany"),
    ("demo-new-energy-service-team", "示例新能源专业科技服务团", "OTHER", "region/changzhou"),
    ("xuzhou-demo-machinery-service-team", "徐州示例工程机械区域科技服务团", "OTHER", "region/xuzhou"),
]
for slug, name, it, loc in INSTS:
    desc = "虚构机构。"
    if slug.endswith("service-team"):
        desc = "虚构的科技服务团（对应工作要点第11项“专业科技服务团/区域科技服务团”）。"
    node("institution/" + slug, "Institution", name, desc, institutionType=it)
    rel("LOCATED_IN", "institution/" + slug, loc)

# ---------------------------------------------------------------- societies
SOCS = [
    ("jiangsu-demo-electrical-engineering", "江苏省示例电力工程学会", "PROVINCIAL", "电力工程"),
    ("jiangsu-demo-mechanical-engineering", "江苏省示例机械工程学会", "PROVINCIAL", "机械工程"),
    ("jiangsu-demo-pharmaceutical", "江苏省示例药学会", "PROVINCIAL", "药学"),
    ("jiangsu-demo-automation", "江苏省示例自动化学会", "PROVINCIAL", "自动化"),
    ("jiangsu-demo-renewable-energy", "江苏省示例可再生能源学会", "PROVINCIAL", "可再生能源"),
    ("china-demo-power-battery", "中国示例动力电池学会", "NATIONAL", "动力电池"),
    ("jiangsu-demo-new-energy-consortium", "江苏省示例新能源学会联合体", "CONSORTIUM", "新能源"),
]
for slug, name, scope, field in SOCS:
    node("society/" + slug, "Society", name, "虚构学会（%s领域）。" % field, scope=scope, field=field)
    if scope != "NATIONAL":
        rel("GUIDES", JA, "society/" + slug)
for s in ["jiangsu-demo-electrical-engineering", "jiangsu-demo-renewable-energy",
          "china-demo-power-battery"]:
    rel("MEMBER_OF", "society/" + s, "society/jiangsu-demo-new-energy-consortium", role="成员学会")
COOP = [("jiangsu-demo-electrical-engineering", "nanjing-demo-htz"),
        ("jiangsu-demo-mechanical-engineering", "xuzhou-demo-edz"),
        ("jiangsu-demo-mechanical-engineering", "changzhou-demo-htz"),
        ("jiangsu-demo-pharmaceutical", "wuxi-demo-htz"),
        ("jiangsu-demo-automation", "suzhou-demo-edz"),
        ("jiangsu-demo-renewable-energy", "changzhou-demo-htz"),
        ("china-demo-power-battery", "suzhou-demo-edz")]
for s, p in COOP:
    rel("COOPERATES_WITH", "society/" + s, "park/" + p, since="2024-03-01")
for s in {s for s, _ in COOP}:
    rel("PARTICIPATES_IN", "society/" + s, "program/societies-parks-cooperation", role="合作学会")
rel("PARTICIPATES_IN", "society/jiangsu-demo-new-energy-consortium",
    "program/top10-industry-advances-2023", role="推荐评审")
rel("PARTICIPATES_IN", "society/jiangsu-demo-automation", "program/group-standards", role="牵头制定")
rel("PARTICIPATES_IN", "society/jiangsu-demo-mechanical-engineering",
    "program/provincial-society-capacity", role="入选学会")
rel("AWARDED", "society/jiangsu-demo-mechanical-engineering", "program/first-class-societies", year=2024)

# ---------------------------------------------------------------- overseas stations
STATIONS = [
    ("munich-demo-haizhi-base", "江苏省科协示例海智基地（慕尼黑）", "OVERSEAS_BASE", "germany"),
    ("berlin-demo-liaison-station", "江苏省科协示例海外联络站（柏林）", "LIAISON_STATION", "germany"),
    ("boston-demo-offshore-center", "江苏示例离岸创新中心（波士顿）", "OFFSHORE_INNOVATION_CENTER", "usa"),
    ("cambridge-demo-liaison-station", "江苏省科协示例海外联络站（剑桥）", "LIAISON_STATION", "uk"),
]
for slug, name, st, c in STATIONS:
    node("overseas-station/" + slug, "OverseasStation", name,
         "虚构海外站点；类别见工作要点第6项（海智(离岸)基地、海外联络站、离岸创新中心）。",
         stationType=st)
    rel("LOCATED_IN", "overseas-station/" + slug, "region/" + c)

# ---------------------------------------------------------------- experts
WM = "万名专家进万企"
NE_TEAM = "示例新能源专业科技服务团"
XZ_TEAM = "徐州示例工程机械区域科技服务团"
HZ = "海智(离岸)基地"
E = [  # slug, name, title, academician, field, disambiguation, affiliations
    ("chen-liheng", "陈立衡", "教授", True, "电力系统", "江苏示例大学", ["institution/jiangsu-demo-university"]),
    ("zhou-muyuan", "周慕远", "研究员", True, "药物化学", "江苏示例药物研究院",
     ["institution/jiangsu-demo-drug-institute"]),
    ("han-qiming", "韩启铭", "正高级工程师", True, "工程机械", "徐州示例重工机械有限公司",
     ["enterprise/xz-heavy-machinery"]),
    ("lin-shuyao", "林书瑶", "教授", True, "光伏材料", "南京示例理工大学",
     ["institution/nanjing-demo-tech-university"]),
    ("zhang-mingyuan", "张明远", "教授", False, "风电装备", "南京示例理工大学",
     ["institution/nanjing-demo-tech-university"]),
    ("wang-jianhua-grid", "王建华", "正高级工程师", False, "特高压输变电", "南京示例智能电网装备有限公司",
     ["enterprise/nj-smart-grid"]),
    ("wang-jianhua-robotics", "王建华", "教授", False, "工业机器人", "江苏示例大学",
     ["institution/jiangsu-demo-university"]),
    ("li-siyuan", "李思源", "研究员", False, "动力电池", "江苏省示例产业技术研究院",
     ["institution/jiangsu-demo-industrial-tech-institute", "institution/demo-new-energy-service-team"]),
    ("zhao-yutong", "赵雨桐", "高级工程师", False, "车联网", "无锡示例车联网科技有限公司",
     ["enterprise/wx-iov-tech"]),
    ("sun-haoran", "孙浩然", "教授", False, "集成电路设计", "南京示例理工大学",
     ["institution/nanjing-demo-tech-university"]),
    ("wu-jianing", "吴佳宁", "研究员", False, "纳米材料", "苏州示例纳米技术研究所",
     ["institution/suzhou-demo-nano-institute"]),
    ("zheng-guodong", "郑国栋", "正高级工程师", False, "起重机械", "徐州示例重工机械有限公司",
     ["enterprise/xz-heavy-machinery", "institution/xuzhou-demo-machinery-service-team"]),
    ("qian-yaqin", "钱雅琴", "研究员", False, "创新药研发", "江苏示例药物研究院",
     ["institution/jiangsu-demo-drug-institute"]),
    ("feng-zhiqiang", "冯志强", "教授", False, "智能制造", "江苏示例大学",
     ["institution/jiangsu-demo-university"]),
    ("xu-wenbo", "许文博", "教授", False, "电力电子", "德国示例工业大学",
     ["institution/german-demo-tech-university"]),
    ("he-jingyi", "何静怡", "研究员", False, "生物医药", "江苏示例离岸创新中心（波士顿）", []),
    ("luo-chenxi", "罗晨曦", "教授", False, "车联网与人工智能", "江苏省科协示例海外联络站（剑桥）", []),
    ("gao-ziqian", "高子谦", "正高级工程师", False, "风电装备", "江苏省科协示例海外联络站（柏林）", []),
    ("liang-ruoshui", "梁若水", "教授", False, "储能材料", "江苏示例离岸创新中心（波士顿）", []),
    ("song-yiming", "宋一鸣", "副教授", False, "机器人控制", "江苏示例大学",
     ["institution/jiangsu-demo-university"]),
    ("tang-jiahe", "唐嘉禾", "高级工程师", False, "光伏电池工艺", "无锡示例光伏科技股份有限公司",
     ["enterprise/wx-pv-tech"]),
    ("shen-letian", "沈乐天", "研究员", False, "科学传播", "江苏省示例产业技术研究院",
     ["institution/jiangsu-demo-industrial-tech-institute"]),
    ("lu-qinghe", "陆清和", "正高级工程师", False, "智能电网", "南通示例电气设备有限公司",
     ["enterprise/nt-electric", "institution/demo-new-energy-service-team"]),
    ("cao-huimin", "曹慧敏", "教授", False, "药理学", "江苏示例药物研究院",
     ["institution/jiangsu-demo-drug-institute"]),
]
for slug, name, title, acad, field, dis, affs in E:
    extra = "（院士）" if acad else ""
    node("expert/" + slug, "Expert", name, "虚构专家%s，%s，%s领域。" % (extra, title, field),
         title=title, academician=acad, field=field, disambiguation=dis)
    for a in affs:
        role = "团员" if a.endswith("service-team") else "任职"
        if slug == "li-siyuan" and a.endswith("service-team"):
            role = "团长"
        rel("AFFILIATED_WITH", "expert/" + slug, a, role=role)

MEMBERS = {
    "jiangsu-demo-electrical-engineering": ["chen-liheng", "wang-jianhua-grid", "xu-wenbo", "lu-qinghe"],
    "jiangsu-demo-mechanical-engineering": ["han-qiming", "zheng-guodong", "feng-zhiqiang"],
    "jiangsu-demo-pharmaceutical": ["zhou-muyuan", "qian-yaqin", "he-jingyi", "cao-huimin"],
    "jiangsu-demo-automation": ["wang-jianhua-robotics", "song-yiming", "zhao-yutong", "luo-chenxi",
                                "sun-haoran"],
    "jiangsu-demo-renewable-energy": ["zhang-mingyuan", "lin-shuyao", "tang-jiahe", "gao-ziqian",
                                      "wu-jianing", "shen-letian"],
    "china-demo-power-battery": ["li-siyuan", "liang-ruoshui"],
}
for soc, members in MEMBERS.items():
    for m in members:
        rel("MEMBER_OF", "expert/" + m, "society/" + soc, role="会员")
rel("MEMBER_OF", "expert/chen-liheng", "society/jiangsu-demo-new-energy-consortium", role="专家委员会主任")

SERVES = [  # expert, enterprise, via
    ("chen-liheng", "nj-smart-grid", WM), ("chen-liheng", "nt-electric", WM),
    ("zhou-muyuan", "wx-pharma", WM), ("zhou-muyuan", "nj-biopharma", WM),
    ("han-qiming", "xz-machinery-parts", XZ_TEAM),
    ("lin-shuyao", "cz-pv-materials", WM), ("lin-shuyao", "wx-pv-tech", WM),
    ("zhang-mingyuan", "nj-wind-tech", WM), ("zhang-mingyuan", "nt-offshore-wind", WM),
    ("wang-jianhua-robotics", "sz-robotics", WM), ("wang-jianhua-robotics", "cz-smart-equipment", WM),
    ("li-siyuan", "cz-power-battery", NE_TEAM), ("li-siyuan", "sz-new-energy-battery", NE_TEAM),
    ("sun-haoran", "sz-microelectronics", WM),
    ("wu-jianing", "cz-pv-materials", WM),
    ("zheng-guodong", "xz-machinery-parts", XZ_TEAM),
    ("qian-yaqin", "wx-pharma", WM),
    ("feng-zhiqiang", "cz-smart-equipment", WM),
    ("xu-wenbo", "nj-smart-grid", HZ),
    ("he-jingyi", "nj-biopharma", "离岸创新中心"),
    ("luo-chenxi", "wx-iov-tech", "海外联络站"),
    ("gao-ziqian", "nt-offshore-wind", "海外联络站"),
    ("liang-ruoshui", "sz-new-energy-battery", "离岸创新中心"),
    ("lu-qinghe", "cz-power-battery", NE_TEAM),
    # The enterprises tied to a cluster directly are served by experts who
    # already serve two enterprises through 万名专家进万企, so that who serves
    # no one, or exactly one, stays as it was.
    ("wang-jianhua-robotics", "nt-textiles", WM), ("zhou-muyuan", "sz-medical-devices", WM),
    ("lin-shuyao", "sz-nano-materials", WM), ("lin-shuyao", "wx-environmental", WM),
    ("chen-liheng", "nj-displays", WM), ("zhang-mingyuan", "nj-software", WM),
    ("zhou-muyuan", "sq-green-food", WM),
]
for ex, en, via in SERVES:
    rel("SERVES", "expert/" + ex, "enterprise/" + en, via=via, since="2024-04-01")
for ex in sorted({ex for ex, _, via in SERVES if via == WM}):
    rel("PARTICIPATES_IN", "expert/" + ex, "program/ten-thousand-experts", role="服务专家")

LIAISON = [("xu-wenbo", "munich-demo-haizhi-base"), ("gao-ziqian", "berlin-demo-liaison-station"),
           ("he-jingyi", "boston-demo-offshore-center"), ("liang-ruoshui", "boston-demo-offshore-center"),
           ("luo-chenxi", "cambridge-demo-liaison-station")]
for ex, st in LIAISON:
    rel("LIAISON_OF", "expert/" + ex, "overseas-station/" + st, role="联络专家")

AWARDS = [("chen-liheng", "innovation-pioneer-award"), ("lu-qinghe", "innovation-pioneer-award"),
          ("wang-jianhua-grid", "most-beautiful-sci-tech-worker"),
          ("tang-jiahe", "most-beautiful-sci-tech-worker"),
          ("qian-yaqin", "provincial-top-100-papers-2024"),
          ("shen-letian", "top10-popsci-people")]
for ex, pr in AWARDS:
    rel("AWARDED", "expert/" + ex, "program/" + pr, year=2024)
rel("AWARDED", "enterprise/cz-power-battery", "program/patent-application-cases", year=2024)
rel("AWARDED", "institution/jiangsu-demo-industrial-tech-institute",
    "program/think-tank-excellent-results", year=2024)

PART = [("zhao-yutong", "youth-talent-lift", "托举对象"), ("song-yiming", "youth-talent-lift", "托举对象"),
        ("zhou-muyuan", "wuxi-mashan-health-forum", "主旨报告"),
        ("he-jingyi", "wuxi-mashan-health-forum", "海外嘉宾"),
        ("cao-huimin", "wuxi-mashan-health-forum", "分论坛报告"),
        ("song-yiming", "young-scientists-annual-meeting", "报告人"),
        ("shen-letian", "national-popsci-day", "科普专家"),
        ("liang-ruoshui", "overseas-talent-entrepreneurship-contest", "参赛"),
        ("lin-shuyao", "academicians-grassroots-popsci", "院士专家")]
for ex, pr, role in PART:
    rel("PARTICIPATES_IN", "expert/" + ex, "program/" + pr, role=role)
for en, pr, role in [("sz-robotics", "enterprise-innovation-method-contest", "参赛"),
                     ("wx-iov-tech", "kechuang-jiangsu-entrepreneurship-contest", "参赛"),
                     ("nj-wind-tech", "enterprise-society-cooperation", "合作企业")]:
    rel("PARTICIPATES_IN", "enterprise/" + en, "program/" + pr, role=role)
for it, pr in [("demo-new-energy-service-team", "enterprise-society-cooperation"),
               ("xuzhou-demo-machinery-service-team", "enterprise-society-cooperation"),
               ("demo-new-energy-service-team", "ten-thousand-experts")]:
    rel("PARTICIPATES_IN", "institution/" + it, "program/" + pr, role="服务团")

out = {"source": SRC, "nodes": nodes, "relationships": rels}
with open(OUT, "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, indent=2)
    f.write("\n")
print("wrote %s: %d nodes, %d relationships" % (OUT, len(nodes), len(rels)))
