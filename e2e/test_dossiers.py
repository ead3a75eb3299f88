"""The one-stop journey in a browser: received at the counter of the Department of
Justice with a scan, forwarded through two divisions, paused for a supplement,
apologised for (form 04), processed and returned; the receipt carries a QR code and
the lookup secret, the timeline shows every step, and the public lookup page shows
the result without personal data. Also: a citizen signs in with a one-time code."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from playwright.sync_api import Browser, Page, expect

from conftest import DEFAULT_TIMEOUT_MS, DEMO_PASSWORD, Shots

PDF = b"%PDF-1.4\n% ParHub e2e scan\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
VN = timezone(timedelta(hours=7))


def open_as(browser: Browser, base_url: str, username: str) -> Page:
    context = browser.new_context(base_url=base_url, locale="vi-VN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("form:has(#username) button[type=submit]").first.click()
    page.wait_for_load_state("load")
    expect(page.locator("body")).to_contain_text(username)
    return page


def act(page: Page, legend: str, fill: dict[str, str] | None = None, select: dict[str, str] | None = None) -> None:
    """Fills the action form whose legend is `legend` and submits it."""
    form = page.locator("form", has=page.locator("legend", has_text=legend))
    for label, value in (select or {}).items():
        form.get_by_label(label).select_option(label=value)
    for label, value in (fill or {}).items():
        form.get_by_label(label).fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.locator(".error-summary")).to_have_count(0)


def notary_intake(browser: Browser, base_url: str) -> Page:
    """The counter officer of the Department of Justice on the intake form of a notary office's founding."""
    counter = open_as(browser, base_url, "motcua.tuphap")
    counter.goto("/dossiers/new")
    counter.get_by_label("Tìm thủ tục theo tên hoặc mã (không cần dấu)").fill("van phong cong chung")
    counter.get_by_role("button", name="Tìm").click()
    counter.get_by_role("link", name=re.compile("Thành lập Văn phòng công chứng")).click()
    counter.wait_for_load_state("load")
    return counter


