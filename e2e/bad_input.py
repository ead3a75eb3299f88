"""Hostile input against every write endpoint of the API and every form of the pages.

    PARHUB_BASE_URL=http://127.0.0.1:8080 PARHUB_SQLITE_PATH=/path/to/app.sqlite e2e/.venv/bin/python e2e/bad_input.py

API: for each operation of the app's own /openapi.yaml that takes a JSON body, a body of the
right shape is built from its schema (real ids for the path where the demo has them), then
every string field in turn gets each hostile string (NFD and combining Vietnamese,
zero-width and right-to-left marks, 1 MB, SQL and HTML injection, path traversal, impossible
dates), every number a negative and a huge value; plus broken JSON, the wrong content type,
an empty body and a 3 MB body.

Forms: the signed-in admin's pages are crawled from the home page; every POST form found gets
each hostile string in all its text fields (its hidden fields and first options kept); file
inputs get an empty file and a path-traversal file name.

Pass: never a 5xx; an API 4xx is application/problem+json; and whenever the answer is not a
success, no table gained or lost rows (read from the SQLite file; tables that record refusals
on purpose — login attempts, payment callbacks, idempotency keys — are left out). Prints the
counts of cases tried and failures; exits 1 on any failure.
"""

from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import sys
import urllib.parse
from html.parser import HTMLParser

import requests
import yaml

BASE = os.environ.get("PARHUB_BASE_URL", "").rstrip("/")
DB = os.environ.get("PARHUB_SQLITE_PATH", "")
USER, PASSWORD = "admin", "parhub-demo"
# Tables that change on refused requests by design.
# The scheduler and the outbox dispatcher take and release leases in the background.
VOLATILE = {"login_attempts", "payment_callbacks", "idempotency_keys", "sessions", "_fluent_sessions", "rate_limits", "leases",
            "job_runs", "job_marks"}

HOSTILE = [
    "Nguye\u0302\u0303n Va\u0306n A",                    # NFD: combining marks instead of precomposed letters
    "Đăng\u200b ký\u200d khai\ufeff sinh",                # zero-width space, joiner, BOM
    "\u202eTên đảo ngược\u202c \u200fמסמך",               # RTL override and Hebrew
    "a" * (1 << 20),                                    # 1 MB
    "'; DROP TABLE dossiers; --",
    "\" OR 1=1 --",
    "<script>alert(1)</script><img src=x onerror=alert(1)>",
    "../../../../etc/passwd",
    "%00\u0000null byte",
    "2026-02-30",
    "0000-00-00T25:61:61Z",
    "-1",
    "99999999999999999999999999",
    "",
    "   ",
    "\ud800"[:0] + "\U0001F600 emoji",
]
NUMBERS = [-1, -10_000_000_000, 10 ** 18, 0]

failures: list[str] = []
tried = 0
statuses: dict[int, int] = {}


def row_counts() -> dict[str, int]:
    if not DB:
        return {}
    con = sqlite3.connect(f"file:{DB}?mode=ro", uri=True, timeout=30)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables if t not in VOLATILE}
    finally:
        con.close()


def check(label: str, response: requests.Response, before: dict[str, int], api: bool) -> None:
    global tried
    tried += 1
    status = response.status_code
    statuses[status] = statuses.get(status, 0) + 1
    if status >= 500:
        failures.append(f"{label}: {status} {response.text[:200]!r}")
        return
    if api and 400 <= status < 500 and not response.headers.get("content-type", "").startswith("application/problem+json"):
        failures.append(f"{label}: {status} without problem+json ({response.headers.get('content-type')})")
    if status >= 400 or (not api and status == 200 and "error-summary" in response.text):
        after = row_counts()
        changed = {t: (before.get(t), n) for t, n in after.items() if before.get(t) != n}
        if changed:
            failures.append(f"{label}: refused ({status}) but rows changed: {changed}")


# ---------------------------------------------------------------------- API ----

def resolve(schema: dict, doc: dict) -> dict:
    while isinstance(schema, dict) and "$ref" in schema:
        node = doc
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema or {}


