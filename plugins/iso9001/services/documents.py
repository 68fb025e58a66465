"""Documented information (ISO 9001 7.5): codes, versions, approval, effective dates, superseded versions
kept, publication on the public ISO page; and legal changes that make a process update due.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.toolkit import Plan, ServiceError, Unit, add_task, record_transition
from plugins.iso9001.models import Document, DocumentVersion, LegalChange, Programme
from plugins.iso9001.models.system import DOCUMENT_KINDS
from plugins.iso9001.services.common import (active_user, add_months, ancestors_and_self, day, fmt, rule, text,
                                             utcnow)
from plugins.iso9001.services.files import check_file


def validate_document(session: Session, doc: Document) -> Document:
    doc.code = text(doc.code, "Mã tài liệu", required=True, max_len=40).upper()
    doc.title = text(doc.title, "Tên tài liệu", required=True, max_len=500)
    if doc.kind not in DOCUMENT_KINDS:
        raise ServiceError(f"Loại tài liệu {doc.kind!r} không hợp lệ; chọn: {', '.join(DOCUMENT_KINDS.values())}")
    doc.retention = text(doc.retention, "Thời hạn lưu", max_len=100)
    unit_id = doc.unit_id or (doc.unit.id if doc.unit else None)
    if unit_id is None:
        raise ServiceError("Cần chọn đơn vị quản lý tài liệu (unit required)")
    with session.no_autoflush:
        clash = session.scalar(select(Document.id).where(Document.unit_id == unit_id, Document.code == doc.code,
                                                         Document.id != (doc.id or 0)))
    if clash:
        raise ServiceError(f"Mã tài liệu {doc.code} đã có trong đơn vị (duplicate code)")
    return doc


def create_document(session: Session, unit: Unit, *, code: str, title: str, kind: str = "procedure",
                    owner_id: int | None = None, retention: str = "") -> Document:
    doc = Document(unit_id=unit.id, code=code, title=title, kind=kind, owner_id=owner_id, retention=retention,
                   published=False)
    validate_document(session, doc)
    session.add(doc)
    session.flush()
    return doc


def check_deletable(doc: Document) -> None:
    if any(v.status != "draft" for v in doc.versions):
        raise ServiceError(f"Tài liệu {doc.code} đã có phiên bản được phê duyệt; thông tin dạng văn bản phải được lưu "
                           "giữ, không xoá được (approved documents are kept)")


def add_version(session: Session, doc: Document, *, number: str, change_summary: str = "",
                filename: str = "", data: bytes = b"", max_mb: float = 10) -> DocumentVersion:
    number = text(number, "Lần ban hành", required=True, max_len=20)
    if any(v.number == number for v in doc.versions):
        raise ServiceError(f"Tài liệu {doc.code} đã có lần ban hành {number} (duplicate version)")
    if any(v.status == "draft" for v in doc.versions):
        raise ServiceError(f"Tài liệu {doc.code} đang có một dự thảo chưa phê duyệt; phê duyệt hoặc xoá dự thảo đó "
                           "trước (a draft exists)")
    version = DocumentVersion(document_id=doc.id, unit_id=doc.unit_id, number=number, status="draft",
                              change_summary=text(change_summary, "Nội dung thay đổi", max_len=5000),
                              created_at=utcnow())
    if data or filename:
        version.filename, version.content_type = check_file(filename, data, max_mb)
        version.size, version.data = len(data), data
    doc.versions.append(version)
    session.flush()
    return version


def approve_version(session: Session, version: DocumentVersion, approver_id: int, effective_date,
                    today: date) -> DocumentVersion:
    """Approve a draft: it becomes current from ``effective_date``; the previous current one is superseded."""
    if version.status != "draft":
        raise ServiceError("Chỉ phê duyệt được phiên bản dự thảo (only drafts can be approved)")
    active_user(session, approver_id, "Người phê duyệt")
    effective = day(effective_date, "Ngày hiệu lực", required=True)
    doc = version.document
    previous = doc.current
    if previous is not None and previous.effective_date and effective < previous.effective_date:
        raise ServiceError(f"Ngày hiệu lực {fmt(effective)} không được trước ngày hiệu lực của lần ban hành hiện "
                           f"hành {previous.number} ({fmt(previous.effective_date)}) (effective date too early)")
    if previous is not None:
        previous.status = "superseded"
        record_transition(session, previous, "current -> superseded", f"Thay bằng lần ban hành {version.number}")
    version.status, version.effective_date = "current", effective
    version.approved_by_id, version.approved_on = approver_id, today
    record_transition(session, version, "draft -> current", f"Hiệu lực từ {fmt(effective)}")
    return version


def delete_draft(session: Session, version: DocumentVersion) -> None:
    if version.status != "draft":
        raise ServiceError("Chỉ xoá được dự thảo; phiên bản đã ban hành được lưu giữ (only drafts can be deleted)")
    session.delete(version)
    session.flush()


def set_published(session: Session, doc: Document, published: bool) -> Document:
    if published and doc.current is None:
        raise ServiceError(f"Tài liệu {doc.code} chưa có phiên bản hiện hành để công khai (nothing to publish)")
    doc.published = published
    session.flush()
    return doc


def published_documents(session: Session, unit_ids) -> list[Document]:
    docs = session.scalars(select(Document).where(Document.unit_id.in_(list(unit_ids)), Document.published.is_(True))
                           .order_by(Document.unit_id, Document.code))
    return [d for d in docs if d.current is not None]


# -- legal changes ---------------------------------------------------------------------------------------------

def plan_for_update(session: Session, unit_id: int, effective_on: date, due: date) -> Plan:
    """The ISO plan (an audit programme's core plan) of the unit or an ancestor, for the year of the change."""
    chain = ancestors_and_self(session, unit_id)
    for year in dict.fromkeys((effective_on.year, due.year)):
        for candidate in chain:
            programme = session.scalar(select(Programme).where(Programme.unit_id == candidate, Programme.year == year))
            if programme is not None and programme.plan.status not in ("done", "cancelled"):
                return programme.plan
    raise ServiceError(f"Chưa có chương trình đánh giá nội bộ (kế hoạch HTQLCL) năm {effective_on.year} còn hiệu lực "
                       "cho đơn vị này; lập chương trình năm trước khi ghi nhận thay đổi pháp luật (no ISO plan)")


def register_legal_change(session: Session, change: LegalChange) -> LegalChange:
    """Validate a legal change and create its core task: the process update, due within the rule's months."""
    with session.no_autoflush:  # the back office's pending row must not be flushed half-filled
        change.legal_document = text(change.legal_document, "Văn bản pháp luật", required=True, max_len=255)
        change.summary = text(change.summary, "Nội dung thay đổi", max_len=5000)
        if change.effective_on is None:
            raise ServiceError("Ngày văn bản có hiệu lực là bắt buộc; nhập theo dạng dd/mm/yyyy (required)")
        unit_id = change.unit_id or (change.unit.id if change.unit else None)
        if unit_id is None:
            raise ServiceError("Cần chọn đơn vị (unit required)")
        change.unit_id = unit_id
        change.due_date = add_months(change.effective_on, int(rule("process_update_months", change.effective_on)))
        document = change.document or (session.get(Document, change.document_id) if change.document_id else None)
        if document is not None and document.unit_id not in ancestors_and_self(session, unit_id):
            raise ServiceError("Quy trình bị ảnh hưởng phải thuộc đơn vị này hoặc đơn vị cấp trên "
                               "(document outside unit)")
        plan = plan_for_update(session, unit_id, change.effective_on, change.due_date)
    what = f"quy trình {document.code}" if document is not None else "các quy trình liên quan"
    task = add_task(session, plan, title=f"Cập nhật {what} theo {change.legal_document}"[:500],
                    due_date=change.due_date, unit_id=unit_id,
                    owner_user_id=document.owner_id if document is not None else None)
    change.task_id = task.id
    return change
