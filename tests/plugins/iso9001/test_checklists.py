"""Checklist templates: seeded from the clause tree, edited as versioned text, copied into audits; answering
with evidence files within the size and type limits."""
import io
from datetime import date

from sqlalchemy import func, select

from plugins.iso9001.clauses import CLAUSES, DEFAULT_QUESTIONS
from plugins.iso9001.models import Audit, ChecklistLine, Evidence, Template, TemplateRevision
from tests.plugins.iso9001.conftest import ISO
from tests.plugins.iso9001.world import clients, flashes, in_scope, page, plan_audit, text, world  # noqa: F401

pytestmark = ISO
PDF = b"%PDF-1.4\n" + b"0" * 2000


def test_the_default_template_follows_the_clause_tree(world, state):
    assert {c.split(".")[0] for c in CLAUSES} == {str(n) for n in range(4, 11)}
    assert all(clause in CLAUSES for clause, _ in DEFAULT_QUESTIONS)
    with state.transaction() as s:
        templates = list(s.scalars(select(Template).order_by(Template.id)))
        # Seeded once per organisation: the office (its departments use its template) and the other top unit.
        assert [t.unit_id for t in templates] == [world.office.id, world.other.id]
        assert [(line.clause, line.question) for line in templates[0].lines] == list(DEFAULT_QUESTIONS)


def test_a_past_audits_checklist_is_unchanged_after_its_template_is_edited(world, clients, state, in_scope):
    audit = plan_audit(state, world, in_scope)
    with state.transaction() as s:
        before = [(line.clause, line.question) for line in s.get(Audit, audit.id).lines]
        template = s.get(Template, in_scope.template_id)
        source = "\n".join(f"{line.clause} | {line.question}" for line in template.lines)
    edited = source.replace(before[0][1], "Câu hỏi đã sửa về tài liệu?") + "\n7.5.3 | Câu hỏi mới thêm?"
    url = f"/admin/iso9001_templates/template/{in_scope.template_id}"
    response = clients.manager.post(url, data={"name": "Bộ câu hỏi 2027", "lines": edited, "active": "1",
                                               "note": "Bổ sung câu hỏi"}, follow_redirects=True)
    assert "Đã lưu phiên bản 2" in flashes(text(response))
    with state.transaction() as s:
        template = s.get(Template, in_scope.template_id)
        assert template.version == 2 and template.name == "Bộ câu hỏi 2027"
        assert "Câu hỏi đã sửa về tài liệu?" in [line.question for line in template.lines]
        assert [r.version for r in template.revisions] == [2, 1]
        past = s.get(Audit, audit.id)
        assert [(line.clause, line.question) for line in past.lines] == before
        assert past.template_version == 1 and past.template_name != "Bộ câu hỏi 2027"
    assert before[0][1] in page(clients.lead, f"/admin/iso9001_audits/audit/{audit.id}")


def test_an_unknown_clause_in_a_template_is_refused_and_nothing_is_saved(world, clients, state, in_scope):
    url = f"/admin/iso9001_templates/template/{in_scope.template_id}"
    response = clients.manager.post(url, data={"name": "X", "lines": "4.1 | Bối cảnh?\n11.2 | Ngoài tiêu chuẩn?"})
    assert "Dòng 2: Điều khoản “11.2” không có trong TCVN ISO 9001:2015" in flashes(text(response))
    missing_bar = clients.manager.post(url, data={"name": "X", "lines": "4.1 Bối cảnh?"})
    assert "Dòng 1: viết theo dạng “điều khoản | câu hỏi”" in flashes(text(missing_bar))
    with state.transaction() as s:
        template = s.get(Template, in_scope.template_id)
        assert template.version == 1 and len(template.lines) == len(DEFAULT_QUESTIONS)
        assert s.scalar(select(func.count(TemplateRevision.id)).where(TemplateRevision.template_id == template.id)) == 1
    assert clients.auditor.post(url, data={"name": "X", "lines": "4.1 | ?"}).status_code == 404  # not a manager


