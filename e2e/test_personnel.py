"""People and ratings in a browser: the Department of Justice's personnel officer adds a person
and rates them; the leader sees the rating waiting and approves it; the statistics count it; the
processing officer reads their own record and not the new colleague's. The name typed here is
one of the app log's personal-data probes (scripts/lib/log-privacy.sh)."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from test_dossiers import open_as

NAME = "Quách Thị Mai Phương"


def test_personnel_officer_adds_and_rates_a_person(browser: Browser, base_url: str) -> None:
    officer = open_as(browser, base_url, "tccb.tuphap")
    officer.goto("/personnel")
    expect(officer.locator("h1")).to_contain_text("Sở Tư pháp")
    expect(officer.locator("#people")).to_contain_text("Nguyễn Thị Hoa")
    officer.get_by_label("Họ và tên").fill(NAME)
    officer.get_by_label("Vị trí việc làm").fill("Chuyên viên phổ biến, giáo dục pháp luật")
    officer.get_by_label("Ngày bắt đầu công tác tại đơn vị").fill("2022-08-15")
    officer.get_by_role("button", name="Thêm").click()
    officer.wait_for_load_state("load")
    officer.get_by_role("link", name=NAME).click()
    officer.wait_for_load_state("load")
    expect(officer.locator("h1")).to_have_text(NAME)
    expect(officer.locator("#moves")).to_contain_text("Tiếp nhận")
    officer.get_by_label("Điểm (thang 100)").fill("88,5")
    officer.get_by_role("button", name="Lưu").first.click()
    officer.wait_for_load_state("load")
    expect(officer.locator("#ratings")).to_contain_text("Hoàn thành tốt nhiệm vụ (chưa phê duyệt)")
    person_url = officer.url

    leader = open_as(browser, base_url, "lanhdao.tuphap")
    leader.goto("/personnel")
    expect(leader.locator("#pending")).to_be_visible()
    leader.get_by_role("button", name="Phê duyệt kết quả xếp loại năm").click()
    leader.wait_for_load_state("load")
    expect(leader.locator("#pending")).to_have_count(0)
    expect(leader.locator("#statistics")).to_contain_text("Công chức")

    processor = open_as(browser, base_url, "xuly.tuphap")
    processor.get_by_role("link", name="Hồ sơ của tôi").click()
    processor.wait_for_load_state("load")
    expect(processor.locator("h1")).to_have_text("Hoàng Văn Nam")
    response = processor.goto(person_url)
    assert response is not None and response.status == 404
    expect(processor.locator("main")).not_to_contain_text(NAME)


def test_the_city_personnel_page_fits_a_phone(browser: Browser, base_url: str) -> None:
    """The import form's hint lists its column names without spaces between them: at 360 px the list wraps
    instead of making the whole page scroll sideways."""
    admin = open_as(browser, base_url, "admin")
    admin.set_viewport_size({"width": 360, "height": 780})
    admin.goto("/personnel")
    expect(admin.locator("form.form").last).to_contain_text("CSV")
    assert admin.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "/personnel scrolls sideways at 360 px"
