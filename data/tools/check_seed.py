#!/usr/bin/env python3
"""Validate castgraph seed files (data/plan2024.json, data/demo.json).

Checks
  * file shape: top-level keys, node/relationship keys (unknown keys are errors)
  * ids: unique over both files, `<kind-prefix>/<ascii-slug>`
  * node kinds, allowed props, prop types and enums, required props
  * relationship types, endpoint kinds, allowed relationship props
  * every referenced id exists in the two files combined; plan2024.json is
    self-contained (it never points into demo.json)
  * `source` on every node and relationship; plan sources follow
    "plan 2024[, notice|preamble|section N|item N]" or "public record: ...";
    demo sources are exactly "synthetic demo roster" and demo descriptions start
    with 【合成数据】; demo organisations carry 示例 in their names
  * enterprise creditCode: GB 32100-2015 check character (and the embedded
    GB 11714 organisation-code check digit)
  * plan structure: 1 plan, sections 1-6, items 1-21, PART_OF wiring, section
    and item titles and item texts verbatim against the source document
  * provenance: every node sourced to "plan 2024, item N" is LAUNCHES/CONCERNS-
    linked from item N; every document-sourced node has a name or alias that
    occurs literally in the document
  * completeness: every “…” and 《…》 quoted string of the document is the name
    or alias of some node (this list must be empty); a list of expected
    unquoted names must be present; a suffix scan (…计划, …工程, …大赛, …) lists
    document phrases that no name/alias covers (warnings, for review)

Usage: python3 data/tools/check_seed.py [--source DOC] [PLAN_JSON DEMO_JSON]
Exit status 1 when there are errors.
"""
import argparse
import collections
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)
# The public source document, kept in the repository so the checks need
# nothing beside the checkout.
DOC_DEFAULT = os.path.join(DATA, "source", "plan2024.txt")
DEMO_SOURCE = "synthetic demo roster"
DEMO_MARK = "【合成数据】"

PREFIX = {
    "Plan": "plan", "PlanSection": "section", "PlanItem": "item",
    "Association": "association", "Society": "society", "Expert": "expert",
    "OverseasStation": "overseas-station", "Enterprise": "enterprise", "Park": "park",
    "Institution": "institution", "IndustryCluster": "industry-cluster",
    "IndustryChain": "industry-chain", "Region": "region", "Program": "program",
}
DATE = ("date", None)
STR = ("str", None)
INT = ("int", None)


def enum(*v):
    return ("enum", set(v))


PROPS = {
    "Plan": {"year": INT, "issuedOn": DATE, "publishedOn": DATE},
    "PlanSection": {"year": INT, "number": ("int", range(1, 7))},
    "PlanItem": {"year": INT, "number": ("int", range(1, 22)), "text": STR},
    "Association": {"level": enum("NATIONAL", "PROVINCIAL", "CITY", "COUNTY", "UNIVERSITY",
                                  "INSTITUTE", "ENTERPRISE", "TOWNSHIP")},
    "Society": {"scope": enum("PROVINCIAL", "NATIONAL", "INTERNATIONAL", "CONSORTIUM"),
                "field": STR},
    "Expert": {"title": STR, "academician": ("bool", None), "field": STR,
               "disambiguation": STR},
    "OverseasStation": {"stationType": enum("OVERSEAS_BASE", "LIAISON_STATION",
                                            "OFFSHORE_INNOVATION_CENTER")},
    "Enterprise": {"creditCode": ("creditcode", None), "category": STR},
    "Park": {"parkType": enum("ECONOMIC_DEVELOPMENT_ZONE", "HIGH_TECH_ZONE", "OTHER"),
             "level": STR},
    "Institution": {"institutionType": enum("RESEARCH_INSTITUTE", "THINK_TANK", "VENUE",
                                            "INNOVATION_CENTER", "UNIVERSITY", "EDUCATION_BASE",
                                            "MEDIA", "GOVERNMENT", "OTHER")},
    "IndustryCluster": {},
    "IndustryChain": {},
    "Region": {"regionType": enum("COUNTRY", "PROVINCE", "CITY", "COUNTY", "TOWNSHIP", "AREA")},
    "Program": {"kind": enum("PROGRAMME", "AWARD", "EVENT", "COMPETITION", "PUBLICATION",
                             "PLATFORM", "CAMPAIGN", "DESIGNATION", "DOCUMENT"),
                "year": INT},
}
REQUIRED = {"Plan": {"year"}, "PlanSection": {"year", "number"},
            "PlanItem": {"year", "number"}, "Program": {"kind"}}
