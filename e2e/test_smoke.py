"""Smoke journey: log in, open the unit tree, open a unit, switch to English."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from conftest import DEMO_USER, Shots, login


def test_login_lands_on_home(page: Page, base_url: str, shot: Shots) -> None:
    login(page, base_url, shot)
    # the logged-in user's name is shown somewhere on the page (visible text only)
    expect(page.locator("body")).to_contain_text(DEMO_USER, use_inner_text=True)
    shot("home")


def test_unit_tree_and_unit_detail(page: Page, base_url: str, shot: Shots) -> None:
    login(page, base_url)
    resp = page.goto("/units")
    assert resp is not None and resp.ok, f"GET /units answered {resp.status if resp else 'nothing'}"
    expect(page.locator("h1").first).to_contain_text("Đơn vị")
    shot("units")

    link = page.locator('main a[href^="/units/"]').first
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    link.click()
    expect(page).to_have_url(re.compile("^" + re.escape(base_url) + r"/units/[^/?#]+"))
    page.wait_for_load_state("load")
    expect(page.locator("h1").first).to_have_text(re.compile(r"\S"))
    shot("unit-detail")
    assert page.url.startswith(base_url + "/units/"), f"followed {href!r}, ended on {page.url}"


def test_english_with_lang_param(page: Page, base_url: str, shot: Shots) -> None:
    login(page, base_url)
    resp = page.goto("/?lang=en")
    assert resp is not None and resp.ok, f"GET /?lang=en answered {resp.status if resp else 'nothing'}"
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^en(-|$)"))
    shot("home-en")
