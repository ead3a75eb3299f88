"""Production mode as an operator meets it (issue 21): refusals naming the setting, `.env`,
`users create-admin`, no demo login and no test payment provider."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from conftest import ROOT, SECRET, Parhub


@pytest.mark.parametrize("env, setting", [
    ({}, "PARHUB_SECRET"),
    ({"PARHUB_SECRET": "short"}, "PARHUB_SECRET"),
    ({"PARHUB_SECRET": SECRET, "PARHUB_TEST_PAYMENTS": "1"}, "PARHUB_TEST_PAYMENTS"),
    ({"PARHUB_SECRET": SECRET, "PARHUB_TEST_NOW": "2026-12-05T03:00:00Z"}, "PARHUB_TEST_NOW"),
    ({"PARHUB_SECRET": SECRET, "PARHUB_TEST_SMS": "1"}, "PARHUB_TEST_SMS"),
])
def test_production_refuses_unsafe_settings_naming_them(parhub: Parhub, env: dict[str, str], setting: str) -> None:
    result = parhub.run("serve", "--env", "production", env=env)
    assert result.returncode == 78, result.stdout + result.stderr
    assert f"  - {setting}:" in result.stderr
    # PARHUB_ENV is the same switch as --env.
    again = parhub.run("serve", env={**env, "PARHUB_ENV": "production"})
    assert again.returncode == 78 and f"  - {setting}:" in again.stderr


def test_production_refuses_demo_users_with_the_demo_password(parhub: Parhub) -> None:
    result = parhub.run("serve", "--env", "production", env={"PARHUB_SECRET": SECRET, "PARHUB_DEMO": "1"})
    assert result.returncode == 78, result.stdout + result.stderr
    assert "  - demo users: admin" in result.stderr


def test_dotenv_reaches_the_configuration_and_production_has_no_demo_or_test_payments(parhub: Parhub) -> None:
    (parhub.workdir / ".env").write_text(f"PARHUB_SECRET={SECRET}\nPARHUB_PUBLIC_URL=https://dichvucong.example.vn\n")
    server = parhub.serve("--env", "production")
    try:
        log = server.log.read_text()
        assert "public address https://dichvucong.example.vn" in log
        assert "demo=false test-payments=false secure-cookies=true" in log
        # The Government's holiday decisions ship with the binary; no demo needed.
        assert "calendar: stored the shipped holiday decisions for 2024, 2025, 2026" in log
        # No demo login: the empty database has no users at all.
        request = urllib.request.Request(server.url + "/api/v1/auth/tokens", method="POST",
                                         data=json.dumps({"username": "admin", "password": "parhub-demo", "name": "x"}).encode(),
                                         headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 401
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(server.url + "/payments/test-provider/00000000-0000-0000-0000-000000000001", timeout=10)
        assert missing.value.code == 404
    finally:
        server.stop()


def test_create_admin_reads_the_password_from_standard_input(parhub: Parhub) -> None:
    env = {"PARHUB_SECRET": SECRET}
    migrated = parhub.run("migrate", "--yes", "--env", "production", env=env)
    assert migrated.returncode == 0, migrated.stdout
    first = parhub.run("users", "create-admin", "quantri", "--env", "production", stdin="mat-khau-rat-dai-1\n", env=env)
    assert first.returncode == 1 and "import them first" in first.stdout
    imported = parhub.run("import", "units", str(ROOT / "data/seed/hanoi-units.json"), "--env", "production", env=env)
    assert imported.returncode == 0, imported.stdout
    # Not a terminal: plain progress lines, no carriage returns, the last at 100 %.
    progress = [line for line in imported.stdout.splitlines() if line.startswith("importing units: ")]
    assert len(progress) >= 2 and "\r" not in imported.stdout, imported.stdout
    assert progress[-1].startswith("importing units: 683/683 (100%)")
    short = parhub.run("users", "create-admin", "quantri", "--env", "production", stdin="ngan\n", env=env)
    assert short.returncode == 1 and "10 to 72 bytes" in short.stdout
    created = parhub.run("users", "create-admin", "quantri", "--name", "Quản trị Sở TT&TT", "--env", "production",
                         stdin="mat-khau-rat-dai-1\n", env=env)
    assert created.returncode == 0, created.stdout
    assert "Created the administrator quantri on Thành phố Hà Nội (01)" in created.stdout
    second = parhub.run("users", "create-admin", "other", "--env", "production", stdin="mat-khau-rat-dai-2\n", env=env)
    assert second.returncode == 1 and "administrator exists already" in second.stdout
    rebuilt = parhub.run("index", "rebuild", "--env", "production", env=env)
    assert rebuilt.returncode == 0 and "replaying events: 0/0 (100%)" in rebuilt.stdout, rebuilt.stdout
    server = parhub.serve("--env", "production", env=env)
    try:
        request = urllib.request.Request(server.url + "/api/v1/auth/tokens", method="POST",
                                         data=json.dumps({"username": "quantri", "password": "mat-khau-rat-dai-1",
                                                          "name": "ops test"}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 201
            token = json.load(answer)["token"]
        me = urllib.request.Request(server.url + "/api/v1/users?limit=5", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(me, timeout=10) as answer:
            names = [u["username"] for u in json.load(answer)["items"]]
        assert names == ["quantri"]
    finally:
        server.stop()


def test_json_logs_are_one_object_per_line(parhub: Parhub) -> None:
    server = parhub.serve(env={"PARHUB_LOG_FORMAT": "json", "PARHUB_DEMO": "0"})
    try:
        lines = [line for line in server.log.read_text().splitlines() if line.startswith("{")]
        assert lines, server.log.read_text()
        notice = [json.loads(line) for line in lines if "ParHub configuration" in line]
        assert notice and notice[0]["level"] == "notice" and notice[0]["time"].endswith("Z")
    finally:
        server.stop()


@pytest.mark.parametrize("args", [("serve", "--help"), ("serve", "-h"), ("--help",), ("audit", "--help"), ("serve", "--help", "--env", "production")])
def test_help_prints_usage_and_touches_nothing(parhub: Parhub, args: tuple[str, ...]) -> None:
    # An operator reading the usage gets only the usage: no database created or migrated, no demo
    # loaded, no server banner with logins, no refusal of an unset production secret.
    result = parhub.run(*args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Usage:" in result.stdout
    assert "Demo logins" not in result.stdout and "ParHub:" not in result.stdout
    assert not (parhub.workdir / "db.sqlite").exists()
