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


@pytest.fixture(scope="session")
def browser() -> Browser:
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
        yield b
        b.close()


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
            route.continue_()
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
