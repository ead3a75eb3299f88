"""The public transparency portal in a browser, signed out: the rankings, the service index
and the satisfaction pages render; a set still in draft is listed nowhere and its page is 404.
Also a PAR report: drafted from the data, finalised, downloaded as DOCX and opened with
python-docx."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from docx import Document
from playwright.sync_api import Browser, Page, expect

from conftest import Shots
from test_dossiers import open_as

VN = timezone(timedelta(hours=7))


def test_portal_shows_published_results_only(browser: Browser, base_url: str, page: Page) -> None:
    shot = Shots(page, "portal")
    # Home Affairs starts next year's set as a draft copy: not public.
    officer = open_as(browser, base_url, "cchc.noivu")
    officer.goto("/par-index")
    next_year = str(datetime.now(VN).year + 1)
    officer.get_by_label("Năm").fill(next_year)
    officer.get_by_label("Sao chép từ").select_option(index=1)
    officer.get_by_role("button", name="Tạo").click()
    officer.wait_for_load_state("load")
    draft_url = officer.url
    draft_id = draft_url.rstrip("/").split("/")[-1]
    draft_name = officer.locator("h1").inner_text()

    page.goto("/portal")
    expect(page.locator("h1")).to_contain_text("Công khai kết quả cải cách hành chính")
    expect(page.locator("main")).not_to_contain_text(draft_name)
    response = page.goto(f"/portal/par-index/{draft_id}")
    assert response is not None and response.status == 404
    page.goto("/portal")
    rankings = page.locator("#rankings a")
    if rankings.count() > 0:
        rankings.first.click()
        expect(page.locator("#ranking tbody tr").first).to_be_visible()
        shot("ranking")
    page.goto("/portal/satisfaction")
    expect(page.locator("#satisfaction-overall")).to_be_visible()
    shot("satisfaction")
    page.goto("/portal/service-index")
    expect(page.locator("h1")).to_contain_text("Chỉ số phục vụ")
    expect(page.locator("table.service-ranking").first).to_be_visible()
    shot("service-index")


def test_report_draft_finalised_and_opened_as_docx(browser: Browser, base_url: str, tmp_path) -> None:
    leader = open_as(browser, base_url, "lanhdao.tuphap")
    leader.goto("/reports")
    today = datetime.now(VN)
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    leader.get_by_label(re.compile("^Kỳ báo cáo")).fill(quarter)
    leader.get_by_role("button", name="Lập dự thảo").click()
    leader.wait_for_load_state("load")
    expect(leader.locator("#report-state")).to_have_text("Dự thảo")
    received = leader.locator("#fig-dossiers\\.received td").inner_text()
    leader.locator("#procedures-results").fill("Bộ phận một cửa tiếp nhận và giải quyết hồ sơ đúng quy định.")
    leader.get_by_role("button", name="Hoàn thành và chốt số liệu").click()
    leader.wait_for_load_state("load")
    expect(leader.locator("#report-state")).to_have_text("Hoàn thành")
    with leader.expect_download() as info:
        leader.locator("#docx-link").click()
    path = tmp_path / "bao-cao.docx"
    info.value.save_as(path)
    document = Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Báo cáo công tác cải cách hành chính" in text, text[:300]
    assert "Bộ phận một cửa tiếp nhận và giải quyết hồ sơ đúng quy định." in text
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Hồ sơ tiếp nhận" in cells and received in cells, cells[:20]
