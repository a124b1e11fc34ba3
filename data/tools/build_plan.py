#!/usr/bin/env python3
"""Generate data/plan2024.json from the source document.

Section/item titles and item texts are cut from the source document itself, so
that `text` is verbatim; everything else (named things and their links) is
declared below, item by item, in document order.

Usage: python3 data/tools/build_plan.py [SOURCE_TXT] [OUT_JSON]
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)
# The public source document, kept in the repository so the checks need
# nothing beside the checkout.
SRC_DEFAULT = os.path.join(DATA, "source", "plan2024.txt")

SRC = sys.argv[1] if len(sys.argv) > 1 else SRC_DEFAULT
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(DATA, "plan2024.json")

PLAN = "plan/2024"
JA = "association/jiangsu-cast"
NOTICE = "plan 2024, notice"
PRE = "plan 2024, preamble"
PUB_DIV = "public record: Jiangsu administrative divisions"
PUB_CLUSTER = "public record: Jiangsu 16 advanced manufacturing clusters"
PUB_CHAIN = "public record: Jiangsu key industrial chains"
PUB_GEO = "public record: geography"

SECTION_OF = {1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 2, 7: 3, 8: 3, 9: 3, 10: 3, 11: 3,
              12: 3, 13: 4, 14: 4, 15: 4, 16: 5, 17: 5, 18: 5, 19: 6, 20: 6, 21: 6}
CN_NUM = "一二三四五六"

nodes = []
rels = []
_ids = set()


def src(n):
    return "plan 2024, item %d" % n if isinstance(n, int) else n


def node(id_, nkind, name, source, aliases=(), desc=None, **props):
    assert id_ not in _ids, id_
    _ids.add(id_)
    d = {"id": id_, "kind": nkind, "name": name}
    if aliases:
        d["aliases"] = list(aliases)
    if desc:
        d["description"] = desc
    if props:
        d["props"] = props
    d["source"] = src(source)
    nodes.append(d)
    return id_


def rel(type_, frm, to, source, **props):
    d = {"type": type_, "from": frm, "to": to}
    if props:
        d["props"] = props
    d["source"] = src(source)
    rels.append(d)


def item(n):
    return "item/2024-%d" % n


def L(n, to, role=None, source=None):
    """item n LAUNCHES program `to`"""
    rel("LAUNCHES", item(n), to, source or n, **({"role": role} if role else {}))


def C(n, to, role=None, source=None):
    """item n CONCERNS node `to`"""
    rel("CONCERNS", item(n), to, source or n, **({"role": role} if role else {}))


def RUN(prog, by, source, role=None):
    rel("RUN_BY", prog, by, source, **({"role": role} if role else {}))


def prog(id_, pkind, name, n, aliases=(), desc=None, role=None, run=JA, run_role=None,
         concern=False, **props):
    """A Program first named in item n; linked from that item (LAUNCHES, or
    CONCERNS when concern=True) and, unless run=None, RUN_BY `run`."""
    node(id_, "Program", name, n, aliases, desc, kind=pkind, **props)
    (C if concern else L)(n, id_, role)
    assert concern or run, "launched program without RUN_BY: " + id_
    if run:
        RUN(id_, run, n, run_role)
    return id_


# --------------------------------------------------------------------------
# source text: sections and items
# --------------------------------------------------------------------------
raw = open(SRC, encoding="utf-8").read()
body = raw[raw.index("  江苏省科学技术协会2024年工作要点\n"):]
sections = {}
for m in re.finditer(r"^\s*([一二三四五六])、(.+?)\s*$", body, re.M):
    sections[CN_NUM.index(m.group(1)) + 1] = m.group(2)
items = {}
for m in re.finditer(r"^\s*(\d+)\.(.+?)\s*$", body, re.M):
    n = int(m.group(1))
    title, _, text = m.group(2).partition("。")
    items[n] = (title.strip(), text.strip())
assert sorted(sections) == list(range(1, 7)), sections
assert sorted(items) == list(range(1, 22)), sorted(items)

# --------------------------------------------------------------------------
# plan, issuer, notice
# --------------------------------------------------------------------------
node(PLAN, "Plan", "江苏省科学技术协会2024年工作要点", "plan 2024",
     ["2024年工作要点", "《江苏省科学技术协会2024年工作要点》", "江苏省科协2024年工作要点"],
     "江苏省科学技术协会2024年工作要点，经党组研究审定，于2024年2月18日印发，2024年2月19日发布；"
     "分强化思想政治引领、密切联系服务科技工作者、深化服务创新驱动发展、持续提升全民科学素质、"
     "提高服务党和政府科学决策能力、全面加强科技群团自身建设六个部分，共21项工作。",
     year=2024, issuedOn="2024-02-18", publishedOn="2024-02-19")

node(JA, "Association", "江苏省科学技术协会", NOTICE, ["江苏省科协", "省科协"],
     "江苏省科协，本工作要点的印发单位；通过各级科协组织和学会联系服务全省科技工作者。",
     level="PROVINCIAL")
rel("RUN_BY", PLAN, JA, NOTICE, role="印发")

node("program/notice-plan-2024", "Program",
     "关于印发《江苏省科学技术协会2024年工作要点》的通知", NOTICE,
     ["关于印发江苏省科学技术协会2024年工作要点的通知"],
     "江苏省科协印发2024年工作要点的通知，发至各省级学会、高校科协，省部属科研院所科协，"
     "省部属企业科协，各设区市、县（市、区）科协，机关各部室、各直属单位，要求结合实际抓好贯彻落实。",
     kind="DOCUMENT", year=2024)
RUN("program/notice-plan-2024", JA, NOTICE, "印发")

node("institution/jiangsu-cast-party-group", "Institution", "江苏省科学技术协会党组", NOTICE,
     ["党组", "省科协党组"],
     "省科协党组，研究审定本工作要点；要点要求完善党组对科协工作的组织领导机制。",
     institutionType="OTHER")

# addressees of the notice (group nodes)
ADDR = [
    ("society/provincial-societies", "Society", "省级学会", ["各省级学会", "省学会", "科技社团"],
     "江苏省级学会（群体节点）：通知的主送单位；要点要求党的创新理论进学会、带动省学会办好学术交流、"
     "发挥学会专业优势承接政府转移职能、加强对学会的业务指导。", {"scope": "PROVINCIAL"}),
    ("association/university-cast", "Association", "高校科协", ["各高校科协"],
     "全省高校科协（群体节点）：通知的主送单位；要点提出实施高校科协提升能力计划。",
     {"level": "UNIVERSITY"}),
    ("association/institute-cast", "Association", "省部属科研院所科协", ["科研院所科协"],
     "省部属科研院所科协（群体节点）：通知的主送单位；要点要求强化组织覆盖、建立直接联系机制。",
     {"level": "INSTITUTE"}),
    ("association/enterprise-cast", "Association", "省部属企业科协", ["企业科协"],
     "省部属企业科协（群体节点）：通知的主送单位；要点要求强化组织覆盖、建立直接联系机制。",
     {"level": "ENTERPRISE"}),
    ("association/city-cast", "Association", "设区市科协",
     ["各设区市科协", "市科协", "各设区市、县(市、区)科协"],
     "各设区市科协（群体节点）：通知的主送单位。", {"level": "CITY"}),
    ("association/county-cast", "Association", "县(市、区)科协",
     ["县（市、区）科协", "县科协", "县市区科协", "各设区市、县(市、区)科协"],
     "各县（市、区）科协（群体节点）：通知的主送单位；要点提出实施县科协提升能力计划。",
     {"level": "COUNTY"}),
    ("institution/jiangsu-cast-departments", "Institution", "江苏省科协机关各部室",
     ["机关各部室", "省科协机关", "科协机关"],
     "省科协机关各部室：通知的主送单位；第21项要求强化科协机关建设。",
     {"institutionType": "OTHER"}),
    ("institution/jiangsu-cast-affiliated-units", "Institution", "江苏省科协各直属单位",
     ["各直属单位", "直属单位"],
     "省科协各直属单位：通知的主送单位；第21项提出推进事业单位改革。",
     {"institutionType": "OTHER"}),
]
for id_, kind, name, al, desc, props in ADDR:
    node(id_, kind, name, NOTICE, al, desc, **props)
    rel("GUIDES", JA, id_, NOTICE)

# --------------------------------------------------------------------------
# regions (public record + places named in the text)
# --------------------------------------------------------------------------
node("region/china", "Region", "中国", 10, ["中华人民共和国"], regionType="COUNTRY")
# 江苏省 and its 13 设区市 (region/jiangsu, region/nanjing …) are nodes of
# regions-jiangsu.json, generated from the GB/T 2260 codes by build_regions.py;
# the plan only links to them.
rel("LOCATED_IN", "region/jiangsu", "region/china", PUB_DIV)
rel("LOCATED_IN", JA, "region/jiangsu", NOTICE)
node("region/wuxi-mashan", "Region", "无锡马山", 9, ["马山"],
     "无锡马山，无锡马山生命健康论坛举办地。", regionType="TOWNSHIP")
rel("LOCATED_IN", "region/wuxi-mashan", "region/wuxi", 9)
node("region/yangtze-river-delta", "Region", "长三角", 16, ["长江三角洲"],
     "长江三角洲区域，长三角科技论坛以之为名。", regionType="AREA")
rel("LOCATED_IN", "region/yangtze-river-delta", "region/china", PUB_GEO)

# --------------------------------------------------------------------------
# preamble (总体要求): linked from item 1 with source "plan 2024, preamble"
# --------------------------------------------------------------------------
node("program/cpc-20th-congress", "Program", "中国共产党第二十次全国代表大会", PRE,
     ["党的二十大", "党的二十大精神"],
     "要点总体要求：全面贯彻党的二十大精神。", kind="EVENT")
C(1, "program/cpc-20th-congress", "总体要求：全面贯彻（引言）", PRE)
node("program/si-ge-zou-zai-qian", "Program", "四个走在前", PRE, ["“四个走在前”"],
     "提法（重大任务）：要点总体要求全面落实“四个走在前”“四个新”重大任务。", kind="DESIGNATION")
C(1, "program/si-ge-zou-zai-qian", "总体要求：全面落实（引言）", PRE)
node("program/si-ge-xin", "Program", "四个新", PRE, ["“四个新”"],
     "提法（重大任务）：要点总体要求全面落实“四个走在前”“四个新”重大任务。", kind="DESIGNATION")
C(1, "program/si-ge-xin", "总体要求：全面落实（引言）", PRE)
node("program/zou-zai-qian-zuo-shi-fan", "Program", "走在前、做示范", PRE, ["走在前做示范"],
     "提法：要点要求在江苏“走在前、做示范”中展现科协作为、贡献科技力量。", kind="DESIGNATION")
C(1, "program/zou-zai-qian-zuo-shi-fan", "总体要求：展现科协作为（引言）", PRE)
node("program/si-fu-wu", "Program", "四服务", PRE, ["“四服务”职能", "四服务职能"],
     "科协“四服务”职能（提法）：总体要求在履行“四服务”职能中开拓创新，第1项要求紧扣“四服务”职能。",
     kind="DESIGNATION")
C(1, "program/si-fu-wu", "紧扣职能")
node("institution/jiangsu-party-committee", "Institution", "中共江苏省委", PRE,
     ["省委", "江苏省委"],
     "中共江苏省委：要点按照省委十四届四次、五次全会部署开展工作，落实省委决策部署和改革部署。",
     institutionType="OTHER")
C(1, "institution/jiangsu-party-committee", "决策部署")
node("program/jsswp-14-4-plenum", "Program", "中共江苏省委十四届四次全会", PRE,
     ["省委十四届四次全会", "省委十四届四次、五次全会"],
     "要点按照省委十四届四次、五次全会部署，围绕全会部署的重点任务开展工作。", kind="EVENT")
RUN("program/jsswp-14-4-plenum", "institution/jiangsu-party-committee", PRE, "召开")
C(1, "program/jsswp-14-4-plenum", "围绕全会部署的重点任务")
node("program/jsswp-14-5-plenum", "Program", "中共江苏省委十四届五次全会", PRE,
     ["省委十四届五次全会", "五次全会", "省委十四届四次、五次全会"],
     "要点按照省委十四届四次、五次全会部署，围绕全会部署的重点任务开展工作。", kind="EVENT")
RUN("program/jsswp-14-5-plenum", "institution/jiangsu-party-committee", PRE, "召开")
C(1, "program/jsswp-14-5-plenum", "围绕全会部署的重点任务")

# --------------------------------------------------------------------------
# section 1
# --------------------------------------------------------------------------
# item 1
C(1, "region/jiangsu", "视察地")
prog("program/xi-jiangsu-inspection-instructions", "DOCUMENT",
     "总书记视察江苏重要讲话重要指示精神", 1, ["视察江苏重要讲话重要指示精神"],
     "第1项要求深入贯彻落实，作为推动科协事业发展的根本遵循。", role="贯彻落实", run=None,
     concern=True)
node("institution/cpc-central-committee", "Institution", "中共中央", 1, ["党中央", "中央"],
     "要点要求确保中央和省委决策部署落实到位、紧密团结在党中央周围、落实中央改革部署。",
     institutionType="OTHER")
C(1, "institution/cpc-central-committee", "决策部署")
prog("program/liang-ge-que-li", "DESIGNATION", "两个确立", 1, ["“两个确立”"],
     "提法：第1项要求坚定拥护“两个确立”。", role="坚定拥护", run=None, concern=True)
prog("program/liang-ge-wei-hu", "DESIGNATION", "两个维护", 1, ["“两个维护”"],
     "提法：第1项要求坚决做到“两个维护”。", role="坚决做到", run=None, concern=True)
prog("program/eight-action-plans", "DOCUMENT",
     "贯彻落实总书记视察江苏重要讲话重要指示精神八个行动方案", 1, ["八个行动方案"],
     "省委部署的贯彻落实总书记视察江苏重要讲话重要指示精神的八个行动方案，第1项要求聚焦。",
     role="聚焦", run="institution/jiangsu-party-committee", run_role="部署", concern=True)
prog("program/two-groups-of-measures", "DOCUMENT",
     "贯彻落实总书记视察江苏重要讲话重要指示精神两组若干措施", 1, ["两组若干措施"],
     "省委部署的两组若干措施，第1项要求聚焦。",
     role="聚焦", run="institution/jiangsu-party-committee", run_role="部署", concern=True)
for id_, name in [("program/sci-tech-strong-province", "科技强省"),
                  ("program/talent-strong-province", "人才强省"),
                  ("program/culture-strong-province", "文化强省")]:
    prog(id_, "PROGRAM", name, 1, [name + "建设"],
         "江苏省%s建设（省级发展战略），第1项要求科协主动服务。" % name,
         role="主动服务", run=None, concern=True)
node("institution/jiangsu-provincial-government", "Institution", "江苏省人民政府", 1,
     ["省政府", "江苏省政府"],
     "江苏省人民政府：第1项要求主动承担省委、省政府中心工作；第16项紧扣省委省政府关注的科技战略、规划、政策等领域。",
     institutionType="GOVERNMENT")
C(1, "institution/jiangsu-provincial-government", "中心工作")

# item 2
C(2, "institution/cpc-central-committee", "紧密团结在党中央周围")
C(2, "association/city-cast", "全省各级科协组织")
C(2, "association/county-cast", "全省各级科协组织")
C(2, "institution/jiangsu-cast-party-group", "组织领导机制")
prog("program/dangjian-dai-kejian", "PROGRAM", "党建带科建", 2, [],
     "以党建带动科协和学会建设的工作机制，第2项要求深化。", role="深化")
prog("program/dangjian-qianghui", "PROGRAM", "党建强会计划", 2, [],
     "第2项提出实施党建强会计划，强化对科技工作者的政治引领、政治动员和政治吸纳。", role="实施")

# item 3
C(3, "society/provincial-societies", "党的创新理论进学会")
prog("program/ideology-responsibility-system", "PROGRAM", "意识形态责任制", 3,
     ["意识形态工作责任制"], "第3项要求全面落实意识形态责任制。", role="全面落实")
prog("program/responsibility-list", "DOCUMENT", "责任清单", 3, ["《责任清单》"],
     "落实意识形态责任制而制定的《责任清单》。", role="制定")
prog("program/ideology-inspection", "CAMPAIGN", "意识形态工作巡查", 3, [],
     "第3项要求常态开展意识形态工作巡查，守好意识形态阵地。", role="常态开展")
prog("program/three-teams", "DESIGNATION", "三支队伍", 3, ["“三支队伍”"],
     "科协系统干部、科技社团会员、科协代表委员“三支队伍”，为高层次党建、业务培训班的面向对象。",
     role="培训对象", run=None, concern=True)
prog("program/high-level-training", "EVENT", "高层次党建、业务培训班", 3,
     ["高层次党建培训班", "高层次业务培训班"],
     "面向“三支队伍”举办的高层次党建、业务培训班。", role="举办")
prog("program/jiangsu-science-lecture", "EVENT", "江苏科学大讲堂", 3, [],
     "第3项提出举办的江苏科学大讲堂。", role="举办")

# --------------------------------------------------------------------------
# section 2
# --------------------------------------------------------------------------
# item 4
node("institution/scientist-spirit-education-bases", "Institution", "科学家精神教育基地", 4, [],
     "科学家精神教育基地（群体/类别节点），第4项要求强化建设。", institutionType="EDUCATION_BASE")
C(4, "institution/scientist-spirit-education-bases", "强化建设")
prog("program/scientist-spirit-dissemination", "PROGRAM", "科学家精神传播计划", 4, [],
     "第4项提出实施的科学家精神传播计划。", role="实施")
prog("program/master-scientists-campus-publicity", "PROGRAM", "科学大师名校宣传工程", 4,
     ["“科学大师名校宣传工程”"], "第4项要求打造“科学大师名校宣传工程”品牌。", role="打造品牌")
node("institution/scientist-spirit-lecture-group", "Institution", "科学家精神宣讲团", 4, [],
     "第4项要求组建科学家精神宣讲团举办专题报告会。", institutionType="OTHER")
C(4, "institution/scientist-spirit-lecture-group", "组建")
prog("program/scientist-spirit-reports", "EVENT", "科学家精神专题报告会", 4, ["专题报告会"],
     "科学家精神宣讲团举办的专题报告会。", role="举办",
     run="institution/scientist-spirit-lecture-group", run_role="举办")
prog("program/sci-tech-workers-day", "EVENT", "全国科技工作者日", 4,
     ["5.30", "“5.30”科技工作者日", "科技工作者日", "“5.30”科技工作者日活动"],
     "每年5月30日的科技工作者日，第4项要求组织好“5.30”科技工作者日活动。",
     role="组织活动", run_role="组织省内活动")
prog("program/jiangsu-sci-tech-news", "PUBLICATION", "江苏科技报", 4, ["《江苏科技报》"],
     "第4项要求用好《江苏科技报》，大力宣传杰出人才及科创成果。", role="用好", run_role="用好")
prog("program/xuexi-qiangguo-kechuang-jiangsu", "PLATFORM", "学习强国科创江苏平台", 4,
     ["科创江苏平台"], "第4项要求用好学习强国科创江苏平台宣传杰出人才及科创成果。",
     role="用好", run_role="用好")
prog("program/talent-study-training", "PROGRAM", "科技人才研学培训", 4, [],
     "第4项提出组织科技人才研学培训。", role="组织")
prog("program/national-conditions-research", "CAMPAIGN", "国情调研", 4, ["国情调研活动"],
     "第4项提出开展国情调研活动。", role="开展")
prog("program/paired-assistance", "CAMPAIGN", "对口帮扶活动", 4, ["对口帮扶"],
     "第4项提出开展对口帮扶活动。", role="开展")
prog("program/sci-tech-workers-home", "PLATFORM", "科技工作者之家", 4, [],
     "第4项要求建好用好有温度、可信赖的科技工作者之家。", role="建好用好")

# item 5
prog("program/innovation-pioneer-award", "AWARD", "江苏省创新争先奖", 5,
     ["创新争先", "省“创新争先”奖", "创新争先奖", "江苏最高科技人才奖"],
     "打造为江苏最高科技人才奖，2024年恢复评选，遴选表彰一批全省最高水平科技工作者和团队。",
     role="恢复评选")
prog("program/most-beautiful-sci-tech-worker", "AWARD", "最美科技工作者", 5,
     ["“最美科技工作者”", "江苏最美科技人才奖"],
     "打造为江苏最美科技人才奖，扩大“最美科技工作者”宣传表彰规模。", role="宣传表彰")
prog("program/youth-talent-lift", "PROGRAM", "最具潜力青年科技人才托举工程", 5,
     ["青年科技人才托举工程", "托举工程"],
     "整合全省科协组织力量、扩大资助规模和强度的青年科技人才托举工程。", role="实施")
prog("program/youth-talent-training-system", "PROGRAM", "青年科技人才全链条培养体系", 5, [],
     "第5项要求构建青年科技人才全链条培养体系。", role="构建")
for id_, name, pk in [("program/high-school-elite", "中学生英才计划", "PROGRAM"),
                      ("program/qiangji", "强基计划", "PROGRAM"),
                      ("program/top-students-basic-disciplines", "基础学科拔尖学生培养计划",
                       "PROGRAM")]:
    prog(id_, pk, name, 5, [], "第5项提出实施%s，培育基础学科后备人才。" % name,
         role="实施", run_role="组织实施")
prog("program/five-subject-olympiad", "COMPETITION", "五学科奥赛", 5,
     ["五学科", "“五学科”奥赛", "五学科奥林匹克竞赛"],
     "第5项提出组织“五学科”奥赛，培育基础学科后备人才。", role="组织", run_role="组织")

# item 6: overseas-talent networks (categories; individual stations are OverseasStation nodes)
for id_, name, al, st in [
        ("program/haizhi-offshore-bases", "海智(离岸)基地", ["海智（离岸）基地", "海智基地"],
         "OVERSEAS_BASE"),
        ("program/overseas-liaison-stations", "海外联络站", [], "LIAISON_STATION"),
        ("program/offshore-innovation-centers", "离岸创新中心", [], "OFFSHORE_INNOVATION_CENTER")]:
    prog(id_, "PLATFORM", name, 6, al,
         "引才网络（类别节点）：第6项要求发挥%s柔性引才优势，服务引进高层次人才团队，推动海外项目在省内孵化。"
         "单个站点以 OverseasStation（stationType=%s）表示。" % (name, st), role="发挥柔性引才优势")
prog("program/haizhi-experts", "DESIGNATION", "海智专家", 6, [],
     "第6项要求精准对接在苏工作的发达国家院士、海智专家。", role="精准对接", run=None,
     concern=True)

# --------------------------------------------------------------------------
# section 3
# --------------------------------------------------------------------------
# item 7
node("society/imsd", "Society", "国际机械系统动力学学会", 7, [],
     "第7项要求建好的国际科技组织。", scope="INTERNATIONAL", field="机械系统动力学")
C(7, "society/imsd", "建好")
prog("program/deep-time-digital-earth", "PROGRAM", "深时数字地球国际大科学计划", 7,
     ["深时数字地球", "“深时数字地球国际大科学计划”"],
     "第7项要求推进“深时数字地球国际大科学计划”国际科技组织筹建工作。",
     role="推进国际科技组织筹建", run=None, concern=True)
node("society/international-st-organisations", "Society", "国际科技组织", 7, [],
     "国际科技组织（群体节点）：第7项全力支持在苏顶尖科学家发起设立国际科技组织；第9项要求用好国际科技组织网络资源。",
     scope="INTERNATIONAL")
C(7, "society/international-st-organisations", "支持发起设立")
node("society/national-societies", "Society", "全国学会", 7, [],
     "全国学会（群体节点）：推动在江苏建立实体平台、来苏举办高层次学术会议、与经开区高新区合作、建立学会产业研究院。",
     scope="NATIONAL")
C(7, "society/national-societies", "推动在江苏建立实体平台")
prog("program/national-society-entity-platforms", "PLATFORM", "全国学会在江苏实体平台", 7,
     ["实体平台"], "第7项推动全国学会在江苏建立实体平台。", role="推动建立",
     run="society/national-societies", run_role="建立")
node("society/emerging-interdisciplinary-societies", "Society", "新兴领域和交叉学科学会组织", 7,
     ["新兴领域和交叉学科学会", "新学会"],
     "第7项积极培育新兴领域和交叉学科学会组织；第20项大力发展新学会。")
C(7, "society/emerging-interdisciplinary-societies", "积极培育")
node("society/society-consortia", "Society", "学会联合体", 7, ["关键领域学会联合体"],
     "学会联合体（群体节点）：第7项加大关键领域学会联合体培育扶持力度；第10项依托学会联合体评选发布"
     "“2023年度省行业领域十大科技进展”；第20项建强学会联合体。", scope="CONSORTIUM")
C(7, "society/society-consortia", "培育扶持")

# item 8
node("society/basic-research-societies", "Society", "基础研究领域学会", 8, [],
     "第8项要求发挥基础研究领域学会作用，助力建设培育优势学科。")
C(8, "society/basic-research-societies", "发挥作用")
prog("program/zero-to-one", "DESIGNATION", "从0到1原创性突破", 8, ["从0到1", "“从0到1”"],
     "提法：第8项引领科技工作者投身基础研究，努力实现更多“从0到1”的原创性突破。",
     role="努力实现", run=None, concern=True)
prog("program/academician-led-research", "PROGRAM", "院士专家领衔科技攻关", 8,
     ["院士专家领衔开展科技攻关"], "第8项推动院士专家领衔开展科技攻关。", role="推动")
prog("program/chokepoint-technologies", "DESIGNATION", "卡脖子关键技术", 8,
     ["卡脖子", "“卡脖子”"], "提法：第8项助力解决一批“卡脖子”关键技术。",
     role="助力解决", run=None, concern=True)

# item 9
C(9, "society/international-st-organisations", "用好网络资源")
node("society/overseas-st-groups", "Society", "海外科技团体", 9, [],
     "第9项要求密切与海外科技团体的联系。", scope="INTERNATIONAL")
C(9, "society/overseas-st-groups", "密切联系")
C(9, "region/wuxi", "论坛所在城市")
C(9, "region/wuxi-mashan", "论坛举办地")
prog("program/wuxi-mashan-health-forum", "EVENT", "无锡马山生命健康论坛", 9, ["马山生命健康论坛"],
     "品牌海智活动，第9项要求持续办好。", role="持续办好")
rel("LOCATED_IN", "program/wuxi-mashan-health-forum", "region/wuxi-mashan", 9)
prog("program/haizhi-brand-events", "EVENT", "品牌海智活动", 9, ["海智活动"],
     "以无锡马山生命健康论坛为代表的品牌海智活动。", role="持续办好")
C(9, "society/national-societies", "吸引来苏办会")
prog("program/national-society-academic-platform", "PLATFORM", "全国学会高层次学术交流平台", 9,
     [], "第9项依托全国学会高层次学术交流平台深入推进学术交流。", role="依托",
     run="society/national-societies")
prog("program/national-society-conferences-in-jiangsu", "EVENT", "全国学会来苏高层次学术会议", 9,
     ["高层次学术会议"], "第9项吸引全国学会来苏举办高层次学术会议。", role="吸引举办",
     run="society/national-societies", run_role="举办")
C(9, "society/provincial-societies", "办好学术交流活动")
prog("program/provincial-society-academic-exchanges", "EVENT", "省学会学术交流活动", 9,
     ["学术交流活动"], "第9项带动省学会办好各类学术交流活动。", role="带动",
     run="society/provincial-societies", run_role="举办")

# item 10
prog("program/journal-strengthening", "PROGRAM", "科技期刊强刊工程支持计划", 10,
     ["科技期刊强刊工程", "“科技期刊强刊工程”支持计划"],
     "第10项实施的支持计划：做精基础和优势领域期刊，布局新兴交叉和战略前沿领域新刊。", role="实施")
prog("program/china-jiangsu-journals", "PUBLICATION", "中国、江苏期刊", 10,
     ["江苏期刊", "江苏科技期刊"],
     "第10项吸引更多优秀论文和重大科研成果在中国、江苏期刊首发（期刊群体节点）。",
     role="吸引首发", run=None, concern=True)
C(10, "region/china", "期刊首发")
prog("program/provincial-top-100-papers-2024", "AWARD", "2024年省自然科学百篇优秀学术成果论文", 10,
     ["省自然科学百篇优秀学术成果论文", "“2024年省自然科学百篇优秀学术成果论文”"],
     "第10项评选的年度优秀论文。", role="评选", year=2024)
prog("program/st-evaluation-reform", "CAMPAIGN", "科技评价改革", 10, [],
     "第10项深化科技评价改革，坚持同行评价、同业评价。", role="深化")
C(10, "society/society-consortia", "依托评选")
prog("program/top10-industry-advances-2023", "AWARD", "2023年度省行业领域十大科技进展", 10,
     ["省行业领域十大科技进展", "“2023年度省行业领域十大科技进展”"],
     "依托学会联合体评选发布。", role="评选发布", run_role="评选发布", year=2023)
RUN("program/top10-industry-advances-2023", "society/society-consortia", 10, "依托评选")

# item 11
prog("program/national-innovation-driven-demo-city", "DESIGNATION", "全国创新驱动示范市", 11,
     ["“全国创新驱动示范市”"], "第11项深化“全国创新驱动示范市”建设。", role="深化建设",
     run_role="深化建设")
prog("program/kechuang-china-pilot-city", "DESIGNATION", "科创中国试点城市", 11,
     ["“科创中国试点城市”"], "第11项深化“科创中国试点城市”建设。", role="深化建设",
     run_role="深化建设")
prog("program/kechuang-jiangsu", "PROGRAM", "科创江苏", 11, ["“科创江苏”"],
     "“科创江苏”品牌：第11项扩大“科创江苏”试点县区覆盖，第12项举办“科创江苏”创新创业大赛。",
     role="扩大试点覆盖")
prog("program/kechuang-jiangsu-pilot-counties", "DESIGNATION", "科创江苏试点县区", 11,
     ["“科创江苏”试点县区"], "第11项扩大“科创江苏”试点县区覆盖，服务打造区域创新高地。",
     role="扩大覆盖")
C(11, "region/jiangsu", "我省重点发展的先进制造业集群和产业链")
prog("program/societies-parks-cooperation", "CAMPAIGN", "全国学会与省级以上经开区、高新区合作", 11,
     ["推动100个全国学会与100家省级以上经开区、高新区开展合作", "100个全国学会与100家省级以上经开区、高新区开展合作"],
     "描述性名称（原文未给专名）：聚焦16个先进制造业集群和50条产业链、围绕培育发展未来产业，推动100个全国学会与100家省级以上经开区、高新区开展合作。",
     role="推动")
C(11, "society/national-societies", "合作方")
rel("PARTICIPATES_IN", "society/national-societies", "program/societies-parks-cooperation", 11,
    role="合作方（100个全国学会）")
for id_, name, al, pt in [
        ("park/provincial-and-above-edz", "省级以上经开区", ["省级以上经济技术开发区", "经开区"],
         "ECONOMIC_DEVELOPMENT_ZONE"),
        ("park/provincial-and-above-htz", "省级以上高新区", ["省级以上高新技术产业开发区", "高新区"],
         "HIGH_TECH_ZONE")]:
    node(id_, "Park", name, 11, al,
         "群体节点：第11项推动100个全国学会与100家省级以上经开区、高新区开展合作。",
         parkType=pt, level="省级以上")
    C(11, id_, "合作方")
    rel("PARTICIPATES_IN", id_, "program/societies-parks-cooperation", 11, role="合作方（100家园区）")
    rel("LOCATED_IN", id_, "region/jiangsu", 11)
node("institution/industry-academician-innovation-centers", "Institution", "产业院士协同创新中心",
     11, [], "第11项要求建好用好产业院士协同创新中心（群体节点）。",
     institutionType="INNOVATION_CENTER")
C(11, "institution/industry-academician-innovation-centers", "建好用好")
node("institution/society-industry-institutes", "Institution", "学会产业研究院", 11, [],
     "第11项推动全国、省学会建立学会产业研究院（群体节点）。", institutionType="RESEARCH_INSTITUTE")
C(11, "institution/society-industry-institutes", "推动建立")
C(11, "society/provincial-societies", "建立学会产业研究院、科创资源下沉服务企业")
prog("program/enterprise-society-cooperation", "PROGRAM", "企会合作", 11, [],
     "第11项推进企会合作，引导学会科创资源下沉服务企业。", role="推进")
for id_, name in [("institution/professional-st-service-teams", "专业科技服务团"),
                  ("institution/regional-st-service-teams", "区域科技服务团")]:
    node(id_, "Institution", name, 11, [],
         "第11项推进企会合作而组建的%s（群体节点）。" % name, institutionType="OTHER")
    C(11, id_, "组建")

# 16 advanced manufacturing clusters (public record) and a few key chains
CLUSTERS = [
    ("new-power-equipment", "新型电力(新能源)装备", ["新型电力（新能源）装备", "新型电力装备"]),
    ("construction-machinery", "工程机械", []),
    ("internet-of-things", "物联网", []),
    ("high-end-textiles", "高端纺织", []),
    ("biomedicine", "生物医药", []),
    ("new-medical-devices", "新型医疗器械", []),
    ("integrated-circuits", "集成电路", []),
    ("frontier-new-materials", "前沿新材料", []),
    ("nano-new-materials", "纳米新材料", []),
    ("ships-offshore-equipment", "高技术船舶和海工装备", ["海工装备和高技术船舶"]),
    ("energy-saving-environmental", "节能环保", []),
    ("new-displays", "新型显示", []),
    ("high-end-equipment", "高端装备", []),
    ("software-information-services", "软件和信息服务", []),
    ("nev-connected-vehicles", "新能源(智能网联)汽车", ["新能源（智能网联）汽车"]),
    ("green-food", "绿色食品", []),
]
for slug, name, al in CLUSTERS:
    node("industry-cluster/" + slug, "IndustryCluster", name, PUB_CLUSTER, al,
         "江苏省重点发展的16个先进制造业集群之一（第11项“16个先进制造业集群”）。")
    C(11, "industry-cluster/" + slug, "聚焦（16个先进制造业集群）")
CHAINS = [
    ("uhv-equipment", "特高压设备", "new-power-equipment"),
    ("crystalline-silicon-pv", "晶硅光伏", "new-power-equipment"),
    ("wind-power-equipment", "风电装备", "new-power-equipment"),
    ("cranes", "起重机", "construction-machinery"),
    ("internet-of-vehicles", "车联网", "nev-connected-vehicles"),
    ("power-batteries", "动力电池", "nev-connected-vehicles"),
    ("innovative-drugs", "创新药", "biomedicine"),
    ("industrial-robots", "工业机器人", "high-end-equipment"),
]
for slug, name, cl in CHAINS:
    node("industry-chain/" + slug, "IndustryChain", name, PUB_CHAIN, [],
         "江苏省重点产业链之一（第11项“50条产业链”中的部分示例，未逐一收录50条）。")
    rel("PART_OF", "industry-chain/" + slug, "industry-cluster/" + cl, PUB_CHAIN)
    C(11, "industry-chain/" + slug, "聚焦（50条产业链）")
# The ten chains the provincial plan for strengthening chains singles out for
# 卓越提升 (three of them are above). The plan places them under its 13
# clusters of 2021 without saying which of today's 16 each belongs to, so no
# PART_OF is recorded for these seven. The other chains of the 50 have no
# public list that could be named here (data/README.md).
PUB_STRONG_CHAINS = ("public record: 江苏省人民政府办公厅《江苏省“产业强链”三年行动计划（2021—2023年）》"
                     "(印发 2020-12-19): the 10 chains for 卓越提升")
STRONG_CHAINS = [
    ("brand-apparel", "品牌服装"),
    ("advanced-carbon-materials", "先进碳材料"),
    ("biomedicine", "生物医药"),
    ("integrated-circuits", "集成电路"),
    ("high-tech-ships", "高技术船舶"),
    ("rail-transit-equipment", "轨道交通装备"),
    ("big-data-plus", "大数据+"),
]
for slug, name in STRONG_CHAINS:
    node("industry-chain/" + slug, "IndustryChain", name, PUB_STRONG_CHAINS, [],
         "江苏省重点产业链之一：《江苏省“产业强链”三年行动计划（2021—2023年）》列为促进卓越提升的10条产业链之一。")
    C(11, "industry-chain/" + slug, "聚焦（50条产业链）")

# item 12
prog("program/ten-thousand-experts", "CAMPAIGN", "万名专家进万企行动", 12,
     ["万名专家进万企", "“万名专家进万企”行动"],
     "动员引领院士专家走进企业、创建“科学家+企业家”合作模式的行动。", role="实施")
prog("program/scientist-entrepreneur-model", "PROGRAM", "科学家+企业家合作模式", 12,
     ["科学家+企业家", "“科学家+企业家”合作模式"], "第12项创建的合作模式。", role="创建")
for id_ in ["association/city-cast", "association/county-cast"]:
    C(12, id_, "推动科技型企业家担任科协副主席")
node("association/township-cast", "Association", "乡镇街道科协", 12, ["乡镇科协", "街道科协", "乡科协"],
     "乡镇（街道）科协（群体节点）：第12项推动科技型企业家担任市县乡科协副主席；第20项深化乡镇街道科协建设。",
     level="TOWNSHIP")
C(12, "association/township-cast", "推动科技型企业家担任科协副主席")
prog("program/enterprise-innovation-talent-selection", "CAMPAIGN", "企业创新达人遴选宣讲活动", 12,
     ["企业创新达人"], "第12项开展企业创新达人遴选宣讲活动。", role="开展")
prog("program/enterprise-innovation-method-contest", "COMPETITION", "企业创新方法大赛", 12, [],
     "第12项举办的企业创新方法大赛。", role="举办")
prog("program/kechuang-jiangsu-entrepreneurship-contest", "COMPETITION", "科创江苏创新创业大赛", 12,
     ["“科创江苏”创新创业大赛"], "第12项举办的“科创江苏”创新创业大赛。", role="举办")
prog("program/overseas-talent-entrepreneurship-contest", "COMPETITION", "海外人才创新创业大赛", 12,
     [], "第12项举办的海外人才创新创业大赛。", role="举办")
prog("program/ip-lecture-tour", "CAMPAIGN", "知识产权巡讲系列活动", 12, ["知识产权巡讲"],
     "第12项组织的知识产权巡讲系列活动。", role="组织")
prog("program/patent-info-push", "PROGRAM", "专利信息推送", 12, [],
     "第12项开展专利信息推送。", role="开展")
prog("program/patent-application-cases", "AWARD", "专利信息优秀应用案例评选", 12, ["优秀应用案例评选"],
     "第12项开展的优秀应用案例评选（与专利信息推送并列）。", role="评选")

# --------------------------------------------------------------------------
# section 4
# --------------------------------------------------------------------------
# item 13
prog("program/national-sci-literacy-action", "CAMPAIGN", "全民科学素质提升行动", 13, [],
     "第13项实施的全民科学素质提升行动。", role="实施")
prog("program/popsci-implementation-opinions", "DOCUMENT",
     "关于新时代进一步加强科学技术普及工作的实施意见", 13,
     ["《关于新时代进一步加强科学技术普及工作的实施意见》"],
     "第13项要求贯彻落实的文件。", role="贯彻落实", run=None, concern=True)
prog("program/provincial-sci-literacy-plan", "DOCUMENT", "省全民科学素质行动规划", 13,
     ["《省全民科学素质行动规划》", "江苏省全民科学素质行动规划"],
     "第13项要求贯彻落实的规划。", role="贯彻落实", run=None, concern=True)
prog("program/five-key-groups-popsci", "CAMPAIGN", "五大重点人群科普行动", 13, [],
     "第13项扎实推进五大重点人群科普行动，提升全民科学素质。", role="推进")
prog("program/k12-science-education", "PROGRAM", "中小学科学教育", 13, ["中小学科学教育工作"],
     "第13项做好中小学科学教育工作。", role="做好")
prog("program/science-education-demo-schools", "DESIGNATION", "省科学教育综合示范学校", 13,
     ["江苏省科学教育综合示范学校"], "第13项评定的示范学校称号。", role="评定")
prog("program/youth-science-studios", "DESIGNATION", "全国科创筑梦青少年科学工作室", 13,
     ["“全国科创筑梦青少年科学工作室”"], "第13项创建的青少年科学工作室称号。", role="创建",
     run_role="创建")
prog("program/university-science-camp", "EVENT", "高校科学营", 13, ["高校科学营活动"],
     "第13项组织高校科学营活动。", role="组织", run_role="组织")
prog("program/double-reduction", "PROGRAM", "双减", 13, ["“双减”"],
     "国家“双减”政策，第13项深化科普助力“双减”工作。", role="科普助力", run=None, concern=True)
prog("program/youth-st-innovation-contest", "COMPETITION", "青少年科技创新大赛", 13,
     ["江苏省青少年科技创新大赛"], "第13项办好的品牌活动。", role="办好")
prog("program/golden-key-contest", "COMPETITION", "金钥匙科技竞赛", 13, [],
     "第13项办好的品牌活动。", role="办好")

# item 14
node("institution/jiangsu-natural-science-museum", "Institution", "省自然科学技术馆", 14,
     ["江苏省自然科学技术馆"], "第14项持续推进建设的省级科技馆。", institutionType="VENUE")
C(14, "institution/jiangsu-natural-science-museum", "持续推进建设")
rel("LOCATED_IN", "institution/jiangsu-natural-science-museum", "region/jiangsu", 14)
node("institution/city-county-sci-tech-museums", "Institution", "市县综合科技馆", 14, [],
     "第14项推动建设的市县综合科技馆（群体节点）。", institutionType="VENUE")
C(14, "institution/city-county-sci-tech-museums", "推动建设")
node("institution/popsci-demo-bases", "Institution", "科普示范基地", 14, [],
     "第14项规范建设的科普示范基地（群体节点）。", institutionType="EDUCATION_BASE")
C(14, "institution/popsci-demo-bases", "规范建设")
prog("program/popsci-public-works-contest", "COMPETITION", "科普公益作品大赛", 14, [],
     "第14项举办的科普公益作品大赛。", role="举办")
prog("program/excellent-popsci-works", "AWARD", "优秀科普作品评选", 14, ["优秀科普作品评选活动"],
     "第14项举办的优秀科普作品评选活动。", role="举办")
prog("program/popsci-publishing-subsidy", "PROGRAM", "科普创作选题出版资助", 14,
     ["对科普创作选题进行出版资助"], "第14项对科普创作选题进行出版资助。", role="资助")
prog("program/popsci-resource-sharing", "PROGRAM", "科普资源共建共享", 14, [],
     "第14项推动科普资源共建共享。", role="推动")
prog("program/national-popsci-day", "EVENT", "全国科普日", 14, ["全国科普日活动"],
     "第14项组织好全国科普日暨省科普宣传周活动。", role="组织", run_role="组织省内活动")
prog("program/provincial-popsci-week", "EVENT", "省科普宣传周", 14, ["江苏省科普宣传周"],
     "与全国科普日同期组织的省科普宣传周活动。", role="组织")
for id_, name in [("program/top10-popsci-people", "十大科普人物"),
                  ("program/top10-popsci-collectives", "十大科普集体"),
                  ("program/top10-popsci-achievements", "十大科普成果")]:
    prog(id_, "AWARD", "全省年度" + name, 14, [name],
         "第14项大力推介的全省年度%s。" % name, role="推介")
prog("program/academicians-grassroots-popsci", "CAMPAIGN", "院士专家进基层精准科普服务", 14,
     ["院士专家进基层", "精准科普服务"], "第14项推动院士专家进基层开展精准科普服务。", role="推动")
prog("program/popsci-title-evaluation", "PROGRAM", "科普职称评定", 14, [],
     "第14项扩大科普职称评定工作的覆盖面和影响力。", role="扩大覆盖")
node("institution/st-communication-expert-team", "Institution", "科技传播专家服务团", 14, [],
     "第14项建设的科技传播专家服务团。", institutionType="OTHER")
C(14, "institution/st-communication-expert-team", "建设")
prog("program/st-volunteer-service", "CAMPAIGN", "科技志愿服务", 14, [],
     "第14项引领科技工作者投身科技志愿服务。", role="引领", run_role="引领")

# item 15
prog("program/popsci-cloud", "PLATFORM", "科普云", 15, ["“科普云”"],
     "第15项推动“科普云”资源落地应用。", role="推动落地应用")
prog("program/today-science", "PUBLICATION", "今日科学", 15, ["“今日科学”"],
     "第15项办好的品牌栏目。", role="办好")
prog("program/popsci-dongshi", "PUBLICATION", "科普动视", 15, ["“科普动视”"],
     "第15项办好的品牌栏目。", role="办好")
prog("program/digital-online-popsci-museum", "PLATFORM", "数字化网上科普馆", 15, ["网上科普馆"],
     "第15项建好的数字化网上科普馆。", role="建好")

# --------------------------------------------------------------------------
# section 5
# --------------------------------------------------------------------------
# item 16
prog("program/st-development-forum-platform", "PLATFORM", "科技发展论坛平台", 16, ["科技发展论坛"],
     "第16项打造的高层次、战略性、前瞻性科技发展论坛平台。", role="打造")
C(16, "institution/jiangsu-party-committee", "关注领域")
C(16, "institution/jiangsu-provincial-government", "关注领域")
prog("program/yrd-st-forum", "EVENT", "长三角科技论坛", 16, [],
     "第16项打造的科技发展论坛。", role="打造")
rel("LOCATED_IN", "program/yrd-st-forum", "region/yangtze-river-delta", 16)
C(16, "region/yangtze-river-delta", "论坛区域")
prog("program/young-scientists-annual-meeting", "EVENT", "省青年科学家年会", 16,
     ["江苏省青年科学家年会"], "第16项打造的科技发展论坛。", role="打造")
prog("program/think-tank-conference", "EVENT", "科技智库大会", 16, [],
     "第16项打造的科技发展论坛。", role="打造")

# item 17
node("institution/suke-innovation-strategy-institute", "Institution", "苏科创新战略研究院", 17, [],
     "第17项要求发挥其在科技智库体系中的核心作用。", institutionType="THINK_TANK")
C(17, "institution/suke-innovation-strategy-institute", "发挥核心作用")
prog("program/small-center-big-periphery", "PROGRAM", "小中心、大外围科技智库体系", 17,
     ["小中心、大外围", "“小中心、大外围”的科技智库体系"],
     "第17项构建的科技智库体系。", role="构建")
prog("program/provincial-think-tank-projects", "PROGRAM", "省科技智库项目", 17, [],
     "第17项立项支持的省科技智库项目。", role="立项支持")
prog("program/think-tank-excellent-results", "AWARD", "省科技智库优秀成果", 17, [],
     "第17项评选的省科技智库优秀成果。", role="评选")
prog("program/st-workers-suggestions", "PUBLICATION", "科技工作者建议", 17, ["《科技工作者建议》"],
     "第17项要求用好的决策咨询载体。", role="用好", run_role="用好")
prog("program/think-tank-bulletin", "PUBLICATION", "科技智库专报", 17, ["《科技智库专报》"],
     "第17项要求用好的决策咨询载体。", role="用好", run_role="用好")

# item 18
PS = "society/provincial-societies"
prog("program/government-function-transfer", "PROGRAM", "承接政府转移职能", 18, ["政府转移职能"],
     "第18项主动承接政府转移职能，发挥学会专业优势。", role="主动承接", run=PS, run_role="承接")
C(18, PS, "发挥学会专业优势")
prog("program/industry-standards", "DOCUMENT", "行业标准", 18, [],
     "学会牵头制定的行业标准（群体节点）。", role="牵头制定", run=PS, run_role="牵头制定")
prog("program/group-standards", "DOCUMENT", "团体标准", 18, [],
     "学会牵头制定的团体标准（群体节点）。", role="牵头制定", run=PS, run_role="牵头制定")
prog("program/industry-development-reports", "PUBLICATION", "行业发展报告", 18, [],
     "学会发布的行业发展报告（群体节点）。", role="发布", run=PS, run_role="发布")
prog("program/third-party-evaluation", "PROGRAM", "第三方评价", 18, [],
     "学会开展的第三方评价工作。", role="开展", run=PS, run_role="开展")
prog("program/society-title-evaluation", "PROGRAM", "学会职称评定", 18, ["职称评定"],
     "学会开展的职称评定工作。", role="开展", run=PS, run_role="开展")

# --------------------------------------------------------------------------
# section 6
# --------------------------------------------------------------------------
# item 19
C(19, "institution/cpc-central-committee", "改革部署")
C(19, "institution/jiangsu-party-committee", "改革部署")
node("association/cast", "Association", "中国科学技术协会", 19, ["中国科协"],
     "第19项落实中国科协改革部署。", level="NATIONAL")
C(19, "association/cast", "改革部署")
rel("LOCATED_IN", "association/cast", "region/china", 19)
prog("program/st-talent-system-reform", "CAMPAIGN", "科技及人才发展体制改革", 19, [],
     "第19项大力推进科技及人才发展体制改革。", role="大力推进", run_role="大力推进")
prog("program/three-year-st-reform-campaign", "CAMPAIGN", "深化科技体制改革三年攻坚行动", 19, [],
     "第19项继续实施深化科技体制改革三年攻坚行动（原文未写明发起单位）。", role="继续实施",
     run_role="继续实施")
prog("program/smart-cast", "PLATFORM", "智慧科协", 19, ["智慧科协建设"],
     "第19项加快推进智慧科协建设，深化数字化转型、增强网上动员能力。", role="加快推进建设")

# item 20
for id_, name, al, what in [
        ("institution/jiangsu-cast-standing-committee", "江苏省科协常务委员会", ["常委会", "省科协常委会"],
         "坚持常委会例会制度"),
        ("institution/jiangsu-cast-chair-office-meeting", "江苏省科协主席办公会", ["主席办公会"],
         "坚持主席办公会例会制度"),
        ("institution/jiangsu-cast-special-committees", "江苏省科协专门委员会", ["专委会", "省科协专委会"],
         "推动专委会发挥作用")]:
    node(id_, "Institution", name, 20, al, "第20项：%s。" % what, institutionType="OTHER")
    C(20, id_, what)
prog("program/member-liaison-system", "PROGRAM", "委员联系科技工作者制度", 20, [],
     "第20项落实委员联系科技工作者制度。", role="落实")
prog("program/cast-delegates-home", "PLATFORM", "科协代表之家", 20, [],
     "第20项建好用好科协代表之家，服务委员代表履职尽责。", role="建好用好")
prog("program/north-south-co-building", "PROGRAM", "科协系统南北共建项目", 20, [],
     "第20项实施的科协系统南北共建项目。", role="实施")
C(20, "society/emerging-interdisciplinary-societies", "大力发展新学会")
C(20, "society/society-consortia", "建强")
C(20, PS, "业务指导、动态分类考核")
prog("program/society-dynamic-assessment", "PROGRAM", "学会动态分类考核", 20, [],
     "第20项实施学会动态分类考核，全面加强对学会的业务指导。", role="实施")
prog("program/provincial-society-capacity", "PROGRAM", "省学会提升能力计划", 20, [],
     "第20项实施，持续打造一流学会。", role="实施")
prog("program/first-class-societies", "DESIGNATION", "一流学会", 20, [],
     "第20项持续打造具有标志性、引领性、突破性的一流学会。", role="打造")
prog("program/university-cast-capacity", "PROGRAM", "高校科协提升能力计划", 20, [],
     "第20项实施，丰富高校科协工作抓手。", role="实施")
C(20, "association/university-cast", "提升能力")
C(20, "association/institute-cast", "强化组织覆盖、建立直接联系机制")
C(20, "association/enterprise-cast", "强化组织覆盖、建立直接联系机制")
prog("program/county-cast-capacity", "PROGRAM", "县科协提升能力计划", 20, [],
     "第20项实施，推动基层科协服务高质量发展。", role="实施")
C(20, "association/county-cast", "提升能力")
C(20, "association/township-cast", "深化建设")
for id_ in ["program/provincial-society-capacity", "program/first-class-societies",
            "program/society-dynamic-assessment"]:
    rel("PARTICIPATES_IN", PS, id_, 20, role="对象")
rel("PARTICIPATES_IN", "association/university-cast", "program/university-cast-capacity", 20,
    role="对象")
rel("PARTICIPATES_IN", "association/county-cast", "program/county-cast-capacity", 20, role="对象")

# item 21
C(21, "institution/jiangsu-cast-departments", "科协机关建设")
prog("program/service-oriented-organ", "DESIGNATION", "服务型机关", 21, ["服务型机关建设"],
     "第21项深化服务型机关建设。", role="深化建设")
prog("program/model-organ", "DESIGNATION", "模范机关", 21, ["模范机关建设"],
     "第21项深化模范机关建设。", role="深化建设")
prog("program/public-institution-reform", "CAMPAIGN", "事业单位改革", 21, [],
     "第21项推进（省科协直属）事业单位改革。", role="推进")
C(21, "institution/jiangsu-cast-affiliated-units", "事业单位改革")
prog("program/anti-formalism", "CAMPAIGN", "整治形式主义官僚主义", 21, ["为基层减负"],
     "第21项坚决整治形式主义官僚主义，切实为基层减负。", role="坚决整治")
prog("program/clean-organ", "DESIGNATION", "廉洁机关", 21, ["廉洁机关建设"],
     "第21项持续推进廉洁机关建设。", role="持续推进")
prog("program/integrity-education", "CAMPAIGN", "廉政教育", 21, [],
     "第21项强化廉政教育。", role="强化")
prog("program/institutional-cage", "DESIGNATION", "制度笼子", 21, ["笼子", "制度“笼子”"],
     "提法：第21项要求扎牢制度“笼子”。", role="扎牢", run=None, concern=True)

# --------------------------------------------------------------------------
# sections and items (structure) -- placed first in the output
# --------------------------------------------------------------------------
struct_nodes, struct_rels = [], []
for s in range(1, 7):
    struct_nodes.append({"id": "section/2024-%d" % s, "kind": "PlanSection", "name": sections[s],
                         "props": {"year": 2024, "number": s},
                         "source": "plan 2024, section %d" % s})
    struct_rels.append({"type": "PART_OF", "from": "section/2024-%d" % s, "to": PLAN,
                        "source": "plan 2024, section %d" % s})
for n in range(1, 22):
    title, text = items[n]
    struct_nodes.append({"id": item(n), "kind": "PlanItem", "name": title,
                         "props": {"year": 2024, "number": n, "text": text},
                         "source": "plan 2024, item %d" % n})
    struct_rels.append({"type": "PART_OF", "from": item(n),
                        "to": "section/2024-%d" % SECTION_OF[n], "source": "plan 2024, item %d" % n})

# The programs an item launches, in the order its text names them: each
# LAUNCHES gets its position (1, 2, …), so that the API lists them so. A
# program is placed where its name or an alias first occurs in the item (its
# title, then its text); one the text does not name literally goes last, in
# the order it was written above.
by_id = {nd["id"]: nd for nd in nodes}
for n in range(1, 22):
    title, text = items[n]
    whole = title + "\n" + text
    launched = [r for r in rels if r["type"] == "LAUNCHES" and r["from"] == item(n)]

    def first_mention(r, whole=whole):
        nd = by_id[r["to"]]
        found = [whole.find(x) for x in [nd["name"]] + nd.get("aliases", []) if whole.find(x) >= 0]
        return min(found) if found else len(whole)
    for pos, r in enumerate(sorted(launched, key=first_mention), start=1):
        r.setdefault("props", {})["position"] = pos

out = {"source": "plan 2024",
       "nodes": nodes[:1] + struct_nodes + nodes[1:],
       "relationships": struct_rels + rels}
with open(OUT, "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, indent=2)
    f.write("\n")
print("wrote %s: %d nodes, %d relationships" % (OUT, len(out["nodes"]), len(out["relationships"])))
