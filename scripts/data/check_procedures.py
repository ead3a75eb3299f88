#!/usr/bin/env python3
"""Check data/seed/procedures.json, the demo catalogue of administrative
procedures (format parhub-procedures/1), and print what it contains.

How to run (Python 3.9 or later, standard library only), from the repository
root:

    python3 scripts/data/check_procedures.py
    python3 scripts/data/check_procedures.py --file other.json --quiet

It exits 1 and prints every problem if a rule is broken, otherwise it prints
counts (by field, level, department, online level) and exits 0.

The rules are those the importer (Sources/ParStore/Catalogue/ProcedureImport.swift
and Procedure.validated()) enforces, plus a few the seed keeps on top:

* the file has format "parhub-procedures/1", a source, a licence and at
  least 80 procedures, and no key outside the format;
* codes are unique and look like national codes ("1.001193") or demo codes
  ("HN-DEMO-0001");
* level, methods, onlineLevel, resultType and time units are known values;
* a province-level procedure names a department (unitKey) that exists in
  data/seed/hanoi-departments.json and is in force; a commune-level one has
  unitKey null (every commune implements it);
* documents have a name and 1 to 100 copies; fees a description and a
  non-negative whole number of đồng;
* inter-agency steps, when present, are counted in working days and add up
  exactly to the processing time;
* history entries are oldest first, have a decision and an ISO date, and each
  earlier time is strictly longer than the one that replaced it (so also
  longer than the current time). Times in different units are compared in
  approximate working days, as ProcessingTime.isShorter does: 8 working hours
  a day, 5 working days in 7 calendar days, 22 working days a month;
* a full-online procedure accepts online submission and is marked eligible; a
  procedure with no online service does not list the online method;
* every string is in Unicode NFC, without leading or trailing spaces.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

FORMAT = "parhub-procedures/1"
MIN_PROCEDURES = 80
LEVELS = {"province", "commune"}
METHODS = ["counter", "online", "post"]
ONLINE_LEVELS = {"none", "partial", "full"}
RESULT_TYPES = {"paper", "electronic", "both"}
UNITS = {"workingDays", "workingHours", "calendarDays", "months"}
CODE_RE = re.compile(r"^(\d\.\d{6}|HN-DEMO-\d{4})$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

TOP_KEYS = {"format", "source", "licence", "procedures"}
REQUIRED = ["code", "name", "field", "level", "unitKey", "agency", "applicants", "steps", "methods", "documents",
            "processingTime", "result", "resultType", "fees", "legalBasis", "onlineLevel", "fullOnlineEligible",
            "interAgencySteps"]
OPTIONAL = ["processingNote", "history"]
KNOWN = set(REQUIRED) | set(OPTIONAL)


def working_days(amount: float, unit: str) -> float:
    """Approximate working days, as ProcessingTime.approximateWorkingDays."""
    return {"workingDays": amount, "workingHours": amount / 8, "calendarDays": amount * 5 / 7,
            "months": amount * 22}[unit]


def longer(a: tuple[float, str], b: tuple[float, str]) -> bool:
    """Whether time a is strictly longer than time b."""
    if a[1] == b[1]:
        return a[0] > b[0]
    return working_days(*a) > working_days(*b)


def is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def strings(value, path="$"):
    """Every string in a JSON value with its path (keys included)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from strings(item, f"{path}[{i}]")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield f"{path}.{k} (key)", k
            yield from strings(v, f"{path}.{k}")