def sample(schema: dict, doc: dict, ids: dict[str, str], name: str = "", depth: int = 0):
    schema = resolve(schema, doc)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if "enum" in schema:
        return next((v for v in schema["enum"] if v is not None), None)
    if kind == "object" or "properties" in schema:
        if depth > 3:
            return {}
        return {k: sample(v, doc, ids, k, depth + 1) for k, v in schema.get("properties", {}).items()}
    if kind == "array":
        return [sample(schema.get("items", {}), doc, ids, name, depth + 1)] if depth < 3 else []
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return True
    fmt = schema.get("format")
    if fmt == "uuid":
        return ids.get(name) or ids.get(name.removesuffix("Id") + "Id") or "00000000-0000-0000-0000-000000000000"
    if fmt == "date":
        return "2026-12-01"
    if fmt == "date-time":
        return "2026-12-01T02:00:00Z"
    return ids.get(name, "Hồ sơ thử")


def variants(body, doc_schema=None):
    """Each leaf string replaced by each hostile value, each number by each bad number."""
    def paths(node, prefix=()):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from paths(v, prefix + (k,))
        elif isinstance(node, list) and node:
            yield from paths(node[0], prefix + (0,))
        else:
            yield prefix, node

    def replaced(node, path, value):
        if not path:
            return value
        copy = json.loads(json.dumps(node))
        target = copy
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return copy

    for path, leaf in list(paths(body)):
        if isinstance(leaf, bool):
            continue
        if isinstance(leaf, str):
            for value in HOSTILE:
                yield "/".join(map(str, path)), replaced(body, path, value)
        elif isinstance(leaf, (int, float)):
            for value in NUMBERS:
                yield "/".join(map(str, path)), replaced(body, path, value)


def api_cases(session: requests.Session, ids: dict[str, str]) -> None:
    doc = yaml.safe_load(session.get(f"{BASE}/openapi.yaml").text)
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in ("post", "put", "patch", "delete"):
                continue
            url_path = re.sub(r"\{(\w+)\}", lambda m: urllib.parse.quote(ids.get(m.group(1), "00000000-0000-0000-0000-000000000000"), safe=""), path)
            url = BASE + url_path
            content = (op.get("requestBody") or {}).get("content", {})
            if "application/json" not in content:
                continue
            label = f"{method.upper()} {path}"
            body = sample(content["application/json"]["schema"], doc, ids)
            raw_cases = [("broken JSON", b'{"a": [1, 2', "application/json"), ("wrong content type", b"hello", "text/plain"),
                         ("empty body", b"", "application/json"), ("3 MB body", b'{"x":"' + b"a" * (3 << 20) + b'"}', "application/json"),
                         ("JSON array", b"[]", "application/json"), ("NUL bytes", b'{"a":"\x00"}', "application/json")]
            for name, data, ctype in raw_cases:
                before = row_counts()
                response = session.request(method, url, data=data, headers={"Content-Type": ctype, "Accept": "application/json"})
                check(f"{label} [{name}]", response, before, api=True)
            for field, variant in variants(body):
                before = row_counts()
                response = session.request(method, url, json=variant, headers={"Accept": "application/json",
                                                                                "Idempotency-Key": f"bad-{random.random()}"})
                check(f"{label} [{field}]", response, before, api=True)


# -------------------------------------------------------------------- forms ----

class Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href", "").startswith("/") and not a["href"].startswith("//"):
            self.links.append(a["href"])
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "", "fields": {}, "text": [], "files": [],
                          "multipart": "multipart" in (a.get("enctype") or "")}
        elif self._form is not None and tag in ("input", "textarea", "select"):
            name = a.get("name")
            if not name:
                return
            kind = (a.get("type") or "text").lower() if tag == "input" else tag
            if kind == "hidden":
                self._form["fields"][name] = a.get("value", "")
            elif kind == "file":
                self._form["files"].append(name)
            elif kind in ("text", "textarea", "search", "email", "tel", "number", "date", "password", "url"):
                self._form["text"].append(name)
            elif kind in ("radio", "checkbox") and name not in self._form["fields"]:
                self._form["fields"][name] = a.get("value", "on")
            elif kind == "select":
                self._select = name
        elif self._form is not None and tag == "option" and self._select and self._select not in self._form["fields"]:
            if a.get("value"):
                self._form["fields"][self._select] = a["value"]
        elif self._form is not None and tag == "button" and a.get("name") and a["name"] not in self._form["fields"]:
            self._form["fields"][a["name"]] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def form_cases(session: requests.Session, limit_pages: int = 120) -> None:
    seen_pages: set[str] = set()
    seen_forms: set[str] = set()
    queue = ["/", "/centre", "/dossiers/new", "/feedback/new", "/admin/users", "/plans", "/inspections", "/par-index", "/reports", "/satisfaction"]
    skip = re.compile(r"^/(logout|api/|openapi|metrics|healthz|readyz|board/.*/events|.*\.(csv|xlsx|docx|pdf))")
    while queue and len(seen_pages) < limit_pages:
        page = queue.pop(0).split("#")[0]
        if page in seen_pages or skip.match(page):
            continue
        seen_pages.add(page)
        response = session.get(BASE + page)
        if response.status_code >= 500:
            failures.append(f"GET {page}: {response.status_code}")
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        parser = Forms()
        parser.feed(response.text)
        queue += [link for link in parser.links if link.split("?")[0] not in {p.split("?")[0] for p in seen_pages}][:30]
        for form in parser.forms:
            if form["method"] != "post":
                continue
            action = form["action"] or page
            key = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "{id}", action.split("?")[0], flags=re.I) + "|" + ",".join(sorted(form["text"]))
            if key in seen_forms or "/logout" in action or "/revoke" in action or "/status" in action:
                continue
            seen_forms.add(key)
            for value in HOSTILE:
                data = dict(form["fields"])
                for name in form["text"]:
                    data[name] = value
                files = None
                if form["files"]:
                    files = {name: ("../../../etc/passwd" if i % 2 else "", b"", "application/pdf") for i, name in enumerate(form["files"])}
                before = row_counts()
                response = session.post(BASE + action if action.startswith("/") else BASE + page, data=data, files=files, allow_redirects=False)
                check(f"form {action} [{value[:20]!r}]", response, before, api=False)


def main() -> int:
    if not BASE:
        print("bad_input: set PARHUB_BASE_URL", file=sys.stderr)
        return 2
    api = requests.Session()
    token = api.post(f"{BASE}/api/v1/auth/tokens", json={"username": USER, "password": PASSWORD, "name": "bad-input"}).json()["token"]
    api.headers["Authorization"] = f"Bearer {token}"
    ids: dict[str, str] = {}
    units = api.get(f"{BASE}/api/v1/units", params={"limit": 5}).json().get("items", [])
    if units:
        ids["unitId"] = units[0]["id"]
        ids["receivingUnitId"] = units[0]["id"]
    dossiers = api.get(f"{BASE}/api/v1/dossiers", params={"limit": 1}).json().get("items", [])
    if dossiers:
        ids["dossierId"] = dossiers[0]["id"]
    procedures = api.get(f"{BASE}/api/v1/procedures", params={"limit": 1}).json().get("items", [])
    if procedures:
        ids["code"] = procedures[0]["code"]
        ids["procedureId"] = procedures[0]["id"]
    api_cases(api, ids)
    api_tried = tried

    pages = requests.Session()
    login = pages.get(f"{BASE}/login")
    csrf = re.search(r'name="_csrf" value="([^"]*)"', login.text)
    pages.post(f"{BASE}/login", data={"username": USER, "password": PASSWORD, "_csrf": csrf.group(1) if csrf else ""}, allow_redirects=False)
    if USER not in pages.get(f"{BASE}/").text:
        print(f"bad-input: could not sign in as {USER} for the forms (locked out, or the demo login changed)", file=sys.stderr)
        return 1
    form_cases(pages)
    print(f"bad-input: {api_tried} API cases, {tried - api_tried} form cases, {len(failures)} failures")
    print("  answers: " + ", ".join(f"{code}×{n}" for code, n in sorted(statuses.items())))
    for failure in failures[:60]:
        print("  FAIL " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
