"""Keyboard only: a counter officer signs in, receives a dossier and a citizen looks it up,
with nothing but Tab, Shift+Tab, typing and Enter — every step reachable in tab order, and
the focused control always visibly outlined."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from conftest import DEMO_PASSWORD

MAX_TABS = 250


def focused(page: Page, script: str) -> bool:
    return bool(page.evaluate(f"(() => {{ const el = document.activeElement; if (!el || el === document.body) return false; return {script}; }})()"))


def tab_to(page: Page, script: str, what: str) -> None:
    """Presses Tab until the focused element satisfies `script` (JS over `el`); checks its focus is visible."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if focused(page, script):
            outline = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                                    " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; })()")
            assert outline[0] != "none" or outline[2] != "none", f"{what}: focus not visible ({outline})"
            return
    raise AssertionError(f"{what}: not reachable with Tab")


def enter(page: Page) -> None:
    """Enter on a link or in a form: waits for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")


def test_intake_and_lookup_by_keyboard(page: Page) -> None:
    page.goto("/login")
    tab_to(page, "el.id === 'username'", "user name")
    page.keyboard.type("motcua.badinh")
    page.keyboard.press("Tab")
    assert focused(page, "el.id === 'password'")
    page.keyboard.type(DEMO_PASSWORD)
    enter(page)
    expect(page.locator("body")).to_contain_text("motcua.badinh")

    tab_to(page, "el.getAttribute('href') === '/dossiers'", "dossiers link")
    enter(page)
    tab_to(page, "el.getAttribute('href') === '/dossiers/new'", "receive a dossier")
    enter(page)
    tab_to(page, "el.id === 'q'", "procedure search")
    page.keyboard.type("dang ky khai sinh")
    enter(page)
    tab_to(page, "el.tagName === 'A' && el.textContent.includes('— Đăng ký khai sinh')", "the procedure")
    enter(page)
    tab_to(page, "el.id === 'name'", "applicant's name")
    page.keyboard.type("Trần Văn Phím")
    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.includes('Tiếp nhận và in giấy hẹn')", "receive button")
    enter(page)
    code = page.locator("#dossier-code").inner_text().strip()
    secret = page.locator("#lookup-secret").inner_text().strip()
    assert re.fullmatch(r".+-\d{6}-\d{4}", code), code

    # The citizen's status lookup, from the public navigation.
    tab_to(page, "el.getAttribute('href') === '/lookup'", "lookup link")
    enter(page)
    tab_to(page, "el.id === 'code'", "dossier code")
    page.keyboard.type(code)
    page.keyboard.press("Tab")
    assert focused(page, "el.id === 'secret'")
    page.keyboard.type(secret)
    enter(page)
    expect(page.locator("#lookup-state")).to_have_text("Đã tiếp nhận")
    # Shift+Tab walks back out of the result to the form.
    page.keyboard.press("Shift+Tab")
    assert not focused(page, "el === document.body")
