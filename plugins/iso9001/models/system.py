"""The quality system of a unit: its scope, documented information, legal changes, conformity announcements."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import Audited, Base, Timestamped

DOCUMENT_KINDS = {"manual": "Sổ tay chất lượng", "policy": "Chính sách, mục tiêu chất lượng", "procedure": "Quy trình",
                  "form": "Biểu mẫu", "record": "Hồ sơ", "external": "Tài liệu bên ngoài"}
VERSION_STATUSES = {"draft": "Dự thảo", "current": "Hiện hành", "superseded": "Hết hiệu lực (lưu)"}


class Scope(Audited, Timestamped, Base):
    """What the unit's quality system covers; it must cover all of the unit's procedure handling."""

    __tablename__ = "iso9001_scope"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"), unique=True)
    in_scope: Mapped[bool] = mapped_column(Boolean, default=True)
    covers_all_procedures: Mapped[bool] = mapped_column(Boolean, default=True)
    statement: Mapped[str] = mapped_column(Text, default="")
    excluded_clauses: Mapped[str] = mapped_column(String(200), default="")  # e.g. "8.3" with a reason
    exclusion_reason: Mapped[str] = mapped_column(Text, default="")
    changed_on: Mapped[date | None] = mapped_column(Date)  # a change after the last announcement calls for a new one

    unit = relationship("Unit")

    def __str__(self) -> str:
        return f"Phạm vi HTQLCL – {self.unit.name if self.unit else self.unit_id}"


class Document(Audited, Timestamped, Base):
    """Documented information (ISO 9001 7.5): a procedure, form, record… with its versions."""

    __tablename__ = "iso9001_document"
    __table_args__ = (UniqueConstraint("unit_id", "code", name="uq_iso9001_document_unit_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20), default="procedure")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    published: Mapped[bool] = mapped_column(Boolean, default=False)  # on the public "ISO page"
    retention: Mapped[str] = mapped_column(String(100), default="")  # for records: how long they are kept

    unit = relationship("Unit")
    owner = relationship("User")
    versions: Mapped[list["DocumentVersion"]] = relationship(back_populates="document", cascade="all, delete-orphan",
                                                             order_by="DocumentVersion.id")

    @property
    def current(self) -> "DocumentVersion | None":
        return next((v for v in self.versions if v.status == "current"), None)

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"


class DocumentVersion(Audited, Base):
    """One issue of a document; approving a new one supersedes the previous, which is kept."""

    __tablename__ = "iso9001_document_version"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_iso9001_document_version_number"),)
    __audit_exclude__ = ("data",)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("iso9001_document.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"))
    number: Mapped[str] = mapped_column(String(20))  # "lần ban hành", e.g. 01, 02
    status: Mapped[str] = mapped_column(String(20), default="draft")
    change_summary: Mapped[str] = mapped_column(Text, default="")
    effective_date: Mapped[date | None] = mapped_column(Date)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    approved_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    filename: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(120), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)

    document: Mapped[Document] = relationship(back_populates="versions")
    approved_by = relationship("User")


class LegalChange(Audited, Timestamped, Base):
    """A new legal document that changes a process: the process update is due within the rule's months."""

    __tablename__ = "iso9001_legal_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"), index=True)
    legal_document: Mapped[str] = mapped_column(String(255))
    effective_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")
    document_id: Mapped[int | None] = mapped_column(ForeignKey("iso9001_document.id", ondelete="SET NULL"))
    due_date: Mapped[date] = mapped_column(Date)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("core_plan_task.id", ondelete="SET NULL"))

    unit = relationship("Unit")
    document = relationship("Document")


class Announcement(Audited, Timestamped, Base):
    """The conformity announcement: notice to the provincial science department, posting at the office and online."""

    __tablename__ = "iso9001_announcement"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"), index=True)
    number: Mapped[str] = mapped_column(String(40))
    announced_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20), default="initial")  # initial | re_announcement
    scope_text: Mapped[str] = mapped_column(Text, default="")
    notice_sent_on: Mapped[date | None] = mapped_column(Date)
    notice_reference: Mapped[str] = mapped_column(String(100), default="")
    posted_office_on: Mapped[date | None] = mapped_column(Date)
    posted_website_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    unit = relationship("Unit")

    def __str__(self) -> str:
        return f"Công bố {self.number}"
