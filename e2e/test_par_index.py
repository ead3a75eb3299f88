"""The PAR index in a browser: the Department of Justice's leader self-scores every
self-assessed criterion (one with an evidence file) and submits; Home Affairs opens the
appraisal, adjusts one criterion with a comment, finalises and publishes; the published
ranking shows the Department with its new total."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from conftest import Shots
from test_dossiers import PDF, open_as

SELF_SCORES = {"1.1": "10", "1.2": "18", "2.2": "20"}
# This year's set of the departments: /par-index lists the newest year first (the demo also has last
# year's, already published).
THIS_YEARS_SET = re.compile("Chỉ số CCHC các sở năm")


def open_set(page: Page) -> None:
    page.get_by_role("link", name=THIS_YEARS_SET).first.click()
    page.wait_for_load_state("load")


def open_assessment(page: Page) -> None:
    page.goto("/par-index")
    open_set(page)
    page.locator("#assessments").get_by_role("link", name="Sở Tư pháp", exact=True).click()
    page.wait_for_load_state("load")


def test_self_assessment_appraisal_and_ranking(browser: Browser, base_url: str, page: Page) -> None:
    leader = open_as(browser, base_url, "lanhdao.tuphap")
    open_assessment(leader)
    for code, score in SELF_SCORES.items():
        leader.get_by_label(f"Điểm tự chấm ({code})").fill(score)
        leader.get_by_label(f"Giải trình ({code})").fill(f"Đã thực hiện, kèm tài liệu cho tiêu chí {code}")
        if code == "1.1":
            leader.get_by_label(f"Tệp kiểm chứng (PDF, JPEG, PNG) ({code})").set_input_files(
                files=[{"name": "ke-hoach-cchc.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        leader.get_by_role("button", name=f"Lưu {code}").click()
        leader.wait_for_load_state("load")
        expect(leader.locator(".error-summary")).to_have_count(0)
    expect(leader.locator("#leaf-1\\.1")).to_contain_text("ke-hoach-cchc.pdf")
    Shots(leader, "par-index-leader")("self-scored")
    leader.get_by_role("button", name="Gửi bản tự đánh giá").click()
    leader.wait_for_load_state("load")
    expect(leader.locator("#submitted")).to_be_visible()
    expect(leader.get_by_label("Điểm tự chấm (1.1)")).to_have_count(0)

    officer = open_as(browser, base_url, "cchc.noivu")
    officer.goto("/par-index")
    open_set(officer)
    officer.get_by_role("button", name=re.compile("Chuyển sang bước")).click()
    officer.wait_for_load_state("load")
    expect(officer.locator("#set-phase")).to_have_text("Thẩm định")
    officer.locator("#assessments").get_by_role("link", name="Sở Tư pháp", exact=True).click()
    officer.wait_for_load_state("load")
    before = float(officer.locator("#assessment-total").inner_text())
    officer.get_by_label("Điểm thẩm định (1.2)").fill("15")
    officer.get_by_label("Nhận xét (bắt buộc khi điều chỉnh) (1.2)").fill("Mới kiểm tra 2/12 đơn vị trực thuộc")
    officer.get_by_role("button", name="Thẩm định 1.2").click()
    officer.wait_for_load_state("load")
    expect(officer.locator("#leaf-1\\.2")).to_contain_text("Mới kiểm tra 2/12 đơn vị trực thuộc")
    after = float(officer.locator("#assessment-total").inner_text())
    assert after == before - 3, (before, after)
    Shots(officer, "par-index-officer")("adjusted")

    officer.get_by_role("link", name=THIS_YEARS_SET).click()
    for phase in ["Đã chốt điểm", "Đã công bố"]:
        officer.get_by_role("button", name=re.compile("Chuyển sang bước")).click()
        officer.wait_for_load_state("load")
        expect(officer.locator("#set-phase")).to_have_text(phase)

    # The leader reads the published ranking: the Department with its appraised total.
    open_assessment(leader)
    final_total = leader.locator("#assessment-total").inner_text()
    leader.goto("/par-index")
    leader.get_by_role("link", name="Xếp hạng").first.click()
    row = leader.locator("#ranking tr", has=leader.get_by_role("rowheader", name="Sở Tư pháp"))
    expect(row.locator("td.points")).to_have_text(final_total)
    Shots(leader, "par-index-leader")("ranking")
