"""The service centre floor in a browser: a citizen takes a number at the kiosk of Phường
Ba Đình (demo), the counter officer calls it from desk 1, the display board (another screen,
no sign-in) shows it within two seconds without a reload, the officer finishes, and the
citizen rates the service on the phone page of the ticket."""

from __future__ import annotations

import time

from playwright.sync_api import Browser, Page, expect

from conftest import DEFAULT_TIMEOUT_MS, Shots
from test_dossiers import open_as


def test_ticket_called_shown_on_board_and_rated(browser: Browser, base_url: str, page: Page) -> None:
    shot = Shots(page, "centre")
    officer = open_as(browser, base_url, "motcua.badinh")
    officer.goto("/centre")
    expect(officer.locator("h1")).to_contain_text("Ba Đình")
    kiosk = officer.get_by_role("link", name="Máy lấy số").get_attribute("href")
    board_href = officer.get_by_role("link", name="Bảng hiển thị").get_attribute("href")
    assert kiosk and board_href

    # The board: its own screen, nobody signed in, live through Server-Sent Events.
    screen = browser.new_context(base_url=base_url, locale="vi-VN", viewport={"width": 1920, "height": 1080}).new_page()
    screen.set_default_timeout(DEFAULT_TIMEOUT_MS)
    board_errors: list[str] = []
    screen.on("pageerror", lambda exc: board_errors.append(str(exc)))
    screen.goto(board_href)
    expect(screen.locator("h1")).to_contain_text("Ba Đình")

    # The citizen takes a number for civil status (hộ tịch).
    page.goto(kiosk)
    page.get_by_role("button", name="Hộ tịch", exact=True).click()
    page.wait_for_load_state("load")
    number = page.locator(".ticket-number").inner_text().strip()
    assert len(number) == 4 and number.isdigit()
    expect(page.locator("main")).to_contain_text("Đang chờ")
    shot("ticket")
    # Let the board's stream settle on the state with the waiting ticket.
    expect(screen.locator("#waiting")).to_contain_text("Hộ tịch")

    # The officer calls the next number at desk 1; the board shows it within two seconds.
    officer.get_by_role("link", name="Màn hình quầy").first.click()
    officer.wait_for_load_state("load")
    officer.get_by_role("button", name="Gọi số tiếp theo").click()
    started = time.monotonic()
    expect(screen.locator("#calls li").first).to_contain_text(number, timeout=2000)
    shown_after = time.monotonic() - started
    expect(screen.locator("#calls li").first).to_contain_text("Quầy 1")
    print(f"[e2e] board showed {number} {shown_after:.2f} s after the call")
    Shots(screen, "centre-board")("called")
    expect(officer.locator(".current-ticket")).to_contain_text(number)
    officer.get_by_role("button", name="Hoàn thành").click()
    officer.wait_for_load_state("load")
    expect(officer.locator("main")).to_contain_text("Quầy đang trống")

    # The citizen rates the service from the ticket's page, once.
    page.reload()
    expect(page.locator("main")).to_contain_text("Đã phục vụ")
    page.get_by_role("button", name="Rất hài lòng").click()
    page.wait_for_load_state("load")
    expect(page.locator("main")).to_contain_text("Ông/bà đã đánh giá: Rất hài lòng")
    expect(page.get_by_role("button", name="Hài lòng", exact=True)).to_have_count(0)
    shot("rated")
    assert not board_errors, board_errors
    screen.context.close()
    officer.context.close()