def test_counter_to_return_with_supplement_and_apology(browser: Browser, base_url: str, page: Page) -> None:
    shot = Shots(page, "dossier-journey")
    counter = notary_intake(browser, base_url)
    expect(counter.locator("h2").first).to_contain_text("1.013834")
    counter.get_by_label("Họ và tên").fill("Phạm Minh Châu")
    counter.get_by_label("Số định danh cá nhân").fill("001085000123")
    counter.get_by_label("Thư điện tử (nhận thông báo)").fill("chau@example.vn")
    first_scan = counter.locator("#components input[type=file]").first
    first_scan.set_input_files(files=[{"name": "don-de-nghi.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    counter.locator("#components input[name^=digitised]").first.check()
    Shots(counter, "dossier-journey-counter")("intake-filled")
    counter.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    counter.wait_for_load_state("load")

    # Form 01: code, appointment, secret, a QR code to the status page and one to the satisfaction survey.
    code = counter.locator("#dossier-code").inner_text().strip()
    secret = counter.locator("#lookup-secret").inner_text().strip()
    assert re.fullmatch(r".+-\d{6}-\d{4}", code), code
    assert re.fullmatch(r"[A-Z2-9]{8}", secret), secret
    expect(counter.locator(".qr svg[role=img]")).to_have_count(2)
    Shots(counter, "dossier-journey-counter")("receipt")
    counter.get_by_role("link", name="← Hồ sơ").click()
    counter.wait_for_load_state("load")
    dossier_url = counter.url
    expect(counter.locator("#dossier-state")).to_have_text("Đã tiếp nhận")

    # Unit 1: the counter forwards to a division, electronically.
    act(counter, "Chuyển xử lý", select={"Chuyển đến": "Phòng Bổ trợ tư pháp"})
    expect(counter.locator("#dossier-holder")).to_have_text("Phòng Bổ trợ tư pháp")

    # Unit 2: the processing officer forwards to a second division and asks for a supplement.
    processor = open_as(browser, base_url, "xuly.tuphap")
    processor.goto("/dossiers")
    processor.get_by_role("link", name=code).click()
    processor.wait_for_load_state("load")
    act(processor, "Chuyển xử lý", select={"Chuyển đến": "Phòng Hành chính tư pháp"})
    expect(processor.locator("#dossier-holder")).to_have_text("Phòng Hành chính tư pháp")
    act(processor, "Yêu cầu bổ sung (mẫu 02)", fill={"Thành phần cần bổ sung, mỗi dòng một mục": "Bản sao quyết định bổ nhiệm công chứng viên"})
    expect(processor.locator("#dossier-timeliness")).to_have_text("Tạm dừng (bổ sung)")

    # The citizen brings the missing paper to the counter.
    counter.goto(dossier_url)
    act_button = counter.get_by_role("button", name="Đã nhận đủ hồ sơ bổ sung")
    act_button.click()
    counter.wait_for_load_state("load")
    expect(counter.locator("#dossier-state")).to_have_text("Đang xử lý")

    # Late: an apology slip with a new appointment, then the result.
    processor.goto(dossier_url)
    new_due = (datetime.now(VN) + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")
    act(processor, "Phiếu xin lỗi và hẹn lại (mẫu 04)", fill={"Lý do chậm": "Chờ ý kiến của Sở Nội vụ", "Ngày hẹn mới (giờ Việt Nam)": new_due})
    act(processor, "Hoàn thành xử lý")
    expect(processor.locator("#dossier-state")).to_have_text("Đã xử lý xong")

    counter.goto(dossier_url)
    act(counter, "Trả kết quả")
    expect(counter.locator("#dossier-state")).to_have_text("Đã trả kết quả")
    timeline = counter.locator("#timeline tbody")
    for step in ["Tiếp nhận", "Chuyển xử lý", "Yêu cầu bổ sung", "Đã bổ sung", "Phiếu xin lỗi, hẹn lại", "Đã xử lý xong", "Trả kết quả"]:
        expect(timeline).to_contain_text(step)
    expect(timeline.locator("tr")).to_have_count(8)
    expect(timeline).to_contain_text("xuly.tuphap")
    expect(timeline).to_contain_text("motcua.tuphap")
    Shots(counter, "dossier-journey-counter")("returned")
    counter.get_by_role("link", name="Phiếu xin lỗi (mẫu 04)").click()
    expect(counter.locator("main")).to_contain_text("Chờ ý kiến của Sở Nội vụ")
    counter.go_back()
    counter.get_by_role("link", name="Phiếu kiểm soát (mẫu 05)").click()
    expect(counter.locator("main table tbody tr")).to_have_count(3)

    # Anyone with the receipt sees the status, and nothing personal.
    page.goto("/lookup")
    page.get_by_label("Mã hồ sơ (trên giấy tiếp nhận)").fill(code)
    page.get_by_label("Mã tra cứu (8 ký tự trên giấy tiếp nhận)").fill(secret.lower())
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.locator("#lookup-state")).to_have_text("Đã trả kết quả")
    expect(page.locator("main")).not_to_contain_text("Phạm Minh Châu")
    shot("public-lookup")


def test_citizen_signs_in_with_a_code(browser: Browser, base_url: str, page: Page) -> None:
    page.goto("/citizen/login")
    page.get_by_label("Thư điện tử").fill("e2e.congdan@example.vn")
    page.get_by_role("button", name="Gửi mã đăng nhập").click()
    expect(page.get_by_role("status")).to_contain_text("e2e.congdan@example.vn")
    # The code went out through the outbox; an administrator can read it there.
    admin = open_as(browser, base_url, "admin")
    admin.goto("/admin/outbox")
    subject = admin.locator("summary", has_text="Mã đăng nhập ParHub").first.inner_text()
    code = re.search(r"(\d{6})", subject).group(1)
    page.get_by_label("Mã xác thực").fill(code)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("load")
    expect(page.locator("h1")).to_have_text("Hồ sơ của tôi")
    page.get_by_label("Họ và tên").fill("Đỗ Thu Hà")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu")
    page.goto("/citizen/submit/1.001193")
    expect(page.locator("h2")).to_contain_text("Đăng ký khai sinh")
    page.get_by_label("Xã, phường nhận hồ sơ").select_option(label="Phường Ba Đình")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_load_state("load")
    expect(page.locator("#dossier-state")).to_have_text("Mới đăng ký")
    expect(page.locator("#lookup-secret")).to_have_text(re.compile(r"^[A-Z2-9]{8}$"))


def test_an_applicant_who_chose_sms_gets_the_receipt_by_sms(browser: Browser, base_url: str, page: Page) -> None:
    """The counter officer records the applicant's choice of SMS; the receipt goes to the phone through
    the built-in test SMS provider, whose screen (/test-sms) shows it, without diacritics."""
    counter = notary_intake(browser, base_url)
    counter.get_by_label("Họ và tên").fill("Vũ Thị Nhắn")
    counter.locator("#phone").fill("0987 654 321")
    counter.locator("#notify-by").get_by_label("Tin nhắn (SMS) đến số điện thoại").check()
    for scan in counter.locator("#components input[type=file]").all():
        scan.set_input_files(files=[{"name": "giay-to.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    counter.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    counter.wait_for_load_state("load")
    code = counter.locator("#dossier-code").inner_text().strip()
    # The dispatcher hands the SMS to the test provider within a few seconds.
    row = counter.locator("#test-sms tr", has_text="0987 654 321")
    for _ in range(20):
        counter.goto("/test-sms")
        if row.filter(has_text="Đã gửi").count():
            break
        counter.wait_for_timeout(500)
    expect(row.first).to_contain_text(f"Ho so {code} da duoc tiep nhan")
    expect(row.first).to_contain_text("Đã gửi")
    Shots(counter, "sms-receipt")("test-sms")
