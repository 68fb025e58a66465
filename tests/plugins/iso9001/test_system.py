"""The quality system: documented information with versions and the public ISO page, legal changes that put a
process update (+3 months) in the core plan, the scope, and the conformity announcement with re-announcement."""
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from core.models import PlanTask
from plugins.iso9001.models import Announcement, Document, DocumentVersion, LegalChange
from tests.plugins.iso9001.conftest import ISO
from tests.plugins.iso9001.world import clients, flashes, in_scope, page, text, world  # noqa: F401

pytestmark = ISO
def office_today() -> date:
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()  # the scope's change is dated in the office's zone


PDF1, PDF2 = b"%PDF-1.4 lan 01", b"%PDF-1.4 lan 02"


def _document(web, world, code="QT-05", title="Quy trình tiếp nhận hồ sơ"):
    response = web.post("/admin/iso9001_documents/new/", data={"unit": world.office.id, "code": code, "title": title,
                                                                "kind": "procedure", "owner": world.manager.id})
    assert response.status_code == 302, flashes(text(response))
    return response.headers["Location"]


def test_versions_approval_and_the_public_iso_page(world, clients, state, client):
    url = _document(clients.manager, world)
    assert "/document/" in url
    with state.transaction() as s:
        doc_id = s.scalar(select(Document.id))
    base = "/admin/iso9001_documents"
    clients.manager.post(f"{base}/document/{doc_id}/version",
                         data={"number": "01", "change_summary": "Ban hành", "file": (io.BytesIO(PDF1), "qt05.pdf")})
    # Publishing needs a current version.
    refused = clients.manager.post(f"{base}/document/{doc_id}/publish", data={"published": "1"}, follow_redirects=True)
    assert "chưa có phiên bản hiện hành" in flashes(text(refused))
    with state.transaction() as s:
        first = s.scalar(select(DocumentVersion.id))
    bad_date = clients.manager.post(f"{base}/version/{first}/approve", data={"effective_date": "31/02/2026"},
                                    follow_redirects=True)
    assert "không phải ngày hợp lệ; nhập theo dạng dd/mm/yyyy" in flashes(text(bad_date))
    clients.manager.post(f"{base}/version/{first}/approve", data={"effective_date": "01/02/2026"})
    clients.manager.post(f"{base}/document/{doc_id}/version",
                         data={"number": "02", "change_summary": "Theo nghị định mới",
                               "file": (io.BytesIO(PDF2), "qt05-02.pdf")})
    with state.transaction() as s:
        second = s.scalar(select(func.max(DocumentVersion.id)))
    early = clients.manager.post(f"{base}/version/{second}/approve", data={"effective_date": "01/01/2026"},
                                 follow_redirects=True)
    assert "không được trước ngày hiệu lực của lần ban hành hiện hành 01" in flashes(text(early))
    clients.manager.post(f"{base}/version/{second}/approve", data={"effective_date": "01/09/2026"})
    clients.manager.post(f"{base}/document/{doc_id}/publish", data={"published": "1"})
    with state.transaction() as s:
        versions = {v.number: v.status for v in s.scalars(select(DocumentVersion))}
        assert versions == {"01": "superseded", "02": "current"}  # the old issue is kept
    shown = page(clients.auditee, f"{base}/document/{doc_id}")
    assert "Hết hiệu lực (lưu)" in shown and "01/09/2026" in shown
    public = page(client, "/iso/")
    assert "QT-05" in public and "01/09/2026" in public and "Quy trình tiếp nhận hồ sơ" in public
    assert client.get(f"/iso/document/{doc_id}").data == PDF2
    # A document with approved versions is kept: deleting it is refused.
    refused = clients.manager.post(f"{base}/delete/", data={"id": doc_id}, follow_redirects=True)
    assert "không xoá được" in flashes(text(refused))
    # Unpublished or unknown: not public.
    clients.manager.post(f"{base}/document/{doc_id}/publish", data={"published": "0"})
    assert "QT-05" not in page(client, "/iso/") and client.get(f"/iso/document/{doc_id}").status_code == 404
    assert client.get("/iso/document/abc").status_code == 404


def test_a_wrong_file_for_a_document_version_is_refused(world, clients, state):
    _document(clients.manager, world)
    with state.transaction() as s:
        doc_id = s.scalar(select(Document.id))
    response = clients.manager.post(f"/admin/iso9001_documents/document/{doc_id}/version", follow_redirects=True,
                                    data={"number": "01", "file": (io.BytesIO(b"<html>"), "qt05.html")})
    assert "có định dạng không được phép" in flashes(text(response))
    with state.transaction() as s:
        assert s.scalar(select(func.count(DocumentVersion.id))) == 0


