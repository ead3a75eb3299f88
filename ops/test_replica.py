"""Reads from a PostgreSQL streaming replica (`DATABASE_READ_URL`, issue 22).

scripts/test (stage `replica`) starts a throw-away primary and a hot standby made from it with
`pg_basebackup -R`, and passes PARHUB_OPS_DATABASE_URL, PARHUB_OPS_READ_URL and PARHUB_OPS_PSQL.
The app runs against both. With the standby's replay paused (`pg_wal_replay_pause()`), what the
primary has and the standby has not shows which database answered:

- the dashboards' drill-down, read by a token client, comes from the standby: a dossier received
  while replay is paused is not in it until replay resumes;
- the lookup of a dossier just received succeeds (the standby misses, the primary answers);
- a write followed by its own read (the dossier by id) sees the write;
- a signed-in session that has written reads from the primary until the standby has replayed its
  write; a session whose writes are replayed reads from the standby.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest

from conftest import SECRET, Server, api, seeded_parhub

PRIMARY = os.environ.get("PARHUB_OPS_DATABASE_URL", "")
REPLICA = os.environ.get("PARHUB_OPS_READ_URL", "")
PSQL = os.environ.get("PARHUB_OPS_PSQL", "psql")
if os.environ.get("PARHUB_OPS_STRICT") and not (PRIMARY and REPLICA):
    raise RuntimeError("PARHUB_OPS_DATABASE_URL and PARHUB_OPS_READ_URL are needed (scripts/test --stages replica)")
pytestmark = pytest.mark.skipif(not (PRIMARY and REPLICA), reason="needs a primary and a replica (scripts/test --stages replica)")

COUNTER_USER, ADMIN, PASSWORD = "motcua.tuphap", "admin", "parhub-demo"


def sql(url: str, statement: str) -> str:
    done = subprocess.run([PSQL, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", statement],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def wait_replayed(timeout: float = 60) -> None:
    """Until the standby has replayed everything the primary has written so far."""
    target = sql(PRIMARY, "SELECT pg_current_wal_insert_lsn()")
    deadline = time.monotonic() + timeout
    while sql(REPLICA, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn") != "t":
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.2)


class Browser:
    """A signed-in session: cookies kept, forms posted with their CSRF token."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.server.url + path, timeout=30) as r:
            return r.read().decode()

    def sign_in(self, username: str) -> None:
        csrf = re.search(r'name="_csrf" value="([^"]+)"', self.get("/login")).group(1)
        form = urllib.parse.urlencode({"_csrf": csrf, "username": username, "password": PASSWORD, "next": "/"}).encode()
        with self.opener.open(self.server.url + "/login", data=form, timeout=30) as r:
            assert r.status == 200 and "/login" not in r.url, "signed in"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    work = tmp_path_factory.mktemp("replica")
    parhub = seeded_parhub(work, {
        "DATABASE_URL": PRIMARY, "DATABASE_READ_URL": REPLICA, "PARHUB_SECRET": SECRET, "PARHUB_LOOKUP_RATE_LIMIT": "0",
        "PARHUB_FILES_DIR": str(work / "files"), "PARHUB_JOBS": "0"})
    running = parhub.serve()
    try:
        assert "read-database=postgres" in running.log.read_text(), "the start-up line names the replica"
        yield running
    finally:
        sql(REPLICA, "SELECT pg_wal_replay_resume()")
        running.stop()


