"""Checklist templates, the annual audit programme, audits and their copied checklists."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import Audited, Base, Timestamped

AUDIT_STATUSES = {"planned": "Đã lập kế hoạch", "in_progress": "Đang đánh giá", "closed": "Đã kết thúc",
                  "cancelled": "Đã huỷ"}
ANSWERS = {"conforming": "Phù hợp", "minor_nc": "Không phù hợp nhẹ", "major_nc": "Không phù hợp nặng",
           "observation": "Điểm cần lưu ý", "ofi": "Cơ hội cải tiến", "na": "Không áp dụng"}
FINDINGS = ("minor_nc", "major_nc")


class Template(Audited, Timestamped, Base):
    """An editable checklist; every change raises ``version`` and keeps a snapshot in a revision."""

    __tablename__ = "iso9001_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    version: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    unit = relationship("Unit")
    lines: Mapped[list["TemplateLine"]] = relationship(cascade="all, delete-orphan", order_by="TemplateLine.position")
    revisions: Mapped[list["TemplateRevision"]] = relationship(cascade="all, delete-orphan",
                                                               order_by="TemplateRevision.version.desc()")

    def __str__(self) -> str:
        return f"{self.name} (phiên bản {self.version})"


class TemplateLine(Audited, Base):
    __tablename__ = "iso9001_template_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("iso9001_template.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    clause: Mapped[str] = mapped_column(String(10))
    question: Mapped[str] = mapped_column(Text)


class TemplateRevision(Base):
    """The lines of a template as they were at one version (the audit log has the field-level changes)."""

    __tablename__ = "iso9001_template_revision"
    __table_args__ = (UniqueConstraint("template_id", "version", name="uq_iso9001_template_revision_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("iso9001_template.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    lines: Mapped[list] = mapped_column(JSON, default=list)  # [[clause, question], ...]
    note: Mapped[str] = mapped_column(String(500), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))


class Programme(Audited, Timestamped, Base):
    """The annual internal audit programme of a unit: a core plan (programme "iso9001") plus its audits."""

    __tablename__ = "iso9001_programme"
    __table_args__ = (UniqueConstraint("unit_id", "year", name="uq_iso9001_programme_unit_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("core_plan.id"))

    unit = relationship("Unit")
    plan = relationship("Plan")
    audits: Mapped[list["Audit"]] = relationship(back_populates="programme", order_by="Audit.starts_on")

    def __str__(self) -> str:
        return f"Chương trình đánh giá nội bộ năm {self.year}"


class Audit(Audited, Timestamped, Base):
    """An internal audit of one unit (``unit_id`` is the audited unit)."""

    __tablename__ = "iso9001_audit"
    __table_args__ = (UniqueConstraint("programme_id", "reference", name="uq_iso9001_audit_reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("iso9001_programme.id"), index=True)
    reference: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(500))
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date)
    lead_auditor_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    auditor_ids: Mapped[list] = mapped_column(JSON, default=list)  # the other auditors of the team
    auditees: Mapped[str] = mapped_column(Text, default="")  # people of the audited unit interviewed
    scope_clauses: Mapped[list] = mapped_column(JSON, default=list)  # empty: the whole standard
    procedure_ids: Mapped[list] = mapped_column(JSON, default=list)  # documents (procedures) in scope
    template_id: Mapped[int | None] = mapped_column(ForeignKey("iso9001_template.id", ondelete="SET NULL"))
    template_name: Mapped[str] = mapped_column(String(255), default="")
    template_version: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    strong_points: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[date | None] = mapped_column(Date)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    task_id: Mapped[int | None] = mapped_column(ForeignKey("core_plan_task.id", ondelete="SET NULL"))

    unit = relationship("Unit")
    programme: Mapped[Programme] = relationship(back_populates="audits")
    lead_auditor = relationship("User")
    lines: Mapped[list["ChecklistLine"]] = relationship(back_populates="audit", cascade="all, delete-orphan",
                                                        order_by="ChecklistLine.position")

    @property
    def team_ids(self) -> list[int]:
        return [self.lead_auditor_id, *[i for i in self.auditor_ids or [] if i != self.lead_auditor_id]]

    def __str__(self) -> str:
        return f"{self.reference} – {self.title}"


class ChecklistLine(Audited, Base):
    """A question copied from the template when the audit was planned, and its answer."""

    __tablename__ = "iso9001_checklist_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("iso9001_audit.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    clause: Mapped[str] = mapped_column(String(10))
    clause_title: Mapped[str] = mapped_column(String(255), default="")
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(String(20))
    evidence: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    audit: Mapped[Audit] = relationship(back_populates="lines")
    attachments: Mapped[list["Evidence"]] = relationship(cascade="all, delete-orphan", order_by="Evidence.id")


class Evidence(Audited, Base):
    __tablename__ = "iso9001_evidence"
    __audit_exclude__ = ("data",)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("iso9001_checklist_line.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