def load_departments(path: Path) -> dict[str, dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {u["key"]: u for u in data.get("units", [])}


def check(data, departments: dict[str, dict]) -> list[str]:
    errors: list[str] = []

    def err(where: str, msg: str) -> None:
        errors.append(f"{where}: {msg}")

    if not isinstance(data, dict):
        return ["$: the file must be a JSON object"]
    for key in sorted(set(data) - TOP_KEYS):
        err("$", f"unknown key {key!r}")
    if data.get("format") != FORMAT:
        err("$.format", f"must be {FORMAT!r}, found {data.get('format')!r}")
    for key in ("source", "licence"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            err(f"$.{key}", "must be a non-empty string")
    procs = data.get("procedures")
    if not isinstance(procs, list):
        return errors + ["$.procedures: must be a list"]
    if len(procs) < MIN_PROCEDURES:
        err("$.procedures", f"{len(procs)} procedures, at least {MIN_PROCEDURES} expected")

    for where, s in strings(data):
        if unicodedata.normalize("NFC", s) != s:
            err(where, f"not NFC: {s[:60]!r}")
        if s != s.strip():
            err(where, f"leading or trailing whitespace: {s[:60]!r}")

    seen: dict[str, int] = {}
    for i, p in enumerate(procs):
        code = p.get("code") if isinstance(p, dict) else None
        w = f"procedures[{i}] {code or '?'}"
        if not isinstance(p, dict):
            err(w, "must be an object")
            continue
        for key in sorted(set(p) - KNOWN):
            err(w, f"unknown key {key!r}")
        for key in REQUIRED:
            if key not in p:
                err(w, f"missing {key!r}")

        # code, names
        if not isinstance(code, str) or not CODE_RE.match(code):
            err(w, f"code {code!r} is neither a national code (1.001193) nor a demo code (HN-DEMO-0001)")
        elif code in seen:
            err(w, f"duplicate code, first at procedures[{seen[code]}]")
        else:
            seen[code] = i
        for key, limit in (("name", 500), ("field", 200), ("agency", 500), ("applicants", 2000), ("result", 2000)):
            v = p.get(key)
            if not isinstance(v, str) or not v or len(v) > limit:
                err(w, f"{key} must be a non-empty string of at most {limit} characters")

        # level and unit
        level = p.get("level")
        unit_key = p.get("unitKey")
        if level not in LEVELS:
            err(w, f"level {level!r} must be one of {sorted(LEVELS)}")
        elif level == "commune":
            if unit_key is not None:
                err(w, f"a commune-level procedure has unitKey null, found {unit_key!r}")
        else:
            unit = departments.get(unit_key) if isinstance(unit_key, str) else None
            if unit is None:
                err(w, f"unitKey {unit_key!r} is not a unit of hanoi-departments.json")
            elif unit.get("kind") != "department":
                err(w, f"unitKey {unit_key!r} is a {unit.get('kind')}, not a department")
            elif unit.get("validTo") is not None:
                err(w, f"unitKey {unit_key!r} ended on {unit['validTo']}")

        # steps, methods, documents, fees, legal basis
        for key in ("steps", "legalBasis"):
            v = p.get(key)
            if not isinstance(v, list) or not v or not all(isinstance(s, str) and s for s in v):
                err(w, f"{key} must be a non-empty list of non-empty strings")
        methods = p.get("methods")
        if not isinstance(methods, list) or not methods or any(m not in METHODS for m in methods) \
                or len(set(methods)) != len(methods):
            err(w, f"methods {methods!r} must be a non-empty subset of {METHODS} without repeats")
            methods = []
        docs = p.get("documents")
        if not isinstance(docs, list) or not docs:
            err(w, "documents must be a non-empty list")
        else:
            for j, d in enumerate(docs):
                if not isinstance(d, dict) or set(d) - {"name", "copies", "template"}:
                    err(w, f"documents[{j}] must be an object with name, copies, template")
                    continue
                if not isinstance(d.get("name"), str) or not d["name"]:
                    err(w, f"documents[{j}] needs a name")
                c = d.get("copies")
                if not isinstance(c, int) or isinstance(c, bool) or not 1 <= c <= 100:
                    err(w, f"documents[{j}] copies {c!r} must be a whole number from 1 to 100")
                t = d.get("template")
                if t is not None and (not isinstance(t, str) or not t):
                    err(w, f"documents[{j}] template must be null or a non-empty string")
        fees = p.get("fees")
        if not isinstance(fees, list):
            err(w, "fees must be a list (empty when none is published)")
        else:
            for j, f in enumerate(fees):
                if not isinstance(f, dict) or set(f) != {"description", "amountVND"}:
                    err(w, f"fees[{j}] must be an object with description and amountVND")
                    continue
                if not isinstance(f["description"], str) or not f["description"]:
                    err(w, f"fees[{j}] needs a description")
                a = f["amountVND"]
                if not isinstance(a, int) or isinstance(a, bool) or not 0 <= a <= 10_000_000_000:
                    err(w, f"fees[{j}] amountVND {a!r} must be a whole number of đồng, 0 or more")

        # processing time
        t = p.get("processingTime")
        current = None
        if not isinstance(t, dict) or set(t) != {"amount", "unit"}:
            err(w, "processingTime must be an object with amount and unit")
        elif t["unit"] not in UNITS:
            err(w, f"processingTime unit {t['unit']!r} must be one of {sorted(UNITS)}")
        elif not is_number(t["amount"]) or not 0 <= t["amount"] <= 3650:
            err(w, f"processingTime amount {t['amount']!r} must be a number from 0 to 3650")
        elif t["unit"] != "workingHours" and t["amount"] != int(t["amount"]):
            err(w, "day and month times must be whole numbers")
        else:
            current = (t["amount"], t["unit"])
        note = p.get("processingNote")
        if note is not None and (not isinstance(note, str) or not note):
            err(w, "processingNote must be a non-empty string when present")

        # enums, online
        if p.get("resultType") not in RESULT_TYPES:
            err(w, f"resultType {p.get('resultType')!r} must be one of {sorted(RESULT_TYPES)}")
        online = p.get("onlineLevel")
        eligible = p.get("fullOnlineEligible")
        if online not in ONLINE_LEVELS:
            err(w, f"onlineLevel {online!r} must be one of {sorted(ONLINE_LEVELS)}")
        if not isinstance(eligible, bool):
            err(w, "fullOnlineEligible must be true or false")
        if online == "full" and "online" not in methods:
            err(w, "a full-online procedure must list the online method")
        if online == "full" and eligible is False:
            err(w, "a full-online procedure must be fullOnlineEligible")
        if online == "none" and "online" in methods:
            err(w, "a procedure with onlineLevel none cannot list the online method")
        if online == "partial" and "online" not in methods:
            err(w, "a partly online procedure must list the online method")

        # inter-agency steps
        steps = p.get("interAgencySteps")
        if not isinstance(steps, list):
            err(w, "interAgencySteps must be a list (empty when the procedure is not inter-agency)")
        elif steps:
            ok = True
            for j, s in enumerate(steps):
                if not isinstance(s, dict) or set(s) != {"unit", "days"} or not isinstance(s.get("unit"), str) \
                        or not s["unit"] or not isinstance(s.get("days"), int) or isinstance(s["days"], bool) \
                        or s["days"] < 0:
                    err(w, f"interAgencySteps[{j}] must be {{unit: non-empty string, days: whole number >= 0}}")
                    ok = False
            if len(steps) < 2:
                err(w, "an inter-agency procedure has at least two steps")
            if ok and current is not None:
                total = sum(s["days"] for s in steps)
                if current[1] != "workingDays":
                    err(w, f"inter-agency steps need a time in workingDays, found {current[1]}")
                elif total != current[0]:
                    err(w, f"inter-agency steps add up to {total} days, the processing time is {current[0]}")

        # history
        history = p.get("history")
        if history is not None:
            if not isinstance(history, list) or not history:
                err(w, "history must be a non-empty list when present")
            else:
                times, dates = [], []
                for j, h in enumerate(history):
                    hw = f"history[{j}]"
                    if not isinstance(h, dict) or set(h) != {"amount", "unit", "decision", "effectiveFrom"}:
                        err(w, f"{hw} must have amount, unit, decision, effectiveFrom")
                        continue
                    if h["unit"] not in UNITS or not is_number(h["amount"]) or h["amount"] < 0:
                        err(w, f"{hw} has a bad amount or unit")
                        continue
                    if not isinstance(h["decision"], str) or not h["decision"]:
                        err(w, f"{hw} needs the decision that replaced this time")
                    date = None
                    if isinstance(h["effectiveFrom"], str) and DATE_RE.match(h["effectiveFrom"]):
                        try:
                            date = dt.date.fromisoformat(h["effectiveFrom"])
                        except ValueError:
                            pass
                    if date is None:
                        err(w, f"{hw} effectiveFrom {h['effectiveFrom']!r} must be a date YYYY-MM-DD")
                    else:
                        dates.append(date)
                    times.append((h["amount"], h["unit"]))
                if dates != sorted(dates) or len(set(dates)) != len(dates):
                    err(w, "history must be oldest first, one entry per date")
                if current is not None:
                    chain = times + [current]
                    for j in range(len(times)):
                        if not longer(chain[j], chain[j + 1]):
                            err(w, f"history[{j}] ({chain[j][0]:g} {chain[j][1]}) is not longer than the time "
                                   f"that replaced it ({chain[j + 1][0]:g} {chain[j + 1][1]})")
                    for j, h in enumerate(times):
                        if not longer(h, current):
                            err(w, f"history[{j}] ({h[0]:g} {h[1]}) is not longer than the current time")
    return errors


def report(data, departments: dict[str, dict]) -> list[str]:
    procs = data["procedures"]
    lines = []
    level = Counter(p["level"] for p in procs)
    lines.append(f"{len(procs)} procedures: {level['commune']} commune-level, {level['province']} province-level")
    national = sum(1 for p in procs if not p["code"].startswith("HN-DEMO-"))
    lines.append(f"codes: {national} national, {len(procs) - national} demo (HN-DEMO-…)")
    lines.append(f"inter-agency: {sum(1 for p in procs if p['interAgencySteps'])}; "
                 f"with history: {sum(1 for p in procs if p.get('history'))}; "
                 f"history entries: {sum(len(p.get('history') or []) for p in procs)}")
    online = Counter(p["onlineLevel"] for p in procs)
    lines.append("online level: " + ", ".join(f"{k} {online[k]}" for k in ("full", "partial", "none")) +
                 f"; eligible for full online {sum(1 for p in procs if p['fullOnlineEligible'])}")
    units = Counter(p["processingTime"]["unit"] for p in procs)
    lines.append("time units: " + ", ".join(f"{k} {v}" for k, v in sorted(units.items())))
    free = sum(1 for p in procs if p["fees"] and all(f["amountVND"] == 0 for f in p["fees"]))
    lines.append(f"fees: free {free}, charged {sum(1 for p in procs if any(f['amountVND'] for f in p['fees']))}, "
                 f"none published {sum(1 for p in procs if not p['fees'])}")
    lines.append("by field (commune / province):")
    fields = Counter((p["field"], p["level"]) for p in procs)
    for f in sorted({p["field"] for p in procs}):
        lines.append(f"  {f}: {fields[(f, 'commune')]} / {fields[(f, 'province')]}")
    lines.append("province level by department:")
    by_unit = Counter(p["unitKey"] for p in procs if p["level"] == "province")
    for key, n in sorted(by_unit.items()):
        lines.append(f"  {key} ({departments[key]['name']}): {n}")
    return lines


def main() -> int:
    root = Path(__file__).resolve().parents[2]
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--file", type=Path, default=root / "data/seed/procedures.json")
    ap.add_argument("--departments", type=Path, default=root / "data/seed/hanoi-departments.json")
    ap.add_argument("--quiet", action="store_true", help="print only problems")
    args = ap.parse_args()
    try:
        data = json.loads(args.file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        print(f"error: cannot read {args.file}: {e}", file=sys.stderr)
        return 1
    departments = load_departments(args.departments)
    errors = check(data, departments)
    if errors:
        for e in errors:
            print(e, file=sys.stderr)
        print(f"{len(errors)} problem(s) in {args.file}", file=sys.stderr)
        return 1
    if not args.quiet:
        print("\n".join(report(data, departments)))
        print(f"{args.file}: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