def test_reads_come_from_the_replica_and_what_was_just_written_is_found(server: Server) -> None:
    status, body = api(server, "POST", "/api/v1/auth/tokens", {"username": COUNTER_USER, "password": PASSWORD, "name": "replica"})
    assert status == 201, body
    token = body["token"]
    _, me = api(server, "GET", "/api/v1/me", token=token)
    unit = next(p["unitId"] for p in me["permissions"] if "receive_dossiers" in p["permissions"])
    _, page = api(server, "GET", "/api/v1/procedures?limit=20")
    chosen = next(p for p in page["items"] if p["documents"])
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=7)).date().isoformat()
    drill = f"/api/v1/index/units/{unit}/drill?fact=received&from={today}&to={today}"
    status, body = api(server, "POST", "/api/v1/auth/tokens", {"username": ADMIN, "password": PASSWORD, "name": "replica"})
    assert status == 201, body
    admin = body["token"]

    # A session that signed in (a write) before the pause, once the replica has it, reads from the replica.
    early = Browser(server)
    early.sign_in(ADMIN)
    wait_replayed()
    status, before = api(server, "GET", drill, token=admin)
    assert status == 200, before
    sql(REPLICA, "SELECT pg_wal_replay_pause()")
    try:
        status, made = api(server, "POST", "/api/v1/dossiers", {
            "procedureId": chosen["id"], "receivingUnitId": unit, "channel": "counter",
            "applicant": {"name": "Người nộp qua bản sao"}, "components": [d["name"] for d in chosen["documents"]]}, token=token)
        assert status == 201, made
        dossier, secret = made["dossier"], made["lookupSecret"]
        assert sql(PRIMARY, f"SELECT count(*) FROM dossiers WHERE code = '{dossier['code']}'") == "1"
        assert sql(REPLICA, f"SELECT count(*) FROM dossiers WHERE code = '{dossier['code']}'") == "0", "replay is paused"

        # The receipt just printed: the lookup misses on the replica and asks the primary.
        query = urllib.parse.urlencode({"code": dossier["code"], "secret": secret})
        status, found = api(server, "GET", "/api/v1/lookup?" + query)
        assert status == 200 and found["code"] == dossier["code"], found
        assert dossier["code"] in Browser(server).get("/lookup?" + query)
        # The writer reading what it wrote: the dossier itself comes from the primary.
        status, read = api(server, "GET", f"/api/v1/dossiers/{dossier['id']}", token=token)
        assert status == 200 and read["code"] == dossier["code"]
        # The dashboards come from the replica: the new dossier is not counted yet.
        status, during = api(server, "GET", drill, token=admin)
        assert status == 200 and during["total"] == before["total"], (before, during)
        assert dossier["code"] not in json.dumps(during)

        # Signed-in pages: the session whose sign-in is replayed reads the replica; one that signs in now
        # (its write not replayed) reads the primary and sees the dossier.
        page = f"/index/units/{unit}/drill?fact=received&from={today}&to={today}"
        assert dossier["code"] not in early.get(page), "a session with nothing unreplayed reads the replica"
        late = Browser(server)
        late.sign_in(ADMIN)
        assert dossier["code"] in late.get(page), "a session that just wrote reads the primary"
    finally:
        sql(REPLICA, "SELECT pg_wal_replay_resume()")
    wait_replayed()
    status, after = api(server, "GET", drill, token=admin)
    assert status == 200 and after["total"] == before["total"] + 1 and dossier["code"] in json.dumps(after), after
    assert dossier["code"] in early.get(page)


def test_the_portal_reads_the_replica(server: Server) -> None:
    title = f"Thông báo qua bản sao {time.time_ns()}"
    wait_replayed()
    sql(REPLICA, "SELECT pg_wal_replay_pause()")
    try:
        # Written straight into the primary: the portal's answer shows what the replica has.
        sql(PRIMARY, "INSERT INTO announcements (id, title, body, published_at, author) "
                     f"VALUES (gen_random_uuid(), '{title}', 'Nội dung', now(), 'ops')")
        _, listed = api(server, "GET", "/api/v1/portal/announcements")
        assert title not in json.dumps(listed, ensure_ascii=False)
    finally:
        sql(REPLICA, "SELECT pg_wal_replay_resume()")
    wait_replayed()
    _, listed = api(server, "GET", "/api/v1/portal/announcements")
    assert title in json.dumps(listed, ensure_ascii=False)