REL_PROPS = {"role": STR, "since": DATE, "until": DATE, "year": INT, "via": STR}
# which of those each relationship type accepts (mirrors relation.go: the loader is strict)
REL_ALLOWED = {
    "MEMBER_OF": {"role", "since", "until"}, "AFFILIATED_WITH": {"role", "since", "until"},
    "SERVES": {"role", "via", "since", "until"}, "LIAISON_OF": {"role", "since", "until"},
    "IN_CHAIN": {"role"}, "PART_OF": set(), "LOCATED_IN": {"since"},
    "COOPERATES_WITH": {"role", "since", "year"}, "LAUNCHES": {"role"}, "RUN_BY": {"role"},
    "PARTICIPATES_IN": {"role", "year"}, "AWARDED": {"year", "role"}, "GUIDES": set(),
    "CONCERNS": {"role"},
}
# natural keys (kind.go): nodes of one kind with the same key are merged by the loader
KEY_PROPS = {"Plan": (["year"], False), "PlanSection": (["year", "number"], False),
             "PlanItem": (["year", "number"], False), "Expert": (["disambiguation"], True),
             "Enterprise": (["creditCode"], False)}

ANY = set(PREFIX)
PLANNISH = {"Plan", "PlanSection", "PlanItem"}
REL_RULES = {
    "PART_OF": [({"PlanSection"}, {"Plan"}), ({"PlanItem"}, {"PlanSection"}),
                ({"IndustryChain"}, {"IndustryCluster"})],
    "LAUNCHES": [({"PlanItem"}, {"Program"})],
    "CONCERNS": [({"PlanItem"}, ANY - PLANNISH)],
    "RUN_BY": [({"Program"}, {"Association", "Society", "Institution", "Enterprise"}),
               ({"Plan"}, {"Association"})],
    "PARTICIPATES_IN": [({"Association", "Society", "Institution", "Enterprise", "Expert",
                          "Park", "Region"}, {"Program"})],
    "LOCATED_IN": [(ANY - PLANNISH - {"IndustryChain"}, {"Region", "Park"})],
    "GUIDES": [({"Association"}, {"Society", "Association", "Institution"})],
    "MEMBER_OF": [({"Expert", "Society"}, {"Society"})],
    "AFFILIATED_WITH": [({"Expert"}, {"Enterprise", "Institution", "Society"})],
    "SERVES": [({"Expert"}, {"Enterprise"})],
    "LIAISON_OF": [({"Expert"}, {"OverseasStation"})],
    "IN_CHAIN": [({"Enterprise"}, {"IndustryChain"})],
    "COOPERATES_WITH": [({"Society"}, {"Park"})],
    "AWARDED": [({"Expert", "Society", "Institution", "Enterprise"}, {"Program"})],
}
NODE_KEYS = {"id", "kind", "name", "aliases", "description", "props", "source"}
REL_KEYS = {"type", "from", "to", "props", "source"}
TOP_KEYS = {"source", "nodes", "relationships"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
PLAN_SRC = re.compile(r"^plan 2024(?:, (?:notice|preamble|section [1-6]|item (?:[1-9]|1\d|2[01])))?$")
PUBLIC_SRC = re.compile(r"^public record: \S.*$")
SECTION_OF = {1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 2, 7: 3, 8: 3, 9: 3, 10: 3, 11: 3, 12: 3,
              13: 4, 14: 4, 15: 4, 16: 5, 17: 5, 18: 5, 19: 6, 20: 6, 21: 6}

# unquoted names the plan must carry (from the document); each must be a node name or alias
EXPECTED_NAMES = [
    "江苏省科学技术协会", "中国科协", "省委", "省政府", "党中央",
    "省级学会", "高校科协", "省部属科研院所科协", "省部属企业科协", "设区市科协", "县(市、区)科协",
    "乡镇街道科协", "机关各部室", "各直属单位", "党组",
    "八个行动方案", "两组若干措施", "党建强会计划", "江苏科学大讲堂", "科学家精神教育基地",
    "科学家精神传播计划", "科学家精神宣讲团", "学习强国科创江苏平台", "科技工作者之家",
    "最具潜力青年科技人才托举工程", "中学生英才计划", "强基计划", "基础学科拔尖学生培养计划",
    "海智(离岸)基地", "海外联络站", "离岸创新中心", "海智专家",
    "国际机械系统动力学学会", "国际科技组织", "全国学会", "学会联合体", "无锡马山生命健康论坛",
    "全国学会高层次学术交流平台", "海外科技团体", "产业院士协同创新中心", "学会产业研究院",
    "专业科技服务团", "区域科技服务团", "企会合作", "企业创新方法大赛", "海外人才创新创业大赛",
    "知识产权巡讲系列活动", "全民科学素质提升行动", "五大重点人群科普行动", "省科学教育综合示范学校",
    "高校科学营", "青少年科技创新大赛", "金钥匙科技竞赛", "省自然科学技术馆", "市县综合科技馆",
    "科普示范基地", "科普公益作品大赛", "优秀科普作品评选活动", "全国科普日", "省科普宣传周",
    "十大科普人物", "十大科普集体", "十大科普成果", "科技传播专家服务团", "科普职称评定",
    "数字化网上科普馆", "长三角科技论坛", "省青年科学家年会", "科技智库大会", "苏科创新战略研究院",
    "省科技智库项目", "省科技智库优秀成果", "行业标准", "团体标准", "行业发展报告", "第三方评价",
    "深化科技体制改革三年攻坚行动", "智慧科协", "常委会", "主席办公会", "专委会",
    "委员联系科技工作者制度", "科协代表之家", "科协系统南北共建项目", "学会动态分类考核",
    "省学会提升能力计划", "高校科协提升能力计划", "县科协提升能力计划", "模范机关", "廉洁机关",
    "江苏省", "中国", "长三角", "无锡马山",
    "南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市", "连云港市", "淮安市", "盐城市",
    "扬州市", "镇江市", "泰州市", "宿迁市",
    "新型电力(新能源)装备", "工程机械", "物联网", "高端纺织", "生物医药", "新型医疗器械", "集成电路",
    "前沿新材料", "纳米新材料", "高技术船舶和海工装备", "节能环保", "新型显示", "高端装备",
    "软件和信息服务", "新能源(智能网联)汽车", "绿色食品",
]
# suffixes that usually end a named thing; used by the (warning-only) coverage scan
SUFFIXES = ["计划", "工程", "行动", "大赛", "竞赛", "奥赛", "论坛", "年会", "大会", "基地", "中心",
            "平台", "学会", "科协", "奖", "报", "馆", "之家", "讲堂", "宣传周", "科普日", "研究院",
            "服务团", "宣讲团", "联络站", "清单", "规划", "意见", "方案", "项目", "栏目", "体系",
            "制度", "机制", "活动", "评选", "联合体", "组织", "团体", "期刊", "新刊", "标准", "报告",
            "工作室", "学校", "科学营", "全会", "措施", "试点城市", "示范市", "集群", "产业链"]
# phrases the suffix scan flags that were reviewed and deliberately not modelled as nodes
# (generic wording, mechanisms, or parts of names that are modelled under another form)
REVIEWED = {
    # the 科协 system / organisations in general (group nodes exist for each level)
    "做示范中展现科协", "推动全省各级科协", "推动全省各级科协组织", "整合全省科协组织", "引领科协",
    "服务力更强的科协", "服务力更强的科协组织", "推动基层科协", "面向科协", "企业科协组织",
    "讲话重要指示精神作为推动科协", "完善党组对科协", "完善党组对科协工作的组织", "完善广泛参与科协",
    # working mechanisms, not named programmes
    "党组对科协工作的组织领导机制", "善广泛参与科协工作的协同机制", "联系服务科技工作者的体制机制",
    "建立直接联系机制", "主席办公会例会制度",
    # journal scope inside 科技期刊强刊工程支持计划
    "做精基础和优势领域期刊", "局新兴交叉和战略前沿领域新刊",
    # the 16 clusters / chains are modelled one by one
    "先进制造业集群和50条产业链", "点发展的16个先进制造业集群",
    # generic tails of phrases whose named part is modelled
    "全国科普日暨省科普宣传周活动", "好今日科学科普动视等品牌栏目", "金钥匙科技竞赛等品牌活动",
    "恢复评选", "省政府中心", "推动海外项目",
    # generic 学会 = the 省级学会 group node (linked from items 3, 11, 18, 20)
    "全面加强对学会", "发挥学会", "引导学会", "推动党的创新理论进学会", "提升学会",
    # bare verbs / common nouns (组织好…, 评选…, 科技战略、规划、政策, 科协系统干部)
    "科协", "组织", "规划", "评选",
}

# ---- GB 32100-2015 (unified social credit code) -------------------------------
UCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
UCC_W = [pow(3, i, 31) for i in range(17)]
ORG_W = [3, 7, 9, 10, 5, 8, 4, 2]


def ucc_check(code17):
    s = sum(UCC_CHARS.index(c) * w for c, w in zip(code17, UCC_W))
    return UCC_CHARS[(31 - s % 31) % 31]


def org_check(body8):
    s = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, ORG_W))
    c = 11 - s % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def credit_code_problem(code):
    if not isinstance(code, str) or len(code) != 18:
        return "must be an 18-character string"
    if any(c not in UCC_CHARS for c in code):
        return "characters outside the GB 32100 set"
    if code[2:8] and not code[2:8].isdigit():
        return "positions 3-8 (administrative division code) must be digits"
    if ucc_check(code[:17]) != code[17]:
        return "check character should be %s" % ucc_check(code[:17])
    if org_check(code[8:16]) != code[16]:
        return "organisation-code check digit should be %s" % org_check(code[8:16])
    return None


