"""Issue 20's journeys, as their users make them: a citizen on a 360 px phone goes from `/` to a
procedure typed without diacritics, follows the status QR code printed on a receipt to the
dossier's status, and sends feedback; a leader's first screen gives the four figures and the
overdue list before any other table; a counter officer finds a dossier by the applicant's ID
number."""

from __future__ import annotations

import io
import re
from urllib.parse import urlparse

import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from conftest import DEFAULT_TIMEOUT_MS, Shots
from test_dossiers import PDF, open_as


def decode_qr(locator) -> str:
    """The text of the QR code drawn in `locator`, read from a screenshot as a phone's camera would."""
    png = locator.screenshot(scale="device")
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    assert found, "no QR code could be read"
    return found[0].text


def receive(counter: Page, name: str, id_number: str) -> str:
    """Receives a dossier of 1.013834 at the Department of Justice's counter; leaves the counter on the receipt."""
    counter.goto("/dossiers/new")
    counter.get_by_label("Tìm thủ tục theo tên hoặc mã (không cần dấu)").fill("van phong cong chung")
    counter.get_by_role("button", name="Tìm").click()
    counter.get_by_role("link", name=re.compile("Thành lập Văn phòng công chứng")).first.click()
    counter.wait_for_load_state("load")
    counter.get_by_label("Họ và tên").fill(name)
    counter.get_by_label("Số định danh cá nhân").fill(id_number)
    counter.locator("#components input[type=file]").first.set_input_files(
        files=[{"name": "don.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    counter.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    counter.wait_for_load_state("load")
    return counter.locator("#dossier-code").inner_text().strip()


def test_citizen_on_a_phone_from_start_to_status_and_feedback(browser: Browser, base_url: str, page: Page) -> None:
    counter = open_as(browser, base_url, "motcua.tuphap")
    code = receive(counter, "Đỗ Thị Hương", "001190000321")
    # The receipt's first QR code is the status page's link, with the code and the secret filled in.
    link = decode_qr(counter.locator(".qr").first)
    target = urlparse(link)
    assert target.path == "/lookup" and "secret=" in target.query, link
    Shots(counter, "journey-citizen-counter")("receipt")

    shot = Shots(page, "journey-citizen")
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto("/")
    page.get_by_label("Tìm thủ tục hành chính").fill("thanh lap van phong cong chung")
    page.locator("main form[role=search] button").click()
    page.locator("ol.result-list a", has_text="Thành lập Văn phòng công chứng").first.click()
    page.wait_for_load_state("load")
    expect(page.locator("h1")).to_contain_text("Thành lập Văn phòng công chứng")
    expect(page.get_by_role("heading", name="Thành phần hồ sơ")).to_be_visible()
    shot("procedure-360")

    # The code and secret come from the QR code: nothing to type.
    page.goto(target.path + "?" + target.query)
    expect(page.locator("#result-h")).to_have_text(code)
    expect(page.locator("#lookup-state")).to_have_text("Đã tiếp nhận")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the status page scrolls sideways at 360 px"
    shot("status-360")

    page.goto("/")
    page.get_by_role("link", name="Gửi phản ánh, kiến nghị").first.click()
    page.wait_for_load_state("load")
    page.get_by_label("Phản ánh về").select_option("procedure")
    page.get_by_label("Tiêu đề").fill("Hỏi về hồ sơ thành lập văn phòng công chứng")
    page.get_by_label("Nội dung phản ánh, kiến nghị").fill("Tôi muốn biết hồ sơ " + code + " cần bổ sung giấy tờ gì không.")
    page.get_by_label("Họ và tên").fill("Đỗ Thị Hương")
    page.get_by_role("button", name="Gửi").click()
    page.wait_for_load_state("load")
    expect(page.locator("#feedback-state")).to_have_text("Đã tiếp nhận")
    shot("feedback-sent-360")


def test_leader_sees_the_four_figures_and_overdue_list_first(browser: Browser, base_url: str, page: Page) -> None:
    leader = open_as(browser, base_url, "lanhdao.tp")
    shot = Shots(leader, "journey-leader")
    for figure in ["index", "overdue", "progress.on_time", "online.dossiers"]:
        expect(leader.locator(f'[id="figure-{figure}"]')).to_be_visible()
    overdue = leader.locator("#dashboard-overdue")
    expect(overdue).to_be_visible()
    tables = leader.locator("main table").all()
    assert tables, "no table on the leader's home page"
    first_other = next((t for t in tables if t.get_attribute("class") != "bar-table" and t.get_attribute("id") != "dashboard-overdue"), None)
    if first_other is not None:
        assert overdue.bounding_box()["y"] < first_other.bounding_box()["y"]
    shot("home")
    leader.get_by_role("link", name="Xem đầy đủ chỉ số, bảng xếp hạng và báo cáo").click()
    leader.wait_for_load_state("load")
    assert leader.locator("#figure-overdue").bounding_box()["y"] < leader.locator("#indicators").bounding_box()["y"]
    assert leader.locator("#dashboard-overdue").bounding_box()["y"] < leader.locator("#indicators").bounding_box()["y"]
    shot("index")


def test_counter_officer_finds_a_dossier_by_id_number(browser: Browser, base_url: str, page: Page) -> None:
    counter = open_as(browser, base_url, "motcua.tuphap")
    code = receive(counter, "Vũ Minh Khoa", "079201004567")
    counter.goto("/dossiers")
    shot = Shots(counter, "journey-counter-search")
    counter.get_by_role("searchbox", name="Tìm hồ sơ").fill("079 201 004 567")
    counter.get_by_role("button", name="Tìm", exact=True).click()
    counter.wait_for_load_state("load")
    # Sent by POST: the number is in no URL.
    assert "079201004567" not in counter.url and "079+201" not in counter.url, counter.url
    expect(counter.locator("#queue tbody tr")).to_have_count(1)
    expect(counter.locator("#queue tbody tr").first).to_contain_text(code)
    shot("found")


def test_receipt_slip_and_register_print(browser: Browser, base_url: str, page: Page) -> None:
    """Printed, the receipt, the control sheet (form 05) and the register (form 06) keep their content and
    lose the site's header, navigation and buttons."""
    counter = open_as(browser, base_url, "motcua.tuphap")
    code = receive(counter, "Bùi Văn Tâm", "001088000777")
    receipt_url = counter.url
    dossier_url = receipt_url.rsplit("/receipt", 1)[0]
    shot = Shots(counter, "journey-print")
    counter.emulate_media(media="print")
    for url, must_show in [(receipt_url, ["#dossier-code", ".signatures"]), (dossier_url + "/slips/control", ["main h1"]),
                           (base_url + "/dossiers/register", ["main table"])]:
        counter.goto(url)
        counter.wait_for_load_state("load")
        expect(counter.locator(".site-header")).to_be_hidden()
        for selector in must_show:
            expect(counter.locator(selector).first).to_be_visible()
        if counter.locator("main .no-print").count():
            expect(counter.locator("main .no-print").first).to_be_hidden()
        shot(urlparse(url).path.strip("/").replace("/", "-") or "root")
    counter.goto(receipt_url)
    expect(counter.locator("#dossier-code")).to_have_text(code)
    counter.emulate_media(media="screen")


# Each date ("03/11/2026") and time ("17:00") alone in a cell of `main`, with the number of lines it takes.
DATE_PIECES = """() => [...document.querySelectorAll('main td')]
  .filter(td => td.childNodes.length === 1 && /^\\s*\\d{2}\\/\\d{2}\\/\\d{4}( \\d{2}:\\d{2})?\\s*$/.test(td.textContent))
  .flatMap(td => [...td.firstChild.data.matchAll(/\\d{2}\\/\\d{2}\\/\\d{4}|\\d{2}:\\d{2}/g)].map(match => {
      const range = document.createRange();
      range.setStart(td.firstChild, match.index); range.setEnd(td.firstChild, match.index + match[0].length);
      return [match[0], new Set([...range.getClientRects()].map(r => Math.round(r.top))).size]; }))"""


def test_dates_in_tables_never_break_inside(browser: Browser, base_url: str) -> None:
    """A counter officer's queue and register may put a due time under its date, but never split a date or a
    time ("03/11/20" above "26 17:00"): a table sizes its columns by whole words."""
    counter = open_as(browser, base_url, "motcua.badinh")
    for path in ["/dossiers", "/dossiers/register"]:
        counter.goto(path)
        pieces = counter.evaluate(DATE_PIECES)
        assert pieces, f"{path}: no date in a table cell to check"
        assert [text for text, lines in pieces if lines > 1] == [], path


def test_the_queue_search_button_sits_beside_its_box(browser: Browser, base_url: str) -> None:
    """The counter's search box spans its hint, and its button sits level with it, right after it."""
    counter = open_as(browser, base_url, "motcua.badinh")
    counter.goto("/dossiers")
    box = counter.locator("#q").bounding_box()
    button = counter.locator("form[role=search] button[type=submit]").bounding_box()
    assert box and button
    assert abs((box["y"] + box["height"]) - (button["y"] + button["height"])) <= 3, (box, button)
    assert 0 <= button["x"] - (box["x"] + box["width"]) <= 24, (box, button)
