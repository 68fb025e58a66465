"""In headless Chromium: a clerk logs in, receives a dossier at the counter, opens the slip with its QR
code, and a citizen (another browser, no account) looks the dossier up with the code and the second factor."""
from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

import plugins.onestop as onestop
from plugins.onestop.services.catalogue import ProcedureSpec, get_or_create_field, save_procedure

pytestmark = [pytest.mark.e2e, pytest.mark.cchc_plugins(onestop)]

PASSWORD = "Matkhau#2026"
PROCEDURE = "Cấp giấy phép khai thác nước mặt"


@pytest.fixture
def clerk(state, unit_factory, user_factory):
    unit = unit_factory("H15.50", "Văn phòng UBND tỉnh", kind="office", plugins=("onestop",))
    with state.transaction() as s:
        field = get_or_create_field(s, unit.id, "LV04", "Tài nguyên nước")
        save_procedure(s, unit.id, ProcedureSpec("1.004001", PROCEDURE, "LV04", 5, authority="UBND tỉnh",
                                                 documents=[("Đơn đề nghị cấp phép", 1, 0, 0),
                                                            ("Sơ đồ khu vực khai thác", 0, 0, 1)]), field)
    return user_factory("hoa", password=PASSWORD, full_name="Trần Thị Hoa", roles=[(unit, "onestop.clerk")])


def test_clerk_receives_prints_slip_and_citizen_looks_it_up(live_server, page, chromium, clerk):
    # The clerk logs in.
    page.goto(f"{live_server}/login")
    page.get_by_label("Tên đăng nhập").fill("hoa")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))

    # Receives a dossier at the counter: choose the procedure, tick the checklist, enter the applicant.
    page.goto(f"{live_server}/admin/onestop_receive/")
    page.locator("#onestop-procedures tr", has_text=PROCEDURE).get_by_role("link", name="Chọn").click()
    page.get_by_label("Đơn đề nghị cấp phép").check()
    page.get_by_label("Sơ đồ khu vực khai thác").check()
    page.get_by_label("Họ tên (bắt buộc)").fill("Lê Thị Mai")
    page.get_by_label("Số định danh cá nhân / CCCD").fill("046190001234")
    page.get_by_label("Điện thoại").fill("0914555666")
    page.get_by_role("button", name="Tiếp nhận và in phiếu hẹn").click()

    # The slip (form 01) opens, with the code, the second factor and a QR code to the public lookup.
    expect(page).to_have_url(re.compile(r"/onestop/slip/\d+$"))
    expect(page.get_by_role("heading", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả")).to_be_visible()
    code = page.locator('[data-field="Mã hồ sơ"]').first.inner_text().strip()
    secret = page.locator('[data-field="Mã tra cứu (giữ bí mật)"]').inner_text().strip()
    assert re.fullmatch(r"H15\.50-\d{6}-0001", code) and len(secret) == 6
    expect(page.locator("#document")).to_contain_text("Lê Thị Mai")
    expect(page.locator("#document")).to_contain_text("Trần Thị Hoa")  # the receiving officer
    appointment = re.search(r"trước \d\d giờ \d\d phút, ngày (\d\d/\d\d/\d{4})",
                            page.locator("#document").inner_text()).group(1)
    qr_code = page.locator("#slip-qr svg")
    expect(qr_code).to_be_visible()
    target = page.locator("#slip-qr").get_attribute("data-target")
    assert target == f"{live_server}/onestop/lookup?code={code}"
    # What a phone sees: the QR code as Chromium draws it, decoded from a screenshot.
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_code.screenshot())),
                                   formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(codes) == 1 and codes[0].valid, codes
    decoded = codes[0].text
    assert decoded == f"{live_server}/onestop/lookup?code={code}"
    assert secret not in decoded  # the second factor is printed on the slip, never put in the QR code
    expect(page.locator("#docx-link")).to_have_attribute("href", re.compile(r"/onestop/slip/\d+\.docx$"))

    # A citizen, in a browser of their own, opens the decoded address: the lookup page with the code filled
    # in, but not the second factor, and nothing shown about the dossier until it is typed.
    citizen = chromium.new_context(locale="vi-VN")
    try:
        lookup = citizen.new_page()
        lookup.goto(decoded)
        expect(lookup.get_by_role("heading", name="Tra cứu tình trạng hồ sơ")).to_be_visible()
        expect(lookup.get_by_label("Mã hồ sơ")).to_have_value(code)
        expect(lookup.get_by_label("Mã tra cứu (in trên giấy hẹn)")).to_have_value("")
        expect(lookup.locator("#lookup-result")).to_have_count(0)
        lookup.get_by_label("Mã tra cứu (in trên giấy hẹn)").fill("AAAAAA" if secret != "AAAAAA" else "BBBBBB")
        lookup.get_by_role("button", name="Tra cứu").click()
        expect(lookup.get_by_role("alert")).to_contain_text("Không tìm thấy hồ sơ")

        lookup.get_by_label("Mã tra cứu (in trên giấy hẹn)").fill(secret.lower())
        lookup.get_by_role("button", name="Tra cứu").click()
        expect(lookup.locator("#lookup-status")).to_have_text("Đã tiếp nhận")
        expect(lookup.locator("#lookup-appointment")).to_have_text(appointment)
        result = lookup.locator("#lookup-result").inner_text()
        assert code in result and "Lê Thị Mai" not in result and "0914555666" not in result
    finally:
        citizen.close()
