"""Browser smoke tests for ParHub: pytest + Playwright (sync API) on Debian's chromium.

Run through scripts/test, or by hand against a running app:

    PARHUB_BASE_URL=http://127.0.0.1:8080 CHROMIUM_PATH=$(command -v chromium) \
        e2e/.venv/bin/python -m pytest e2e -q

Screenshots of every step (and of any failing test) go to e2e/artifacts/.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from a11y import Checker

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DEMO_USER = "admin"
DEMO_PASSWORD = "parhub-demo"
DEFAULT_TIMEOUT_MS = 15_000

expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


@pytest.fixture(scope="session")
def base_url() -> str:
    url = os.environ.get("PARHUB_BASE_URL", "").rstrip("/")
    if not url:
        pytest.fail("PARHUB_BASE_URL is not set (e.g. http://127.0.0.1:8080); scripts/test sets it")
    host = urlparse(url).hostname or ""
    if not (host == "localhost" or host.startswith("127.") or host == "::1"):
        pytest.fail(f"PARHUB_BASE_URL must be a loopback address, got {url}")
    return url


AXE = os.environ.get("PARHUB_E2E_AXE", "1") != "0"
_checker: Checker | None = None


@pytest.fixture(scope="session")
def browser(base_url: str) -> Browser:
    global _checker
    exe = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        pytest.fail("no chromium: set CHROMIUM_PATH or apt-get install chromium")
    with sync_playwright() as pw:
        # Debian's chromium, not a Playwright-downloaded build (`playwright install`
        # cannot download here). --no-sandbox: we run as root.
        b = pw.chromium.launch(
            executable_path=exe,
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        )
        # Every context a test opens (the page fixture's, open_as's...) reports what the
        # Content-Security-Policy blocked and records the documents it is sent; the a11y
        # fixture fails the test on the first and runs axe-core on the second.
        plain_new_context = b.new_context
        if AXE:
            _checker = Checker(base_url, new_context=plain_new_context)

        def watched_new_context(**kwargs):
            context = plain_new_context(**kwargs)
            context.on("console", _note_csp_violation)
            if _checker is not None:
                _checker.record_into(context)
            return context

        b.new_context = watched_new_context
        yield b
        b.close()


_csp_violations: list[str] = []


def _note_csp_violation(message) -> None:
    if message.type == "error" and "Content Security Policy" in message.text:
        _csp_violations.append(f"{message.location.get('url', '?')}: {message.text[:300]}")


@pytest.fixture(autouse=True)
def a11y(request, browser: Browser):
    """After each test: anything the Content-Security-Policy blocked fails it, then
    axe-core runs on every new page it saw; serious or critical violations fail it."""
    _csp_violations.clear()
    yield
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        if _checker is not None:
            _checker.pending.clear()
        return
    if _csp_violations:
        pytest.fail("blocked by the Content-Security-Policy:\n  " + "\n  ".join(_csp_violations), pytrace=False)
    if _checker is None:
        return
    failures = _checker.check_pending()
    if failures:
        pytest.fail(f"axe-core and page checks: {len(failures)} failure(s):\n  " + "\n  ".join(failures), pytrace=False)


def pytest_terminal_summary(terminalreporter):
    if _checker is not None:
        terminalreporter.write_line(
            f"axe-core: {_checker.pages_checked} pages checked ({len(_checker.paths_checked)} distinct paths), "
            f"{_checker.violations_found} serious/critical violations")
        terminalreporter.write_line(
            f"language: {_checker.english_checked} page(s) checked in English, "
            f"{len(_checker.language_found)} show unmarked Vietnamese (failing)"
            + (f"; not checked (no HTML 200 in English): {', '.join(_checker.english_skipped)}" if _checker.english_skipped else ""))
        for line in _checker.language_found:
            terminalreporter.write_line("  " + line)
        if _checker.minor_found:
            terminalreporter.write_line("axe-core, moderate/minor (not failing): " + ", ".join(
                f"{rule} on {n} page(s)" for rule, n in sorted(_checker.minor_found.items())))
    elif not AXE:
        terminalreporter.write_line("axe-core: off (PARHUB_E2E_AXE=0)")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


class Shots:
    """Numbered screenshots for one test: e2e/artifacts/<test>-<nn>-<step>.png"""

    def __init__(self, page: Page, test_name: str):
        self.page = page
        self.prefix = re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)
        self.n = 0

    def __call__(self, step: str) -> Path:
        self.n += 1
        path = ARTIFACTS / f"{self.prefix}-{self.n:02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', step)}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def page(browser: Browser, base_url: str, request) -> Page:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        base_url=base_url,
        locale="vi-VN",  # the app's default language; tests that want English ask for it
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(30_000)

    # Nothing but the app itself: abort any request that would leave loopback.
    app_origin = urlparse(base_url)

    def only_app(route):
        u = urlparse(route.request.url)
        if u.scheme in ("data", "blob", "about") or (u.hostname == app_origin.hostname and u.port == app_origin.port):
            route.fallback()  # on to the axe recorder (if any), then the network
        else:
            print(f"[e2e] blocked off-host request: {route.request.url}")
            route.abort()

    context.route("**/*", only_app)

    pg = context.new_page()
    page_errors: list[str] = []
    pg.on("pageerror", lambda exc: page_errors.append(str(exc)))
    yield pg

    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        try:
            Shots(pg, request.node.name)("FAILED")
        except Exception as exc:  # the page may be gone
            print(f"[e2e] could not take the failure screenshot: {exc}")
    context.close()
    if page_errors and not (rep is not None and rep.failed):
        pytest.fail("uncaught JavaScript errors on the page: " + "; ".join(page_errors))


@pytest.fixture
def shot(page: Page, request) -> Shots:
    return Shots(page, request.node.name)


def login(page: Page, base_url: str, shot: Shots | None = None) -> None:
    """Log in with the demo admin account and land on /."""
    resp = page.goto("/login")
    assert resp is not None and resp.ok, f"GET /login answered {resp.status if resp else 'nothing'}"
    if shot:
        shot("login-page")
    page.locator("#username").fill(DEMO_USER)
    page.locator("#password").fill(DEMO_PASSWORD)
    if shot:
        shot("login-filled")
    page.locator("form:has(#username) button[type=submit]").first.click()
    expect(page).to_have_url(re.compile("^" + re.escape(base_url) + r"/(\?.*)?(#.*)?$"))
    page.wait_for_load_state("load")