def normkey(s):
    """kind.go NormalizeName: NFKC, collapse white space, lower-case"""
    return " ".join(unicodedata.normalize("NFKC", s).split()).lower()


def norm(s):
    """compare names without quote marks, book-title marks and whitespace;
    full-width parentheses are folded to half-width"""
    s = re.sub(r"[\s“”《》\"]", "", s)
    return s.replace("（", "(").replace("）", ")")


class Checker:
    def __init__(self):
        self.errors = []
        self.warnings = []

    def err(self, where, msg):
        self.errors.append("%s: %s" % (where, msg))

    def warn(self, where, msg):
        self.warnings.append("%s: %s" % (where, msg))

    # ------------------------------------------------------------------
    def check_value(self, where, name, spec, v):
        t, allowed = spec
        if t == "int":
            if not isinstance(v, int) or isinstance(v, bool):
                return self.err(where, "prop %s must be an integer" % name)
            if allowed is not None and v not in allowed:
                self.err(where, "prop %s=%r out of range" % (name, v))
        elif t == "bool":
            if not isinstance(v, bool):
                self.err(where, "prop %s must be a boolean" % name)
        elif t == "str":
            if not isinstance(v, str) or not v.strip():
                self.err(where, "prop %s must be a non-empty string" % name)
        elif t == "date":
            if not isinstance(v, str) or not DATE_RE.match(v):
                self.err(where, "prop %s must be YYYY-MM-DD" % name)
        elif t == "enum":
            if v not in allowed:
                self.err(where, "prop %s=%r not in %s" % (name, v, sorted(allowed)))
        elif t == "creditcode":
            p = credit_code_problem(v)
            if p:
                self.err(where, "creditCode %r: %s" % (v, p))

    def load(self, path, label):
        try:
            with open(path, encoding="utf-8") as f:
                d = json.load(f)
        except Exception as e:  # noqa: BLE001
            self.err(label, "cannot load %s: %s" % (path, e))
            return None
        if not isinstance(d, dict):
            self.err(label, "top level must be an object")
            return None
        extra = set(d) - TOP_KEYS
        missing = TOP_KEYS - set(d)
        if extra:
            self.err(label, "unknown top-level keys %s" % sorted(extra))
        if missing:
            self.err(label, "missing top-level keys %s" % sorted(missing))
        d.setdefault("nodes", [])
        d.setdefault("relationships", [])
        return d

    def check_nodes(self, d, label, byid):
        for i, n in enumerate(d["nodes"]):
            where = "%s node[%d] %s" % (label, i, n.get("id", "?") if isinstance(n, dict) else "?")
            if not isinstance(n, dict):
                self.err(where, "node must be an object")
                continue
            extra = set(n) - NODE_KEYS
            if extra:
                self.err(where, "unknown keys %s" % sorted(extra))
            for k in ("id", "kind", "name", "source"):
                if not isinstance(n.get(k), str) or not n.get(k).strip():
                    self.err(where, "missing or empty %s" % k)
            kind, id_ = n.get("kind"), n.get("id", "")
            if kind not in PREFIX:
                self.err(where, "unknown kind %r" % kind)
                continue
            pre, _, slug = id_.partition("/")
            if pre != PREFIX[kind] or not SLUG.match(slug):
                self.err(where, "id must look like %s/<ascii-slug>" % PREFIX[kind])
            if id_ in byid:
                self.err(where, "duplicate id (also in %s)" % byid[id_][1])
            byid[id_] = (n, label)
            al = n.get("aliases", [])
            if not isinstance(al, list) or not all(isinstance(a, str) and a.strip() for a in al):
                self.err(where, "aliases must be a list of non-empty strings")
            elif len(set(al)) != len(al) or n.get("name") in al:
                self.err(where, "aliases repeat each other or the name")
            if "description" in n and (not isinstance(n["description"], str)
                                       or not n["description"].strip()):
                self.err(where, "description must be a non-empty string")
            props = n.get("props", {})
            if not isinstance(props, dict):
                self.err(where, "props must be an object")
                continue
            for k, v in props.items():
                if k not in PROPS[kind]:
                    self.err(where, "prop %r not allowed on %s" % (k, kind))
                else:
                    self.check_value(where, k, PROPS[kind][k], v)
            for k in REQUIRED.get(kind, ()):
                if k not in props:
                    self.err(where, "required prop %s missing" % k)

    def check_natural_keys(self, datasets):
        """the loader MERGEs nodes on (kind, natural key): two nodes with one key collapse"""
        seen = {}
        for d, label in datasets:
            for n in d["nodes"]:
                if not isinstance(n, dict) or n.get("kind") not in PREFIX:
                    continue
                kp, with_name_always = KEY_PROPS.get(n["kind"], ([], True))
                props = n.get("props", {}) if isinstance(n.get("props"), dict) else {}
                parts = [normkey(str(props[p])) for p in kp if props.get(p) not in (None, "")]
                if with_name_always or not parts:
                    parts = [normkey(n.get("name", ""))] + parts
                key = (n["kind"], "|".join(parts))
                if key in seen:
                    self.err("%s node %s" % (label, n.get("id")),
                             "same natural key as %s (%s): the loader would merge them" % (seen[key], key[1]))
                seen[key] = n.get("id")

    def check_rels(self, d, label, byid):
        seen = collections.Counter()
        for i, r in enumerate(d["relationships"]):
            where = "%s rel[%d] %s" % (label, i, (r.get("type"), r.get("from"), r.get("to"))
                                       if isinstance(r, dict) else "?")
            if not isinstance(r, dict):
                self.err(where, "relationship must be an object")
                continue
            extra = set(r) - REL_KEYS
            if extra:
                self.err(where, "unknown keys %s" % sorted(extra))
            for k in ("type", "from", "to", "source"):
                if not isinstance(r.get(k), str) or not r.get(k).strip():
                    self.err(where, "missing or empty %s" % k)
            t = r.get("type")
            if t not in REL_RULES:
                self.err(where, "unknown relationship type %r" % t)
                continue
            props = r.get("props", {})
            if not isinstance(props, dict):
                self.err(where, "props must be an object")
                props = {}
            for k, v in props.items():
                if k not in REL_PROPS or k not in REL_ALLOWED.get(t, set()):
                    self.err(where, "relationship prop %r not allowed on %s" % (k, t))
                else:
                    self.check_value(where, k, REL_PROPS[k], v)
            if r.get("from") == r.get("to"):
                self.err(where, "self loop")
            a, b = byid.get(r.get("from")), byid.get(r.get("to"))
            if a is None:
                self.err(where, "unknown from id %r" % r.get("from"))
            if b is None:
                self.err(where, "unknown to id %r" % r.get("to"))
            if a is None or b is None:
                continue
            if label == "plan2024.json" and (a[1] != label or b[1] != label):
                self.err(where, "plan2024.json must not reference demo ids")
            fk, tk = a[0]["kind"], b[0]["kind"]
            if not any(fk in fs and tk in ts for fs, ts in REL_RULES[t]):
                self.err(where, "%s may not go %s -> %s" % (t, fk, tk))
            # the loader merges relationships on (type, from, to)
            key = (t, r.get("from"), r.get("to"))
            seen[key] += 1
            if seen[key] == 2:
                self.err(where, "duplicate relationship (type, from, to)")

    # ------------------------------------------------------------------
    def check_sources(self, plan, demo):
        if plan is not None:
            if plan.get("source") != "plan 2024":
                self.err("plan2024.json", 'top-level source must be "plan 2024"')
            for n in plan["nodes"]:
                s = n.get("source", "")
                if not (PLAN_SRC.match(s) or PUBLIC_SRC.match(s)):
                    self.err("plan2024.json node %s" % n.get("id"), "bad source %r" % s)
                if n.get("kind") == "Expert":
                    self.err("plan2024.json node %s" % n.get("id"), "no Expert nodes in the plan")
            for r in plan["relationships"]:
                s = r.get("source", "")
                if not (PLAN_SRC.match(s) or PUBLIC_SRC.match(s)):
                    self.err("plan2024.json rel %s" % ((r.get("type"), r.get("from"), r.get("to")),),
                             "bad source %r" % s)
        if demo is not None:
            if demo.get("source") != DEMO_SOURCE:
                self.err("demo.json", "top-level source must be %r" % DEMO_SOURCE)
            for n in demo["nodes"]:
                w = "demo.json node %s" % n.get("id")
                if n.get("source") != DEMO_SOURCE:
                    self.err(w, "source must be %r" % DEMO_SOURCE)
                if not str(n.get("description", "")).startswith(DEMO_MARK):
                    self.err(w, "description must start with %s" % DEMO_MARK)
                if n.get("kind") in {"Enterprise", "Park", "OverseasStation", "Institution",
                                     "Society"} and "示例" not in n.get("name", ""):
                    self.err(w, "synthetic organisation names must contain 示例")
                if n.get("kind") in PLANNISH:
                    self.err(w, "plan structure does not belong in the demo file")
            for r in demo["relationships"]:
                if r.get("source") != DEMO_SOURCE:
                    self.err("demo.json rel %s" % ((r.get("type"), r.get("from"), r.get("to")),),
                             "source must be %r" % DEMO_SOURCE)
            codes = collections.Counter(n.get("props", {}).get("creditCode")
                                        for n in demo["nodes"] if n.get("kind") == "Enterprise")
            for c, k in codes.items():
                if c is not None and k > 1:
                    self.err("demo.json", "creditCode %s used %d times" % (c, k))

    def check_plan(self, plan, doc):
        nodes = plan["nodes"]
        rels = plan["relationships"]
        byid = {n["id"]: n for n in nodes if isinstance(n, dict) and "id" in n}
        kinds = collections.Counter(n.get("kind") for n in nodes)
        if kinds["Plan"] != 1:
            self.err("plan2024.json", "exactly one Plan node expected, got %d" % kinds["Plan"])
        part = {(r["from"], r["to"]) for r in rels if r.get("type") == "PART_OF"}
        for s in range(1, 7):
            sid = "section/2024-%d" % s
            if sid not in byid:
                self.err("plan2024.json", "missing %s" % sid)
            elif (sid, "plan/2024") not in part:
                self.err(sid, "not PART_OF plan/2024")
        outgoing = collections.defaultdict(set)
        for r in rels:
            if r.get("type") in ("LAUNCHES", "CONCERNS"):
                outgoing[r["from"]].add(r["to"])
        for n in range(1, 22):
            iid = "item/2024-%d" % n
            if iid not in byid:
                self.err("plan2024.json", "missing %s" % iid)
                continue
            if (iid, "section/2024-%d" % SECTION_OF[n]) not in part:
                self.err(iid, "not PART_OF section/2024-%d" % SECTION_OF[n])
            if not outgoing[iid]:
                self.err(iid, "has no LAUNCHES/CONCERNS links")
        run_by = {r["from"] for r in rels if r.get("type") == "RUN_BY"}
        for r in rels:
            if r.get("type") == "LAUNCHES" and r.get("to") not in run_by:
                self.err(r.get("to"), "launched by %s but RUN_BY no one" % r.get("from"))
        for n in nodes:
            if n.get("kind") == "Plan" and "2024年工作要点" not in n.get("name", ""):
                self.err(n["id"], "plan name should contain 2024年工作要点")
            if n.get("kind") in ("PlanSection", "PlanItem") and n.get("props", {}).get("year") != 2024:
                self.err(n["id"], "year must be 2024")
        # provenance: item-sourced nodes are linked from that item
        linked_any = set().union(*outgoing.values()) if outgoing else set()
        touched = collections.Counter()
        for r in rels:
            touched[r.get("from")] += 1
            touched[r.get("to")] += 1
        for n in nodes:
            if n.get("kind") in PLANNISH:
                continue
            s = n.get("source", "")
            m = re.match(r"^plan 2024, item (\d+)$", s)
            if m and n["id"] not in outgoing["item/2024-%s" % m.group(1)]:
                self.err(n["id"], "sourced to item %s but not LAUNCHES/CONCERNS-linked from it"
                         % m.group(1))
            if s == "plan 2024, preamble" and n["id"] not in linked_any:
                self.err(n["id"], "preamble node not linked from any item")
            if s in ("plan 2024", "plan 2024, notice") and not touched[n["id"]]:
                self.err(n["id"], "node has no relationships")
            if n.get("kind") in ("IndustryCluster", "IndustryChain") and n["id"] not in linked_any:
                self.err(n["id"], "cluster/chain not linked from any item")
        if doc is None:
            self.warn("plan2024.json", "source document not found: verbatim and coverage checks skipped")
            return
        self.check_against_doc(nodes, byid, doc)

    def check_against_doc(self, nodes, byid, doc):
        body = doc[doc.index("  江苏省科学技术协会2024年工作要点\n"):] \
            if "  江苏省科学技术协会2024年工作要点\n" in doc else doc
        for m in re.finditer(r"^\s*([一二三四五六])、(.+?)\s*$", body, re.M):
            sid = "section/2024-%d" % ("一二三四五六".index(m.group(1)) + 1)
            if sid in byid and byid[sid]["name"] != m.group(2):
                self.err(sid, "name differs from the document: %r" % m.group(2))
        for m in re.finditer(r"^\s*(\d+)\.(.+?)\s*$", body, re.M):
            iid = "item/2024-%s" % m.group(1)
            title, _, text = m.group(2).partition("。")
            if iid not in byid:
                continue
            if byid[iid]["name"] != title.strip():
                self.err(iid, "title differs from the document: %r" % title.strip())
            if byid[iid].get("props", {}).get("text") != text.strip():
                self.err(iid, "text is not verbatim")
        flat = re.sub(r"\s", "", doc)
        names = collections.defaultdict(set)  # normalised name/alias -> node ids
        for n in nodes:
            for a in [n.get("name", "")] + list(n.get("aliases", [])):
                names[norm(a)].add(n["id"])
        # literal presence of document-sourced names
        for n in nodes:
            if n.get("kind") in PLANNISH and n.get("kind") != "Plan":
                continue
            if not PLAN_SRC.match(n.get("source", "")):
                continue
            cands = [n.get("name", "")] + list(n.get("aliases", []))
            if not any(re.sub(r"\s", "", c) in flat for c in cands):
                self.err(n["id"], "neither name nor any alias occurs literally in the document")
        # quoted strings
        quoted = re.findall(r"“([^”]+)”", doc) + re.findall(r"《([^》]+)》", doc)
        missing = sorted({q for q in quoted if norm(q) not in names})
        self.quoted_total = len(set(quoted))
        self.quoted_missing = missing
        for q in missing:
            self.err("coverage", "quoted string not a node name/alias: %s" % q)
        # expected unquoted names
        for e in EXPECTED_NAMES:
            if norm(e) not in names:
                self.err("coverage", "expected name missing: %s" % e)
        # suffix scan (warnings only)
        keys = sorted((k for k in names if len(k) >= 2), key=len, reverse=True)
        text = norm(body)
        covered = [False] * len(text)
        for k in keys:
            start = 0
            while True:
                j = text.find(k, start)
                if j < 0:
                    break
                for x in range(j, j + len(k)):
                    covered[x] = True
                start = j + 1
        self.uncovered_phrases = []
        for suf in SUFFIXES:
            for m in re.finditer(re.escape(suf), text):
                e = m.end()
                if not covered[e - 1]:
                    left = re.split(r"[，,。；;、：:“”《》（）()\s]", text[max(0, e - 14):e])[-1]
                    self.uncovered_phrases.append(left)
        reviewed = [p for p in set(self.uncovered_phrases) if p in REVIEWED]
        self.reviewed_count = len(reviewed)
        for p in sorted(set(self.uncovered_phrases) - set(reviewed)):
            self.warn("coverage-scan", "phrase ending in a name-like suffix not covered: %s" % p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("plan", nargs="?", default=os.path.join(DATA, "plan2024.json"))
    ap.add_argument("demo", nargs="?", default=os.path.join(DATA, "demo.json"))
    ap.add_argument("--source", default=DOC_DEFAULT, help="source document (plain text)")
    ap.add_argument("-q", "--quiet", action="store_true", help="do not print warnings")
    a = ap.parse_args()

    c = Checker()
    plan = c.load(a.plan, "plan2024.json")
    demo = c.load(a.demo, "demo.json")
    byid = {}
    for d, label in ((plan, "plan2024.json"), (demo, "demo.json")):
        if d is not None:
            c.check_nodes(d, label, byid)
    for d, label in ((plan, "plan2024.json"), (demo, "demo.json")):
        if d is not None:
            c.check_rels(d, label, byid)
    c.check_natural_keys([(d, label) for d, label in ((plan, "plan2024.json"), (demo, "demo.json"))
                          if d is not None])
    c.check_sources(plan, demo)
    doc = None
    if os.path.exists(a.source):
        with open(a.source, encoding="utf-8") as f:
            doc = f.read()
    if plan is not None:
        c.check_plan(plan, doc)

    for d, label in ((plan, "plan2024.json"), (demo, "demo.json")):
        if d is None:
            continue
        nk = collections.Counter(n.get("kind") for n in d["nodes"] if isinstance(n, dict))
        rk = collections.Counter(r.get("type") for r in d["relationships"] if isinstance(r, dict))
        print("%s: %d nodes, %d relationships" % (label, sum(nk.values()), sum(rk.values())))
        print("  nodes:         " + ", ".join("%s %d" % kv for kv in sorted(nk.items())))
        print("  relationships: " + ", ".join("%s %d" % kv for kv in sorted(rk.items())))
    if hasattr(c, "reviewed_count"):
        print("coverage scan: %d flagged phrases match the reviewed list (generic wording), %d left "
              "for review" % (c.reviewed_count, len([w for w in c.warnings
                                                    if w.startswith("coverage-scan")])))
    if hasattr(c, "quoted_missing"):
        print("quoted strings in the document: %d distinct; not a node name/alias: %d%s"
              % (c.quoted_total, len(c.quoted_missing),
                 "" if not c.quoted_missing else " -> " + "、".join(c.quoted_missing)))
    if c.warnings and not a.quiet:
        print("\nWARNINGS (%d)" % len(c.warnings))
        for w in c.warnings:
            print("  " + w)
    if c.errors:
        print("\nERRORS (%d)" % len(c.errors))
        for e in c.errors:
            print("  " + e)
        return 1
    print("\nOK: no errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
