"""Citizens' feedback (PAKN) in a browser: a citizen sends feedback with the public form and
follows it with the code and secret; Home Affairs answers and publishes it; the public page
shows the answer without the sender's name or phone. Also: the unannounced inspection of
Phường Ba Đình in the demo is invisible to the ward's own officer, visible to Home Affairs."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from conftest import Shots
from test_dossiers import open_as


def test_feedback_from_form_to_published_answer(browser: Browser, base_url: str, page: Page) -> None:
    shot = Shots(page, "feedback")
    page.goto("/feedback")
    # The demo's published answer has no personal data.
    expect(page.locator("main")).to_contain_text("Bị yêu cầu nộp bản sao có chứng thực")
    expect(page.locator("main")).not_to_contain_text("Lê Văn Nam")
    page.get_by_role("link", name="Gửi phản ánh, kiến nghị").click()
    page.get_by_label("Phản ánh về").select_option("procedure")
    page.get_by_label("Tiêu đề").fill("Phải đi lại nhiều lần khi đăng ký thường trú")
    page.get_by_label("Nội dung phản ánh, kiến nghị").fill(
        "Tôi là Hoàng Thị Yến, gọi 0903 456 789. Tôi phải đi lại ba lần vì mỗi lần được hướng dẫn một giấy tờ khác nhau.")
    page.get_by_label("Họ và tên").fill("Hoàng Thị Yến")
    page.get_by_label("Điện thoại").fill("0903456789")
    # No screenshot right before the click: in headless Chromium a full-page shot there made the click go nowhere.
    page.get_by_role("button", name="Gửi").click()
    page.wait_for_load_state("load")
    code = page.locator("#feedback-code").inner_text().strip()
    secret = page.locator("#feedback-secret").inner_text().strip()
    expect(page.locator("#feedback-state")).to_have_text("Đã tiếp nhận")
    shot("sent")

    page.goto(f"/feedback/status?code={code}&secret={secret}")
    expect(page.locator("#feedback-state")).to_have_text("Đã tiếp nhận")

    officer = open_as(browser, base_url, "cchc.noivu")
    officer.goto("/feedback/manage")
    officer.get_by_role("link", name=code).click()
    officer.wait_for_load_state("load")
    officer.get_by_label("Nội dung trả lời").fill("Công an phường đã hướng dẫn lại đầy đủ thành phần hồ sơ một lần; bà Hoàng Thị Yến đã được giải quyết.")
    officer.get_by_role("button", name="Gửi trả lời").click()
    officer.wait_for_load_state("load")
    expect(officer.locator("#feedback-state")).to_contain_text("Đã trả lời")
    public_text = officer.get_by_label("Nội dung công khai (đã lược bỏ thông tin cá nhân; có thể sửa)")
    expect(public_text).not_to_contain_text("Hoàng Thị Yến")
    officer.get_by_role("button", name="Công khai").click()
    officer.wait_for_load_state("load")
    expect(officer.locator("#feedback-state")).to_contain_text("Đã công khai")

    page.goto("/feedback")
    page.get_by_label("Tìm (không cần dấu)").fill("thuong tru")
    page.get_by_role("button", name="Tìm").click()
    main = page.locator("main")
    expect(main).to_contain_text("Phải đi lại nhiều lần khi đăng ký thường trú")
    expect(main).to_contain_text("hướng dẫn lại đầy đủ thành phần hồ sơ")
    expect(main).not_to_contain_text("Hoàng Thị Yến")
    expect(main).not_to_contain_text("0903")
    shot("published")

    page.goto(f"/feedback/status?code={code}&secret={secret}")
    page.get_by_label("Ông/Bà hài lòng với câu trả lời ở mức nào? (1–5)").select_option("4")
    page.get_by_role("button", name="Đánh giá").click()
    expect(page.locator("main")).to_contain_text("4/5")


def test_unannounced_inspection_is_hidden_from_the_ward(browser: Browser, base_url: str) -> None:
    ward = open_as(browser, base_url, "motcua.badinh")
    response = ward.goto("/inspections")
    assert response is not None and response.status == 403  # counter officers have no inspection pages at all
    home_affairs = open_as(browser, base_url, "cchc.noivu")
    home_affairs.goto("/inspections")
    expect(home_affairs.locator("#inspections")).to_contain_text("Kiểm tra đột xuất việc tiếp nhận hồ sơ tại bộ phận một cửa Phường Ba Đình")
    leader = open_as(browser, base_url, "lanhdao.tuphap")
    leader.goto("/inspections")
    expect(leader.locator("main")).to_contain_text("Kiểm tra công tác cải cách hành chính")
    expect(leader.locator("main")).not_to_contain_text("Phường Ba Đình")
