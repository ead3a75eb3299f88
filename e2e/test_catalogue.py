"""Citizen journey: search the procedure catalogue without diacritics, open a
procedure, see its documents and fees; look at the year's working calendar."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from conftest import Shots


def test_citizen_searches_without_diacritics(page: Page, base_url: str, shot: Shots) -> None:
    page.goto("/procedures")
    expect(page.locator("h1").first).to_contain_text("Thủ tục hành chính")
    page.get_by_label(re.compile("Tìm thủ tục")).fill("dang ky ket hon")
    shot("search-typed")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page).to_have_url(re.compile(r"/procedures\?q=dang\+ky\+ket\+hon"))
    first = page.locator("ol.result-list a").first
    expect(first).to_have_text("Đăng ký kết hôn")
    shot("results")
    first.click()
    expect(page).to_have_url(re.compile(r"/procedures/[^/?#]+$"))
    expect(page.locator("h1")).to_have_text("Đăng ký kết hôn")
    expect(page.get_by_role("heading", name="Thành phần hồ sơ")).to_be_visible()
    expect(page.get_by_role("heading", name="Phí, lệ phí")).to_be_visible()
    shot("procedure")


def test_keyboard_reaches_the_search(page: Page, base_url: str, shot: Shots) -> None:
    page.goto("/procedures")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    page.locator("#q").focus()
    page.keyboard.type("chung thuc ban sao")
    page.keyboard.press("Enter")
    expect(page.locator("ol.result-list li").first).to_contain_text("Chứng thực bản sao")
    shot("keyboard-search")


def test_public_calendar_shows_tet(page: Page, base_url: str, shot: Shots) -> None:
    page.goto("/calendar/2025")
    expect(page.locator("h1")).to_contain_text("2025")
    expect(page.locator("main")).to_contain_text("Tết")
    expect(page.locator("td.off").first).to_be_visible()
    shot("calendar-2025")


def test_citizen_starts_at_the_start_page_on_a_phone(page: Page, base_url: str, shot: Shots) -> None:
    """A citizen on a 360 px phone: `/` offers search first, finds a procedure typed without
    diacritics, and the page never scrolls sideways."""
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Dịch vụ hành chính công")
    expect(page.locator("main input[type=search]")).to_be_visible()
    expect(page.locator("main form input[name=password]")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the start page scrolls sideways at 360 px"
    shot("start-360")
    page.get_by_label("Tìm thủ tục hành chính").fill("dang ky ket hon")
    page.locator("main form[role=search] button").click()
    expect(page.locator("ol.result-list a").first).to_have_text("Đăng ký kết hôn")
    shot("start-results")
    page.goto("/")
    page.get_by_role("link", name="Tra cứu hồ sơ").last.click()
    expect(page).to_have_url(re.compile(r"/lookup$"))
