"""A leader's journey through the service index: the city overview ranks the departments,
a department's on-time rate drills down to its late dossiers, and the one-stop report
downloads as an XLSX that opens in a spreadsheet reader."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from conftest import Shots
from test_dossiers import open_as


def test_leader_drills_from_on_time_rate_to_late_dossiers(browser: Browser, base_url: str, page: Page) -> None:
    leader = open_as(browser, base_url, "lanhdao.tp")
    shot = Shots(leader, "index-leader")
    leader.get_by_role("link", name="Chỉ số phục vụ").first.click()
    leader.wait_for_load_state("load")
    expect(leader.locator("h1")).to_contain_text("Thành phố Hà Nội")
    expect(leader.locator("svg[role=img] title")).to_have_count(1)
    shot("city-overview")

    # The departments' ranking links to each department's own index. Departments with dossiers in
    # the period are ranked first; those without any follow, unranked and marked so.
    ranking = leader.locator("table.ranking").first
    expect(ranking.locator("tbody tr").first).to_be_visible()
    classes = [row.get_attribute("class") or "" for row in ranking.locator("tbody tr").all()]
    first_unranked = next((i for i, c in enumerate(classes) if "unranked" in c), len(classes))
    assert all("unranked" in c for c in classes[first_unranked:]), classes
    if first_unranked < len(classes):
        expect(ranking.locator("tbody tr.unranked").first).to_contain_text("không có hồ sơ trong kỳ")
    ranking.get_by_role("link", name="Sở Tư pháp").click()
    leader.wait_for_load_state("load")
    expect(leader.locator("h1")).to_contain_text("Sở Tư pháp")
    shot("justice-index")

    # From the on-time indicator to the dossiers finished late.
    row = leader.locator("#ind-progress\\.on_time")
    late_link = row.locator('a[href*="fact=finished_late"]')
    count = int(late_link.inner_text())
    late_link.click()
    leader.wait_for_load_state("load")
    expect(leader.locator("#drill-total")).to_have_text(str(count))
    expect(leader.locator("#drill tbody tr")).to_have_count(min(count, 1000))
    shot("late-dossiers")

    # The one-stop report downloads as a workbook a spreadsheet reader opens.
    leader.go_back()
    leader.get_by_role("link", name="Báo cáo kết quả giải quyết TTHC").click()
    leader.wait_for_load_state("load")
    expect(leader.locator("#report tbody tr").first).to_contain_text("Sở Tư pháp")
    with leader.expect_download() as info:
        leader.locator("#report-xlsx").click()
    data = info.value.path().read_bytes()
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Đơn vị" and rows[0][1] == "Kỳ trước chuyển sang", rows[0]
    assert rows[1][0] == "Sở Tư pháp", rows[1]
    received = sum(int(rows[1][i] or 0) for i in (2, 3, 4))
    assert received > 0, rows[1]
    shot("report")
