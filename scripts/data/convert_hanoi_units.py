#!/usr/bin/env python3
"""Regenerate data/seed/hanoi-units.json: Hà Nội's administrative units before
and after the 1 July 2025 two-tier reform, with the merger lineage of every
new ward/commune.

How to run (Python 3.11, stdlib plus two PyPI packages; no network at run time):

    python3 -m venv /tmp/hnvenv
    /tmp/hnvenv/bin/pip install 'vietnamadminunits==1.0.4' 'vietnam-provinces==2025.10.1'
    /tmp/hnvenv/bin/python scripts/data/convert_hanoi_units.py            # writes the file
    /tmp/hnvenv/bin/python scripts/data/convert_hanoi_units.py --check    # compare only

Run it from the repository root (or pass --output). --check regenerates the
file in memory and exits 1 if it differs from the committed copy.

Where the data comes from
-------------------------
Everything written to the file is read from vietnamadminunits (MIT licence),
from its package data, without importing the package (its __init__ pulls in
shapely/geopy, which this script does not need):

* data/dataset.db, table admin_units_legacy: the 63-province / 10,040-commune
  state before the reform (province, district, ward names and GSO codes).
* data/dataset.db, table admin_units: the 34-province / 3,321-commune state
  from 1 July 2025 (names and official codes).
* data/converter_2025.json:
  - DICT_PROVINCE_WARD_NO_DIVIDED[new_province][new_ward] = old wards that went
    wholly into new_ward ("<province>_<district>_<ward>" keys);
  - DICT_PROVINCE_WARD_DIVIDED[new_province][old_ward] = the new wards an old
    ward was divided among.

vietnam-provinces (GPL-3.0-or-later upstream, see LICENCE_TEXT below) is used
only to cross-check, never copied into the output: the new communes' names and
codes, and, when an installed version ships it (>= 2026.1, Python >= 3.12),
its GSO-derived old->new conversion table. Disagreements are printed as
warnings.

One lineage correction is applied by hand (LINEAGE_ADDITIONS) and two old
names are re-hyphenated (OLD_NAME_FIXES); both are explained where defined.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import sqlite3
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

PROVINCE_CODE = "01"
PROVINCE_KEY_VAU = "thanhphohanoi"  # vietnamadminunits' key for Hà Nội
REFORM_DATE = "2025-07-01"
LAST_DAY_BEFORE = "2025-06-30"
DECISION = "1656/NQ-UBTVQH15"  # NASC resolution of 16 June 2025 on Hà Nội's commune-level units
EXPECTED = {"districts": 30, "old_communes": 526, "new_communes": 126}

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = REPO_ROOT / "data" / "seed" / "hanoi-units.json"

# (old commune code, new commune code): a part of the old commune that
# vietnamadminunits 1.0.4 does not record.
#  * Xã Văn Khê (Mê Linh, 09013) -> Xã Ô Diên (09817): the GSO old->new
#    conversion table (as shipped in vietnam-provinces >= 2026.1) lists Ô Diên
#    among Văn Khê's successors, and Hà Nội Radio-Television's summary of the
#    new Ô Diên commune names "xã Văn Khê (huyện Mê Linh)" among the units it
#    took part of. vietnamadminunits only has Yên Lãng, Mê Linh, Tiến Thắng.
LINEAGE_ADDITIONS = [("09013", "09817")]

# vietnamadminunits drops the hyphen of these two names (formed 1 Jan 2025);
# GSO's list writes them with " - ", as does the new 2025 ward
# "Phường Văn Miếu - Quốc Tử Giám" in the same package.
OLD_NAME_FIXES = {
    "00181": ("Phường Văn Miếu Quốc Tử Giám", "Phường Văn Miếu - Quốc Tử Giám"),
    "00226": ("Phường Phương Liên Trung Tự", "Phường Phương Liên - Trung Tự"),
}


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s.strip())


def package_dir(dist: str, module: str) -> tuple[Path, str]:
    spec = importlib.util.find_spec(module)  # locates without running __init__
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"error: package {dist!r} is not installed (pip install {dist})")
    return Path(list(spec.submodule_search_locations)[0]), importlib.metadata.version(dist)


def fail(msg: str) -> None:
    sys.exit(f"error: {msg}")


def load_vau(vau_dir: Path):
    db = vau_dir / "data" / "dataset.db"
    conv_path = vau_dir / "data" / "converter_2025.json"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        legacy = con.execute(
            "SELECT province, provinceKey, district, districtCode, districtKey,"
            " ward, wardCode, wardKey FROM admin_units_legacy WHERE provinceCode = ?",
            (PROVINCE_CODE,),
        ).fetchall()
        current = con.execute(
            "SELECT province, ward, wardCode, wardKey FROM admin_units WHERE provinceCode = ?",
            (PROVINCE_CODE,),
        ).fetchall()
        totals = (
            con.execute("SELECT COUNT(DISTINCT provinceCode), COUNT(*) FROM admin_units_legacy").fetchone(),
            con.execute("SELECT COUNT(DISTINCT provinceCode), COUNT(*) FROM admin_units").fetchone(),
        )
    finally:
        con.close()
    with open(conv_path, encoding="utf-8") as f:
        conv = json.load(f)
    return legacy, current, conv, totals


def build(vau_dir: Path, vau_version: str):
    legacy, current, conv, totals = load_vau(vau_dir)

    province_names = {nfc(r[0]) for r in legacy} | {nfc(r[0]) for r in current}
    if len(province_names) != 1:
        fail(f"expected one province name for code {PROVINCE_CODE}, got {province_names}")
    province_name = province_names.pop()

    districts: dict[str, str] = {}
    old: dict[str, dict] = {}  # code -> unit
    old_by_vau_key: dict[str, str] = {}  # "<prov>_<district>_<ward>" -> code
    for _, pkey, dname, dcode, dkey, wname, wcode, wkey in legacy:
        if not wcode:
            fail(f"old unit without a commune code in district {dname}")
        if pkey != PROVINCE_KEY_VAU:
            fail(f"unexpected province key {pkey}")
        dname, wname = nfc(dname), nfc(wname)
        if districts.setdefault(dcode, dname) != dname:
            fail(f"district {dcode} has two names")
        if wcode in OLD_NAME_FIXES:
            before, after = OLD_NAME_FIXES[wcode]
            if wname != before:
                fail(f"OLD_NAME_FIXES[{wcode}] is stale: source now says {wname!r}")
            wname = after
        if wcode in old:
            fail(f"duplicate old commune code {wcode}")
        old[wcode] = {"code": wcode, "name": wname, "district": dcode}
        vkey = f"{pkey}_{dkey}_{wkey}"
        if vkey in old_by_vau_key:
            fail(f"duplicate source key {vkey}")
        old_by_vau_key[vkey] = wcode

    new: dict[str, dict] = {}
    new_by_vau_key: dict[str, str] = {}
    for _, wname, wcode, wkey in current:
        if wcode in new or wkey in new_by_vau_key:
            fail(f"duplicate new commune {wcode}/{wkey}")
        new[wcode] = {"code": wcode, "name": nfc(wname)}
        new_by_vau_key[wkey] = wcode

    counts = {"districts": len(districts), "old_communes": len(old), "new_communes": len(new)}
    if counts != EXPECTED:
        fail(f"counts {counts} differ from expected {EXPECTED}")

    # Lineage: successor code -> {predecessor code: whole?}
    preds: dict[str, dict[str, bool]] = defaultdict(dict)
    successors_of: dict[str, set[str]] = defaultdict(set)

    def add(old_code: str, new_code: str, whole: bool) -> None:
        if old_code in preds[new_code]:
            fail(f"{old_code} -> {new_code} listed twice")
        preds[new_code][old_code] = whole
        successors_of[old_code].add(new_code)

    # Every old key anywhere in the converter that belongs to Hà Nội must end in
    # a Hà Nội new ward, and vice versa (otherwise it is a cross-province
    # transfer, which this file's event model would have to note).
    for new_prov, table in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_key, olds in table.items():
            for ok in olds:
                ours_old = ok.startswith(PROVINCE_KEY_VAU + "_")
                ours_new = new_prov == PROVINCE_KEY_VAU
                if ours_old != ours_new:
                    fail(f"cross-province transfer {ok} -> {new_prov}/{new_key}: not handled")
                if ours_new:
                    if ok not in old_by_vau_key or new_key not in new_by_vau_key:
                        fail(f"unresolvable mapping {ok} -> {new_key}")
                    add(old_by_vau_key[ok], new_by_vau_key[new_key], True)
    for new_prov, table in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for ok, parts in table.items():
            ours_old = ok.startswith(PROVINCE_KEY_VAU + "_")
            ours_new = new_prov == PROVINCE_KEY_VAU
            if ours_old != ours_new:
                fail(f"cross-province transfer {ok} -> {new_prov}: not handled")
            if not ours_new:
                continue
            if ok not in old_by_vau_key:
                fail(f"unresolvable divided ward {ok}")
            if len(parts) < 2:
                fail(f"divided ward {ok} has {len(parts)} successor(s)")
            for part in parts:
                if part["newWardKey"] not in new_by_vau_key:
                    fail(f"unresolvable new ward {part['newWardKey']}")
                add(old_by_vau_key[ok], new_by_vau_key[part["newWardKey"]], False)

    for old_code, new_code in LINEAGE_ADDITIONS:
        if old_code not in old or new_code not in new:
            fail(f"LINEAGE_ADDITIONS entry {old_code}->{new_code} names an unknown unit")
        if new_code in successors_of[old_code]:
            fail(f"LINEAGE_ADDITIONS entry {old_code}->{new_code} is now in the source; drop it")
        # The old commune becomes (or stays) divided: mark all its parts partial.
        for other in successors_of[old_code]:
            preds[other][old_code] = False
        add(old_code, new_code, False)

    # ---- units ----
    units = [{"key": PROVINCE_CODE, "code": PROVINCE_CODE, "kind": "province", "name": province_name,
              "parentKey": None, "validFrom": None, "validTo": None}]
    for dcode in sorted(districts):
        units.append({"key": f"{dcode}:pre2025", "code": dcode, "kind": "district", "name": districts[dcode],
                      "parentKey": PROVINCE_CODE, "validFrom": None, "validTo": LAST_DAY_BEFORE})
    for wcode in sorted(old):
        u = old[wcode]
        units.append({"key": f"{wcode}:pre2025", "code": wcode, "kind": "commune", "name": u["name"],
                      "parentKey": f"{u['district']}:pre2025", "validFrom": None, "validTo": LAST_DAY_BEFORE})
    for wcode in sorted(new):
        units.append({"key": wcode, "code": wcode, "kind": "commune", "name": new[wcode]["name"],
                      "parentKey": PROVINCE_CODE, "validFrom": REFORM_DATE, "validTo": None})

    # ---- events ----
    events = []
    for ncode in sorted(new):
        p = preds.get(ncode, {})
        if not p:
            fail(f"new commune {ncode} {new[ncode]['name']} has no predecessor")
        if len(p) >= 2:
            kind = "merger"
        elif next(iter(p.values())):
            kind = "rename"
        else:
            kind = "split"
        events.append({
            "kind": kind, "date": REFORM_DATE, "decision": DECISION,
            "predecessors": [{"key": f"{oc}:pre2025", "whole": p[oc]} for oc in sorted(p)],
            "successors": [ncode],
        })

    # 'whole' must be consistent: true <=> the old commune has exactly one successor.
    for oc in old:
        succ = successors_of.get(oc, set())
        if not succ:
            fail(f"old commune {oc} {old[oc]['name']} appears in no event")
        flags = {preds[nc][oc] for nc in succ}
        if flags != {len(succ) == 1}:
            fail(f"old commune {oc}: inconsistent 'whole' flags {flags} for {len(succ)} successor(s)")

    source_info = {
        "vau_version": vau_version,
        "legacy_totals": totals[0],
        "current_totals": totals[1],
    }
    return units, events, new, preds, source_info


def cross_check(new: dict, preds: dict) -> list[str]:
    """Compare against vietnam-provinces, if installed. Returns warning lines."""
    out: list[str] = []
    spec = importlib.util.find_spec("vietnam_provinces")
    if spec is None or not spec.submodule_search_locations:
        return ["vietnam-provinces not installed: cross-check skipped"]
    vp_dir = Path(list(spec.submodule_search_locations)[0])
    vp_version = importlib.metadata.version("vietnam-provinces")
    with open(vp_dir / "data" / "nested-divisions.json", encoding="utf-8") as f:
        provinces = json.load(f)
    out.append(f"vietnam-provinces {vp_version}: {len(provinces)} provinces, "
               f"{sum(len(p['wards']) for p in provinces)} communes")
    hn = next((p for p in provinces if int(p["code"]) == int(PROVINCE_CODE)), None)
    if hn is None:
        return out + ["  Hà Nội missing from vietnam-provinces"]
    vp_new = {f"{int(w['code']):05d}": nfc(w["name"]) for w in hn["wards"]}
    ours = {c: u["name"] for c, u in new.items()}
    if sorted(vp_new.values()) != sorted(ours.values()):
        out.append(f"  WARNING new commune names differ: only ours {sorted(set(ours.values()) - set(vp_new.values()))}, "
                   f"only theirs {sorted(set(vp_new.values()) - set(ours.values()))}")
    else:
        out.append(f"  new commune names: all {len(ours)} agree")
    by_name_vp = {n: c for c, n in vp_new.items()}
    code_diff = sorted((c, n, by_name_vp.get(n)) for c, n in ours.items() if by_name_vp.get(n) != c)
    if code_diff:
        out.append(f"  WARNING {len(code_diff)} new commune codes differ (ours vs vietnam-provinces); "
                   "vietnam-provinces < 2026.1 used the draft code list, later versions use the official "
                   "NSO list, which agrees with ours:")
        out.extend(f"    {n}: {c} vs {v}" for c, n, v in code_diff)
    else:
        out.append("  new commune codes: all agree")

    conv_py = vp_dir / "_ward_conversion_2025.py"
    if not conv_py.exists():
        out.append("  (this version ships no old->new conversion table: lineage not cross-checked)")
        return out
    mspec = importlib.util.spec_from_file_location("_vp_ward_conversion_2025", conv_py)
    mod = importlib.util.module_from_spec(mspec)
    mspec.loader.exec_module(mod)
    theirs: dict[str, set[str]] = defaultdict(set)
    for e in mod.NEW_TO_OLD.values():
        if int(e.new_ward.province_code) == int(PROVINCE_CODE):
            for o in e.old_wards:
                theirs[f"{int(e.new_ward.code):05d}"].add(f"{int(o.code):05d}")
    diffs = 0
    for nc in sorted(set(theirs) | set(preds)):
        a, b = set(preds.get(nc, {})), theirs.get(nc, set())
        if a != b:
            diffs += 1
            out.append(f"  WARNING lineage of {nc} {new.get(nc, {}).get('name')}: only ours {sorted(a - b)}, "
                       f"only theirs {sorted(b - a)}")
    out.append(f"  lineage: {len(preds) - diffs} of {len(preds)} new communes agree with its conversion table")
    return out


def render(doc: dict) -> str:
    """Pretty JSON with one unit/event object per line (diff-friendly, compact)."""
    def one(o) -> str:
        return json.dumps(o, ensure_ascii=False, separators=(", ", ": "))

    lines = ["{"]
    for k in ("format", "source", "licence"):
        lines.append(f" {one(k)}: {one(doc[k])},")
    for k in ("units", "events"):
        lines.append(f" {one(k)}: [")
        items = doc[k]
        for i, item in enumerate(items):
            lines.append("  " + one(item) + ("," if i < len(items) - 1 else ""))
        lines.append(" ]" + ("," if k == "units" else ""))
    lines.append("}")
    return unicodedata.normalize("NFC", "\n".join(lines) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if the file would change")
    args = ap.parse_args()

    vau_dir, vau_version = package_dir("vietnamadminunits", "vietnamadminunits")
    units, events, new, preds, info = build(vau_dir, vau_version)

    source = (
        f"vietnamadminunits {vau_version} (PyPI): data/dataset.db tables admin_units_legacy "
        f"({info['legacy_totals'][0]} provinces, {info['legacy_totals'][1]} communes before 1 July 2025) and "
        f"admin_units ({info['current_totals'][0]} provinces, {info['current_totals'][1]} communes from "
        f"1 July 2025), and data/converter_2025.json (DICT_PROVINCE_WARD_NO_DIVIDED = old communes that went "
        f"wholly into a new one, whole=true; DICT_PROVINCE_WARD_DIVIDED = old communes divided among several "
        f"new ones, whole=false). Cross-checked, not copied, against vietnam-provinces (PyPI): names in "
        f"2025.10.1 data/nested-divisions.json, and codes and lineage in 2026.9.0 (its GSO old-to-new "
        f"conversion table, _ward_conversion_2025.py): all 126 names and codes agree, lineage agrees for "
        f"125 of 126 after the correction below. Hand corrections: Xã Văn Khê (09013) "
        f"also went partly into Xã Ô Diên (09817), missing from vietnamadminunits; old names 00181 and 00226 "
        f"re-hyphenated (\"Văn Miếu - Quốc Tử Giám\", \"Phương Liên - Trung Tự\"). Known open discrepancy: "
        f"the GSO table has Xã Cổ Bi (00553) also going partly into Xã Thuận An (00562) and Xã Đặng Xá "
        f"(00556) only into Xã Phù Đổng (00541); this file follows vietnamadminunits (Cổ Bi -> Phù Đổng, "
        f"Gia Lâm, Phúc Lợi; Đặng Xá -> Phù Đổng, Thuận An). The district level (quận/huyện/thị xã) was "
        f"abolished on 1 July 2025: districts carry validTo {LAST_DAY_BEFORE} and have no events. "
        f"Decision {DECISION} (Standing Committee of the National Assembly, 16 June 2025), effective "
        f"{REFORM_DATE}. Generated by scripts/data/convert_hanoi_units.py."
    )
    licence = (
        f"vietnamadminunits {vau_version}: MIT License, Copyright (c) 2025 Tran Ngoc Minh Hieu "
        "(dist-info/licenses/LICENSE; notice reproduced in data/seed/README.md); all units and lineage "
        "here are derived from it. vietnam-provinces: GPL-3.0-or-later (declared in its upstream "
        "pyproject.toml and in the metadata of its 2026 wheels; the 2025.10.1 wheel declares none); used "
        "only for cross-checking, nothing copied. The names and codes are official data published by "
        "Viet Nam's General Statistics Office / National Statistics Office, and the lineage follows "
        f"Resolution {DECISION}."
    )
    doc = {"format": "parhub-units/1", "source": source, "licence": licence, "units": units, "events": events}

    # Referential integrity, on the document itself.
    keys = [u["key"] for u in units]
    if len(keys) != len(set(keys)):
        fail("duplicate unit keys")
    keyset = set(keys)
    for u in units:
        if u["parentKey"] is not None and u["parentKey"] not in keyset:
            fail(f"unit {u['key']} has unknown parent {u['parentKey']}")
    for e in events:
        for ref in [p["key"] for p in e["predecessors"]] + e["successors"]:
            if ref not in keyset:
                fail(f"event references unknown key {ref}")

    text = render(doc)
    json.loads(text)  # round-trip sanity

    kinds = Counter(u["kind"] + (":pre2025" if u["key"].endswith(":pre2025") else "") for u in units)
    ev_kinds = Counter(e["kind"] for e in events)
    npred = [len(e["predecessors"]) for e in events]
    divided = sum(1 for u in units if u["key"].endswith(":pre2025") and u["kind"] == "commune"
                  and sum(1 for e in events for p in e["predecessors"] if p["key"] == u["key"]) > 1)
    print(f"province 1, districts {kinds['district:pre2025']}, old communes {kinds['commune:pre2025']}, "
          f"new communes {kinds['commune']}; units {len(units)}")
    print(f"events {len(events)}: {dict(ev_kinds)}; predecessors per event min {min(npred)} "
          f"max {max(npred)} mean {sum(npred) / len(npred):.1f}; old communes divided: {divided}")
    for line in cross_check(new, preds):
        print(line)

    out: Path = args.output
    data = text.encode("utf-8")
    if args.check:
        if not out.exists() or out.read_bytes() != data:
            print(f"{out} is out of date: run without --check")
            return 1
        print(f"{out} is up to date ({len(data)} bytes)")
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"wrote {out} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