def test_evidence_files_are_checked_for_size_and_type_and_nothing_is_saved_on_refusal(world, clients, state,
                                                                                      in_scope):
    audit = plan_audit(state, world, in_scope)
    url = f"/admin/iso9001_audits/audit/{audit.id}"
    first = audit.line_ids[0]
    answer = {f"answer_{first}": "conforming", f"evidence_{first}": "Xem sổ theo dõi"}
    big = PDF + b"0" * (5 * 1024 * 1024)
    refused = clients.auditor.post(url, data={**answer, f"file_{first}": (io.BytesIO(big), "so-theo-doi.pdf")})
    assert "“so-theo-doi.pdf” dung lượng 5.0 MB, vượt giới hạn 5 MB" in flashes(text(refused))
    wrong = clients.auditor.post(url, data={**answer, f"file_{first}": (io.BytesIO(b"MZ\x90\x00"), "virus.exe")})
    assert "“virus.exe” có định dạng không được phép" in flashes(text(wrong))
    disguised = clients.auditor.post(url, data={**answer, f"file_{first}": (io.BytesIO(b"MZ\x90\x00"), "scan.pdf")})
    assert "không đúng định dạng .pdf" in flashes(text(disguised))
    with state.transaction() as s:
        assert s.scalar(select(func.count(Evidence.id))) == 0
        assert s.get(ChecklistLine, first).answer is None  # the answer of the refused post is not saved either
        assert s.get(Audit, audit.id).status == "planned"
    ok = clients.auditor.post(url, data={**answer, f"file_{first}": (io.BytesIO(PDF), "so-theo-doi.pdf")})
    assert ok.status_code == 302
    with state.transaction() as s:
        evidence = s.scalar(select(Evidence))
        assert evidence.filename == "so-theo-doi.pdf" and evidence.content_type == "application/pdf"
        assert s.get(ChecklistLine, first).answer == "conforming" and s.get(Audit, audit.id).status == "in_progress"
        evidence_id = evidence.id
    download = clients.lead.get(f"/admin/iso9001_audits/evidence/{evidence_id}")
    assert download.status_code == 200 and download.data == PDF
    assert clients.auditee.get(f"/admin/iso9001_audits/evidence/{evidence_id}").status_code == 200  # KT's own audit


def test_only_the_audit_team_answers(world, clients, state, in_scope):
    audit = plan_audit(state, world, in_scope)
    url = f"/admin/iso9001_audits/audit/{audit.id}"
    data = {f"answer_{audit.line_ids[0]}": "conforming", f"evidence_{audit.line_ids[0]}": ""}
    assert clients.kt_auditor.post(url, data=data).status_code == 404  # an auditor, but not on this team
    assert clients.auditee.post(url, data=data).status_code == 404
    assert 'id="iso-checklist"' not in page(clients.auditee, url)
    assert 'id="iso-checklist"' in page(clients.auditor, url)


def test_the_team_can_be_changed_but_never_to_a_self_audit(world, clients, state, in_scope):
    audit = plan_audit(state, world, in_scope)
    url = f"/admin/iso9001_audits/audit/{audit.id}/team"
    response = clients.lead.post(url, data={"lead_auditor_id": world.lead.id, "auditor_ids": [world.kt_auditor.id],
                                            "starts_on": "11/05/2026", "ends_on": "12/05/2026"})
    assert "không được đánh giá chính đơn vị mình" in flashes(text(response))
    backwards = clients.lead.post(url, data={"lead_auditor_id": world.lead.id, "starts_on": "12/05/2026",
                                             "ends_on": "11/05/2026"})
    assert "không được trước ngày bắt đầu" in flashes(text(backwards))
    with state.transaction() as s:
        assert s.get(Audit, audit.id).auditor_ids == [world.auditor.id]
    assert clients.lead.post(url, data={"lead_auditor_id": world.lead.id, "auditor_ids": [world.auditor.id],
                                        "starts_on": "13/05/2026", "ends_on": "14/05/2026"}).status_code == 302
    with state.transaction() as s:
        assert s.get(Audit, audit.id).ends_on == date(2026, 5, 14)


def test_cancelling_an_audit_asks_for_confirmation_and_a_reason(world, clients, state, in_scope):
    audit = plan_audit(state, world, in_scope)
    url = f"/admin/iso9001_audits/audit/{audit.id}/cancel"
    confirm = page(clients.lead, url)
    assert "Huỷ cuộc đánh giá ĐGNB-2026-01?" in confirm and 'name="csrf_token"' in confirm
    assert "Lý do huỷ là bắt buộc" in flashes(text(clients.lead.post(url, data={"reason": ""}, follow_redirects=True)))
    clients.lead.post(url, data={"reason": "Đơn vị sáp nhập"})
    with state.transaction() as s:
        assert s.get(Audit, audit.id).status == "cancelled"
