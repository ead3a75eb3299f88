"""Notices through a real SMTP relay (aiosmtpd with STARTTLS and AUTH), from two instances on
one PostgreSQL (issue 21): with the relay down for 30 s in the middle every notice arrives, none
is sent by both instances, and a message the relay refuses for good is dead on the outbox until
an administrator sends it again.
"""

from __future__ import annotations

import os
import ssl
import subprocess
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from conftest import SECRET, Server, api, free_port, seeded_parhub

DATABASE_URL = os.environ.get("PARHUB_OPS_DATABASE_URL", "")
USER, PASSWORD = "parhub-relay", "mat-khau-relay-1"
REFUSED = "tu-choi@example.vn"
if os.environ.get("PARHUB_OPS_STRICT") == "1" and not DATABASE_URL:
    raise RuntimeError("PARHUB_OPS_DATABASE_URL is not set")
pytestmark = pytest.mark.skipif(not DATABASE_URL, reason="needs PARHUB_OPS_DATABASE_URL (scripts/test --stages ops)")


class Relay:
    """Records every message: its Message-ID and the EHLO name (the instance) that sent it."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str, str]] = []  # (message-id, ehlo, recipient)
        self.tls_and_auth: list[bool] = []
        self.refuse = True
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED and self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        text = envelope.content.decode("utf-8", "replace")
        message_id = next((line.split(":", 1)[1].strip() for line in text.splitlines() if line.lower().startswith("message-id:")), "")
        with self.lock:
            self.received.append((message_id, session.host_name, envelope.rcpt_tos[0]))
            self.tls_and_auth.append(session.ssl is not None and session.authenticated)
        return "250 Message accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok)


def start_relay(relay: Relay, port: int, cert: Path, key: Path) -> Controller:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    controller = Controller(relay, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            authenticator=authenticator, auth_require_tls=True, auth_exclude_mechanism=["LOGIN"])
    controller.start()
    return controller


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.5)


def test_two_instances_deliver_every_notice_once_through_an_outage(tmp_path: Path) -> None:
    cert, key = tmp_path / "relay.pem", tmp_path / "relay.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    port = free_port()
    relay = Relay()
    controller = start_relay(relay, port, cert, key)
    parhub = seeded_parhub(tmp_path, {
        "DATABASE_URL": DATABASE_URL, "PARHUB_SECRET": SECRET, "PARHUB_LOOKUP_RATE_LIMIT": "0",
        "PARHUB_SMTP_HOST": "localhost", "PARHUB_SMTP_PORT": str(port), "PARHUB_SMTP_TLS": "starttls",
        "PARHUB_SMTP_USER": USER, "PARHUB_SMTP_PASSWORD": PASSWORD, "PARHUB_SMTP_CA_FILE": str(cert),
        "PARHUB_SMTP_FROM": "motcua@example.gov.vn", "PARHUB_FILES_DIR": str(tmp_path / "files")})
    servers = [parhub.serve() for _ in range(2)]
    try:
        status, body = api(servers[0], "POST", "/api/v1/auth/tokens", {"username": "motcua.tuphap", "password": "parhub-demo", "name": "smtp"})
        assert status == 201, body
        token = body["token"]
        _, me = api(servers[0], "GET", "/api/v1/me", token=token)
        unit = next(p["unitId"] for p in me["permissions"] if "receive_dossiers" in p["permissions"])
        _, page = api(servers[0], "GET", "/api/v1/procedures?limit=20")
        procedure = next(p for p in page["items"] if p["documents"])
        stamp = int(time.time())

        def intake(n: int, email: str) -> None:
            status, body = api(servers[n % 2], "POST", "/api/v1/dossiers", {
                "procedureId": procedure["id"], "receivingUnitId": unit, "channel": "counter",
                "applicant": {"name": f"Người nhận thư {n}", "email": email},
                "components": [d["name"] for d in procedure["documents"]]}, token=token)
            assert status == 201, body

        wanted = {f"dan{stamp}-{n}@example.vn" for n in range(12)}
        for n in range(6):
            intake(n, f"dan{stamp}-{n}@example.vn")
        wait_for(lambda: len({r[2] for r in relay.received} & wanted) >= 3, 60, "the first notices")
        controller.stop()  # the relay goes away for 30 s
        for n in range(6, 12):
            intake(n, f"dan{stamp}-{n}@example.vn")
        intake(12, REFUSED)
        time.sleep(30)
        controller = start_relay(relay, port, cert, key)
        wait_for(lambda: {r[2] for r in relay.received} >= wanted, 150, "every notice after the outage")
        ours = [r for r in relay.received if r[2] in wanted]
        by_id: dict[str, set[str]] = {}
        for message_id, ehlo, _ in ours:
            by_id.setdefault(message_id, set()).add(ehlo)
        assert len(by_id) == 12, "one Message-ID per notice"
        assert all(len(senders) == 1 for senders in by_id.values()), f"a notice sent by both instances: {by_id}"
        assert len(ours) == 12, "no notice twice"
        assert all(relay.tls_and_auth), "every message went over STARTTLS, authenticated"

        # The refused one is dead at once; the administrator sends it again once the relay accepts it.
        _, admin = api(servers[1], "POST", "/api/v1/auth/tokens", {"username": "admin", "password": "parhub-demo", "name": "smtp"})
        wait_for(lambda: any(m["recipient"] == REFUSED for m in api(servers[1], "GET", "/api/v1/outbox?status=dead",
                                                                       token=admin["token"])[1]["items"]), 60, "the refused notice dead")
        _, dead = api(servers[1], "GET", "/api/v1/outbox?status=dead", token=admin["token"])
        message = next(m for m in dead["items"] if m["recipient"] == REFUSED)
        # Queued during the outage: its tries failed until the relay was back, then the 550 ended them.
        assert "550" in (message["lastError"] or "") and message["attempts"] >= 1
        relay.refuse = False
        status, _ = api(servers[0], "POST", f"/api/v1/outbox/{message['id']}/retry", token=admin["token"])
        assert status == 200
        wait_for(lambda: any(r[2] == REFUSED for r in relay.received), 30, "the retried notice")
    finally:
        controller.stop()
        for server in servers:
            server.stop()
