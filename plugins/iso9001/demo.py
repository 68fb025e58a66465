"""Demo data: the office's quality system in 2018 (then still ISO 9001:2008, shown on the 2015 clause tree):
scope, documents on the ISO page, the internal audit programme with two completed audits and their findings,
nonconformities open and closed, a legal change, the conformity announcement and one management review."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.toolkit import PlanTask, Unit, User, update_task
from plugins.iso9001.models import Announcement, LegalChange, Nonconformity, Programme
from plugins.iso9001.services import conduct, documents, nonconformity, programme, reviews, scope, templates
from plugins.iso9001.services.scope import validate_announcement

IN_SCOPE = ("VP-HCTC", "VP-TH", "VP-KT", "VP-KSTT", "VP-TTPVHCC")
DOCUMENTS = (  # code, title, kind, versions (number, effective)
    ("STCL", "Sổ tay chất lượng", "manual", (("01", date(2016, 3, 1)), ("02", date(2018, 1, 15)))),
    ("CSCL", "Chính sách và mục tiêu chất lượng năm 2018", "policy", (("01", date(2018, 1, 15)),)),
    ("QT-01", "Quy trình kiểm soát tài liệu", "procedure", (("01", date(2016, 3, 1)), ("02", date(2018, 1, 15)))),
    ("QT-02", "Quy trình kiểm soát hồ sơ", "procedure", (("01", date(2016, 3, 1)),)),
    ("QT-03", "Quy trình đánh giá nội bộ", "procedure", (("01", date(2016, 3, 1)),)),
    ("QT-04", "Quy trình kiểm soát sự không phù hợp và hành động khắc phục", "procedure", (("01", date(2016, 3, 1)),)),
    ("QT-05", "Quy trình tiếp nhận và trả kết quả hồ sơ thủ tục hành chính", "procedure",
     (("01", date(2016, 3, 1)), ("02", date(2018, 1, 15)))),
    ("BM-01", "Phiếu kiểm soát quá trình giải quyết hồ sơ", "form", (("01", date(2018, 1, 15)),)),
)
# (unit, dates, clause → (answer, evidence)) for the two audits; every other line is conforming.
FINDINGS = {
    "VP-KSTT": {"7.5.3": ("minor_nc", "Hai quy trình đang dùng tại bộ phận là bản lần ban hành 01 đã hết hiệu lực."),
                "6.2": ("observation", "Mục tiêu chất lượng năm 2018 chưa có chỉ số đo lường cho từng phòng."),
                "7.1.6": ("ofi", "Nên lập sổ tay hướng dẫn nghiệp vụ cho công chức mới."),
                "8.4": ("na", "")},
    "VP-TTPVHCC": {"8.7": ("major_nc", "03 hồ sơ trễ hạn trong quý II không có thư xin lỗi, hẹn lại gửi người dân."),
                   "9.1.2": ("minor_nc", "Chưa tổng hợp, phân tích phiếu khảo sát sự hài lòng quý I và quý II."),
                   "8.4": ("na", "")},
}


def _user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def build(session: Session, units: dict[str, Unit], office_code: str = "VPUBND") -> None:
    office = units[office_code]
    if session.scalar(select(Programme.id).where(Programme.unit_id == office.id, Programme.year == 2018)):
        return  # already built: idempotent
    lead, auditor = _user(session, "iso9001_lead_auditor"), _user(session, "iso9001_auditor")
    manager, auditee = _user(session, "iso9001_qms_manager"), _user(session, "iso9001_auditee")
    if None in (lead, auditor, manager, auditee):
        return  # the demo users come with ``cchc demo``; without them there is nobody to audit
    for code in IN_SCOPE:
        item = scope.save_scope(session, units[code], date(2018, 1, 5), statement=(
            f"Toàn bộ hoạt động giải quyết thủ tục hành chính và công việc hành chính của {units[code].name}."))
        item.changed_on = date(2018, 1, 5)
    docs = _documents(session, office, manager)
    template = templates.ensure_default_template(session, office) or templates.usable_templates(session, office.id)[0]
    plan = programme.create_programme(session, office, year=2018, number="18", symbol="KH-VP",
                                      issue_date=date(2018, 2, 1))
    programme.issue_programme(session, plan, date(2018, 2, 1))
    _announce(session, office)
    audits = []
    for number, (code, start, end) in enumerate((("VP-KSTT", date(2018, 5, 14), date(2018, 5, 15)),
                                                 ("VP-TTPVHCC", date(2018, 5, 21), date(2018, 5, 22))), start=1):
        audit = programme.create_audit(
            session, plan, units[code], template=template, lead_auditor_id=lead.id, auditor_ids=[auditor.id],
            starts_on=start, ends_on=end, auditees=f"Lãnh đạo và công chức {units[code].name}",
            procedure_ids=[docs["QT-05"].id, docs["QT-01"].id])
        answers = {line.id: FINDINGS[code].get(line.clause, ("conforming", "Đã kiểm tra hồ sơ, phỏng vấn công chức."))
                   for line in audit.lines}
        conduct.record_answers(session, audit, auditor.id, answers, now=datetime(2018, end.month, end.day, 9,
                                                                                tzinfo=timezone.utc))
        conduct.close_audit(session, audit, lead.id, today=end,
                            strong_points="Lãnh đạo quan tâm; công chức nắm vững quy trình; niêm yết thủ tục đầy đủ.",
                            summary=f"Hệ thống tại {units[code].name} được duy trì phù hợp, còn {number} điểm cần "
                                    "khắc phục như đã nêu.")
        audits.append(audit)
    _nonconformities(session, units, audits, manager, auditee)
    _legal_change(session, office, docs, manager)
    review = reviews.create_review(session, office, held_on=date(2018, 12, 20), chair="Chánh Văn phòng",
                                   participants="Lãnh đạo Văn phòng, Thư ký ISO, trưởng các phòng", today=date(2018, 12, 20))
    reviews.add_decision(session, review, topic="improvement", owner_id=manager.id, due_date=date(2019, 3, 31),
                         decision="Chuyển đổi hệ thống sang TCVN ISO 9001:2015 theo Quyết định 101/QĐ-TTg.")
    reviews.add_decision(session, review, topic="resources", owner_id=auditee.id, due_date=date(2019, 6, 30),
                         decision="Bồi dưỡng chuyên gia đánh giá nội bộ cho 05 công chức.")
    reviews.close_review(session, review, today=date(2018, 12, 20),
                         notes="Hệ thống được duy trì và có hiệu lực; tiếp tục khắc phục điểm không phù hợp còn mở.")


def _documents(session: Session, office: Unit, manager: User) -> dict:
    found = {}
    for code, title, kind, versions in DOCUMENTS:
        doc = documents.create_document(session, office, code=code, title=title, kind=kind, owner_id=manager.id)
        for number, effective in versions:
            version = documents.add_version(session, doc, number=number, change_summary="Ban hành" if number == "01"
                                            else "Cập nhật theo thay đổi tổ chức và văn bản pháp luật")
            documents.approve_version(session, version, manager.id, effective, effective)
        documents.set_published(session, doc, True)
        found[code] = doc
    return found


def _announce(session: Session, office: Unit) -> None:
    item = Announcement(unit_id=office.id, number="05/QĐ-VP", announced_on=date(2018, 3, 1), scope_text="",
                        notice_sent_on=date(2018, 3, 5), notice_reference="112/VP-HCTC",
                        posted_office_on=date(2018, 3, 2), posted_website_on=date(2018, 3, 2), note="")
    validate_announcement(session, item)
    session.add(item)


def _nonconformities(session: Session, units, audits, manager: User, auditee: User) -> None:
    first, second = ([nc for nc in session.scalars(select(Nonconformity).where(Nonconformity.audit_id == a.id))]
                     for a in audits)
    closed = first[0]
    nonconformity.update_analysis(session, closed, immediate_action="Thu hồi bản lỗi thời tại bộ phận.",
                                  root_cause="Chưa có danh mục tài liệu hiện hành gửi các phòng khi ban hành lại.")
    nonconformity.transition(session, closed, "analysis", manager.id, today=date(2018, 5, 16))
    nonconformity.transition(session, closed, "action_plan", manager.id, today=date(2018, 5, 20))
    action = nonconformity.add_action(session, closed, description="Lập và gửi danh mục tài liệu hiện hành.",
                                      owner_id=auditee.id, due_date=date(2018, 6, 15))
    nonconformity.transition(session, closed, "open", manager.id, today=date(2018, 5, 21))
    nonconformity.report_action(session, action, status="done", result="Đã gửi danh mục ngày 10/06/2018.",
                                today=date(2018, 6, 10))
    nonconformity.verify(session, closed, manager.id, evaluation="Kiểm tra lại 07/2018: chỉ dùng bản hiện hành.",
                         effective=True, today=date(2018, 7, 5))
    nonconformity.transition(session, closed, "done", manager.id, today=date(2018, 7, 5))
    major, minor = sorted(second, key=lambda nc: nc.severity != "major")
    nonconformity.update_analysis(session, major, immediate_action="Gửi thư xin lỗi, hẹn lại 03 hồ sơ.",
                                  root_cause="Phần mềm một cửa chưa cảnh báo hồ sơ sắp đến hạn.")
    nonconformity.transition(session, major, "analysis", manager.id, today=date(2018, 5, 23))
    nonconformity.transition(session, major, "action_plan", manager.id, today=date(2018, 5, 28))
    nonconformity.add_action(session, major, description="Bổ sung chức năng cảnh báo trước hạn 02 ngày làm việc.",
                             owner_id=auditee.id, due_date=date(2018, 8, 31))
    nonconformity.transition(session, major, "open", manager.id, today=date(2018, 6, 1))
    nonconformity.transition(session, minor, "analysis", manager.id, today=date(2018, 5, 23))
    nonconformity.raise_nc(session, units["VP-TTPVHCC"], raised_on=date(2018, 9, 12), origin="complaint",
                           clause="8.2.1", raised_by_id=manager.id,
                           description="Người dân phản ánh thành phần hồ sơ niêm yết khác với cổng dịch vụ công.")


def _legal_change(session: Session, office: Unit, docs, manager: User) -> None:
    change = LegalChange(unit_id=office.id, legal_document="Nghị định 61/2018/NĐ-CP về thực hiện cơ chế một cửa",
                         effective_on=date(2018, 8, 21), document_id=docs["QT-05"].id,
                         summary="Quy định mới về tiếp nhận, trả kết quả và xin lỗi khi trễ hạn.")
    documents.register_legal_change(session, change)
    session.add(change)
    session.flush()
    version = documents.add_version(session, docs["QT-05"], number="03",
                                    change_summary="Cập nhật theo Nghị định 61/2018/NĐ-CP")
    documents.approve_version(session, version, manager.id, date(2018, 10, 15), date(2018, 10, 10))
    update_task(session, session.get(PlanTask, change.task_id), status="done", today=date(2018, 10, 15),
                evidence_note="Đã ban hành QT-05 lần 03, hiệu lực 15/10/2018")
