"""Citizen satisfaction (SIPAS) in a browser: the counter receives a dossier and prints the
receipt with a survey QR code; before the result is returned the link says so; once it is
returned the citizen answers through that link, and the same link refuses a second answer.
The PAR officer then sees the comment on the satisfaction page, without the citizen's name."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from playwright.sync_api import Browser, Page, expect

from conftest import Shots
from test_dossiers import act, open_as


def test_citizen_rates_through_the_receipt_link(browser: Browser, base_url: str, page: Page) -> None:
    shot = Shots(page, "sipas")
    counter = open_as(browser, base_url, "motcua.tuphap")
    counter.goto("/dossiers/new")
    counter.get_by_label("Tìm thủ tục theo tên hoặc mã (không cần dấu)").fill("van phong cong chung")
    counter.get_by_role("button", name="Tìm").click()
    counter.get_by_role("link", name=re.compile("Thành lập Văn phòng công chứng")).click()
    counter.wait_for_load_state("load")
    counter.get_by_label("Họ và tên").fill("Trịnh Thu Trang")
    counter.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    counter.wait_for_load_state("load")

    # The receipt carries two QR codes: the status page and the survey.
    expect(counter.locator(".qr svg[role=img]")).to_have_count(2)
    link = urlparse(counter.locator("#survey-link").get_attribute("href"))
    survey = link.path + "?" + link.query
    Shots(counter, "sipas-counter")("receipt")

    page.goto(survey)
    expect(page.locator("#survey-not-yet")).to_be_visible()
    expect(page.locator("form.survey")).to_have_count(0)

    # The counter officer finishes and returns the result (still at the receiving unit).
    counter.get_by_role("link", name="← Hồ sơ").click()
    counter.wait_for_load_state("load")
    act(counter, "Hoàn thành xử lý")
    act(counter, "Trả kết quả")
    expect(counter.locator("#dossier-state")).to_have_text("Đã trả kết quả")

    # The citizen answers with the keyboard-friendly form.
    page.goto(survey)
    expect(page.locator("main")).not_to_contain_text("Trịnh Thu Trang")
    for aspect in ["access", "procedure", "civil_servant", "result"]:
        page.locator(f"#level-{aspect}-5").check()
    page.locator("#level-feedback-4").check()
    page.locator("#x-access-shorter_wait").check()
    page.locator("#level-overall-5").check()
    page.get_by_label("Ông/Bà có góp ý gì để cơ quan phục vụ tốt hơn?").fill("Cán bộ một cửa Sở Tư pháp hướng dẫn rất nhiệt tình")
    shot("form-filled")
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_load_state("load")
    expect(page.locator("#survey-thanks")).to_be_visible()
    shot("thanks")

    # The same link refuses a second answer.
    page.goto(survey)
    expect(page.locator("#survey-already")).to_be_visible()
    expect(page.locator("form.survey")).to_have_count(0)

    # The PAR officer reads the comment, with no name attached.
    officer = open_as(browser, base_url, "cchc.noivu")
    officer.goto("/satisfaction")
    expect(officer.locator("h1")).to_contain_text("Mức độ hài lòng")
    expect(officer.locator("#aspects")).to_be_visible()
    officer.get_by_role("link", name="Góp ý của người dân").click()
    expect(officer.locator("#comments")).to_contain_text("hướng dẫn rất nhiệt tình")
    expect(officer.locator("main")).not_to_contain_text("Trịnh Thu Trang")
    Shots(officer, "sipas-officer")("comments")
