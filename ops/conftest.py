"""Process-level tests of the parhub binary as an operator runs it: production mode, `.env`,
`parhub users create-admin`, command output. Each test runs the binary in its own directory
on a fresh SQLite file.

Run through scripts/test (stage `ops`), or by hand after `swift build`:

    PARHUB_BIN=.build/debug/parhub e2e/.venv/bin/python -m pytest ops -q
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECRET = "ops-test-secret-" + "x" * 40


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Parhub:
    """The binary, run in `workdir` with a clean environment (only what the test gives)."""

    binary: str
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)

    def environment(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith("PARHUB_") and k != "DATABASE_URL"}
        base.update({"PARHUB_SQLITE_PATH": str(self.workdir / "db.sqlite"), "PARHUB_FILES_DIR": str(self.workdir / "files")})
        base.update(self.env)
        base.update(extra or {})
        return base

    def run(self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([self.binary, *args], cwd=self.workdir, env=self.environment(env), input=stdin,
                              capture_output=True, text=True, timeout=timeout)

    def serve(self, *args: str, env: dict[str, str] | None = None) -> "Server":
        port = free_port()
        log = open(self.workdir / f"serve-{port}.log", "w")
        process = subprocess.Popen([self.binary, "serve", "--port", str(port), *args], cwd=self.workdir,
                                   env=self.environment(env), stdout=log, stderr=subprocess.STDOUT, text=True)
        server = Server(process, f"http://127.0.0.1:{port}", self.workdir / f"serve-{port}.log")
        server.wait_ready()
        return server


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    log: Path

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"parhub exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"parhub did not become ready:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def parhub(tmp_path: Path) -> Parhub:
    binary = os.environ.get("PARHUB_BIN") or str(ROOT / ".build/debug/parhub")
    if not Path(binary).exists():
        pytest.fail(f"no parhub binary at {binary}: run swift build (or set PARHUB_BIN)")
    # What a deployment ships beside the binary (README, "Running in production").
    for shipped in ("Resources", "Public"):
        (tmp_path / shipped).symlink_to(ROOT / shipped)
    (tmp_path / "data").mkdir()
    (tmp_path / "data/seed").symlink_to(ROOT / "data/seed")
    return Parhub(binary=str(Path(binary).resolve()), workdir=tmp_path)


def api(server: Server, method: str, path: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    """A JSON API call: (status, parsed body)."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(server.url + path, method=method, headers=headers,
                                     data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def seeded_parhub(work: Path, env: dict[str, str]) -> Parhub:
    """The binary in `work` with the shipped views, files and seed data, migrated and seeded."""
    for shipped in ("Resources", "Public"):
        (work / shipped).symlink_to(ROOT / shipped)
    (work / "data").mkdir()
    (work / "data/seed").symlink_to(ROOT / "data/seed")
    binary = os.environ.get("PARHUB_BIN") or str(ROOT / ".build/debug/parhub")
    parhub = Parhub(binary=str(Path(binary).resolve()), workdir=work, env=env)
    for command in (["migrate", "--yes"], ["seed"]):
        done = parhub.run(*command)
        assert done.returncode == 0, done.stdout + done.stderr
    return parhub
