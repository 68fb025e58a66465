"""In headless Chromium on a 1024×768 (tablet) screen: an internal auditor fills the checklist of an audit,
closes it, and downloads the Word report, which opens with python-docx and holds the findings."""
from __future__ import annotations

import re
from datetime import date

import pytest
from docx import Document as WordDocument
from playwright.sync_api import expect
from sqlalchemy import select

import plugins.iso9001 as iso9001
from plugins.iso9001.models import Template
from plugins.iso9001.services import programme as programmes
from plugins.iso9001.services import scope as scopes

pytestmark = [pytest.mark.e2e, pytest.mark.cchc_plugins(iso9001)]

PASSWORD = "Matkhau#2026"
FINDING = "Biểu mẫu BM-01 đang dùng là lần ban hành 01 đã hết hiệu lực"


@pytest.fixture
def audit_id(state, unit_factory, user_factory):
    office = unit_factory("VP", "Văn phòng UBND tỉnh", kind="office", plugins=("iso9001",))
    kt = unit_factory("VP-KT", "Phòng Kinh tế", parent=office, plugins=("iso9001",))
    hc = unit_factory("VP-HCTC", "Phòng Hành chính - Tổ chức", parent=office, plugins=("iso9001",))
    lead = user_factory("mai", password=PASSWORD, full_name="Nguyễn Thị Mai",
                        roles=[(office, "iso9001.lead_auditor", True), (hc, "core.staff")])
    with state.transaction() as s:
        scopes.save_scope(s, s.merge(kt), date(2026, 1, 5), statement="Mọi thủ tục của Phòng Kinh tế")
        programme = programmes.create_programme(s, s.merge(office), year=2026, number="18", symbol="KH-VP")
        audit = programmes.create_audit(s, programme, s.merge(kt), template=s.scalar(select(Template)),
                                        lead_auditor_id=lead.id, starts_on=date(2026, 5, 11), ends_on=date(2026, 5, 12),
                                        scope_clauses="7.5, 9.2", auditees="Trưởng phòng Kinh tế")
        assert [line.clause for line in audit.lines] == ["7.5.2", "7.5.3", "9.2"]
        return audit.id


def test_an_auditor_fills_the_checklist_on_a_tablet_and_closes_the_audit(live_server, chromium, audit_id, tmp_path):
    context = chromium.new_context(locale="vi-VN", viewport={"width": 1024, "height": 768}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/login")
        page.get_by_label("Tên đăng nhập").fill("mai")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập", exact=True).click()
        expect(page).to_have_url(re.compile(r"/admin/?$"))

        page.goto(f"{live_server}/admin/iso9001_audits/audit/{audit_id}")
        expect(page.get_by_role("heading", name=re.compile("ĐGNB-2026-01"))).to_be_visible()
        lines = page.locator(".iso-line")
        expect(lines).to_have_count(3)
        # Usable on the tablet: nothing wider than the screen, answers within reach.
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024
        for answer in ("Phù hợp", "Không phù hợp nhẹ", "Không áp dụng"):
            box = lines.nth(0).get_by_text(answer, exact=True).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 1024 and box["height"] >= 40

        # Two lines answered; closing is refused while the third is open.
        lines.nth(0).get_by_label("Phù hợp", exact=True).check()
        lines.nth(0).get_by_label("Bằng chứng, ghi chép câu 1").fill("Sổ theo dõi văn bản đi, đến đầy đủ")
        lines.nth(1).get_by_label("Không phù hợp nhẹ", exact=True).check()
        lines.nth(1).get_by_label("Bằng chứng, ghi chép câu 2").fill(FINDING)
        page.get_by_role("button", name="Lưu kết quả").click()
        expect(page.locator(".alert").filter(has_text="còn 1 câu chưa trả lời")).to_be_visible()
        expect(page.locator("#iso-audit-status")).to_have_text("Đang đánh giá")

        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_label("Kết luận đánh giá").fill("Hệ thống được duy trì")
        page.get_by_role("button", name="Kết thúc cuộc đánh giá").click()
        expect(page.locator(".alert").filter(has_text="còn 1 câu hỏi chưa có kết quả")).to_be_visible()

        page.locator(".iso-line").nth(2).get_by_label("Không áp dụng", exact=True).check()
        page.get_by_role("button", name="Lưu kết quả").click()
        expect(page.locator(".alert").filter(has_text="mọi câu đã có kết quả")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024

        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_label("Điểm mạnh").fill("Công chức nắm vững quy trình")
        page.get_by_label("Kết luận đánh giá").fill("Hệ thống được duy trì; một điểm không phù hợp về tài liệu")
        page.get_by_role("button", name="Kết thúc cuộc đánh giá").click()
        expect(page.locator("#iso-audit-status")).to_have_text("Đã kết thúc")
        expect(page.locator("#iso-findings")).to_contain_text(FINDING)
        expect(page.locator("#iso-findings")).to_contain_text("NC-2026-001")

        with page.expect_download() as download:
            page.locator("#iso-docx").click()
        path = tmp_path / "bao-cao.docx"
        download.value.save_as(path)
    finally:
        context.close()
    report = WordDocument(str(path))
    body = "\n".join(p.text for p in report.paragraphs)
    cells = "\n".join(cell.text for table in report.tables for row in table.rows for cell in row.cells)
    assert "BÁO CÁO ĐÁNH GIÁ NỘI BỘ" in body
    assert FINDING in cells and "Không phù hợp nhẹ" in cells and "ĐGNB-2026-01" in cells
    assert "Phòng Kinh tế" in cells and "Công chức nắm vững quy trình" in body