def test_a_legal_change_adds_the_process_update_task_due_in_three_months(world, clients, state, in_scope):
    _document(clients.manager, world)
    with state.transaction() as s:
        doc_id = s.scalar(select(Document.id))
    response = clients.manager.post("/admin/iso9001_legal_changes/new/", data={
        "unit": world.office.id, "legal_document": "Nghị định 118/2025/NĐ-CP", "effective_on": "31/08/2026",
        "document": doc_id, "summary": "Thay đổi thành phần hồ sơ"})
    assert response.status_code == 302, flashes(text(response))
    with state.transaction() as s:
        change = s.scalar(select(LegalChange))
        task = s.get(PlanTask, change.task_id)
        assert change.due_date == date(2026, 11, 30)  # 31/08 + 3 months, on the month's last day
        assert task.due_date == date(2026, 11, 30) and task.plan_id == in_scope.plan_id
        assert task.owner_user_id == world.manager.id and "QT-05" in task.title
    listing = page(clients.manager, "/admin/iso9001_legal_changes/")
    assert "Nghị định 118/2025/NĐ-CP" in listing and "30/11/2026" in listing


def test_a_legal_change_without_an_iso_plan_is_refused_with_a_clear_message(world, clients, state):
    response = clients.manager.post("/admin/iso9001_legal_changes/new/", data={
        "unit": world.office.id, "legal_document": "Nghị định 61/2018/NĐ-CP", "effective_on": "21/08/2018"})
    assert "Chưa có chương trình đánh giá nội bộ (kế hoạch HTQLCL) năm 2018" in flashes(text(response))
    bad = clients.manager.post("/admin/iso9001_legal_changes/new/", data={
        "unit": world.office.id, "legal_document": "Nghị định 61/2018/NĐ-CP", "effective_on": "21/13/2018"})
    assert "không phải ngày hợp lệ" in text(bad)
    with state.transaction() as s:
        assert s.scalar(select(func.count(LegalChange.id))) == 0 and s.scalar(select(func.count(PlanTask.id))) == 0


def test_a_scope_change_after_the_announcement_calls_for_a_new_one(world, clients, state, in_scope):
    base = "/admin/iso9001_announcements"
    early_notice = clients.manager.post(f"{base}/new/", data={
        "unit": world.office.id, "number": "05/QĐ-VP", "announced_on": "01/03/2026", "notice_sent_on": "20/02/2026"})
    assert "không được trước ngày công bố 01/03/2026" in flashes(text(early_notice))
    response = clients.manager.post(f"{base}/new/", data={
        "unit": world.office.id, "number": "05/QĐ-VP", "announced_on": "01/03/2026", "notice_sent_on": "05/03/2026",
        "notice_reference": "112/VP", "posted_office_on": "02/03/2026"})
    assert response.status_code == 302, flashes(text(response))
    with state.transaction() as s:
        item = s.scalar(select(Announcement))
        assert item.kind == "initial" and "Phòng Kinh tế" in item.scope_text  # taken from the declared scopes
    listing = page(clients.manager, f"{base}/")
    assert "chưa đăng trên trang thông tin điện tử" in listing and "Cần công bố lại" not in listing
    # The scope of KT changes (scopes were declared on 05/01; the change is dated today).
    with state.transaction() as s:
        from plugins.iso9001.models import Scope
        scope_id = s.scalar(select(Scope.id).where(Scope.unit_id == world.kt.id))
    edit = clients.manager.post(f"/admin/iso9001_scopes/edit/?id={scope_id}", data={
        "unit": world.kt.id, "in_scope": "y", "covers_all_procedures": "y",
        "statement": "Mọi thủ tục, thêm lĩnh vực đầu tư công"})
    assert edit.status_code == 302, flashes(text(edit))
    assert "Cần công bố lại: phạm vi HTQLCL của Phòng Kinh tế" in page(clients.manager, f"{base}/")
    again = clients.manager.post(f"{base}/new/", data={"unit": world.office.id, "number": "09/QĐ-VP",
                                                       "announced_on": office_today().strftime("%d/%m/%Y")})
    assert again.status_code == 302
    with state.transaction() as s:
        assert s.scalar(select(Announcement).where(Announcement.number == "09/QĐ-VP")).kind == "re_announcement"
    assert "Cần công bố lại" not in page(clients.manager, f"{base}/")
