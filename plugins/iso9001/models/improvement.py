"""Nonconformities with their corrective actions, and management reviews with their decisions."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import Audited, Base, Timestamped

STAGES = {"draft": "Dự thảo", "analysis": "Phân tích nguyên nhân", "action_plan": "Lập kế hoạch hành động",
          "open": "Đang khắc phục", "done": "Đã đóng", "cancelled": "Đã huỷ"}
SEVERITIES = {"minor": "Nhẹ", "major": "Nặng"}
ORIGINS = {"audit": "Đánh giá nội bộ", "complaint": "Phản ánh, kiến nghị", "process": "Theo dõi quá trình",
           "review": "Xem xét của lãnh đạo", "inspection": "Kiểm tra của cấp trên", "other": "Khác"}
ACTION_KINDS = {"correction": "Khắc phục tức thời", "corrective": "Hành động khắc phục",
                "preventive": "Hành động phòng ngừa", "improvement": "Cải tiến"}
ACTION_STATUSES = {"open": "Đang thực hiện", "done": "Hoàn thành", "cancelled": "Đã huỷ"}
REVIEW_STATUSES = {"open": "Đang chuẩn bị", "done": "Đã kết thúc"}
DECISION_TOPICS = {"improvement": "Cơ hội cải tiến", "changes": "Thay đổi hệ thống quản lý chất lượng",
                   "resources": "Nhu cầu nguồn lực", "other": "Khác"}


class Nonconformity(Audited, Timestamped, Base):
    __tablename__ = "iso9001_nonconformity"
    __table_args__ = (UniqueConstraint("unit_id", "reference", name="uq_iso9001_nonconformity_reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"), index=True)
    reference: Mapped[str] = mapped_column(String(40))
    raised_on: Mapped[date] = mapped_column(Date, index=True)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    origin: Mapped[str] = mapped_column(String(20), default="other")
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("iso9001_audit.id", ondelete="SET NULL"), index=True)
    line_id: Mapped[int | None] = mapped_column(ForeignKey("iso9001_checklist_line.id", ondelete="SET NULL"),
                                                unique=True)
    clause: Mapped[str] = mapped_column(String(10), default="")
    severity: Mapped[str] = mapped_column(String(10), default="minor")
    description: Mapped[str] = mapped_column(Text)
    immediate_action: Mapped[str] = mapped_column(Text, default="")
    root_cause: Mapped[str] = mapped_column(Text, default="")
    evaluation: Mapped[str] = mapped_column(Text, default="")
    effective: Mapped[bool | None] = mapped_column(Boolean)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    verified_on: Mapped[date | None] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    closed_on: Mapped[date | None] = mapped_column(Date)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")

    unit = relationship("Unit")
    audit = relationship("Audit")
    raised_by = relationship("User", foreign_keys=[raised_by_id])
    verified_by = relationship("User", foreign_keys=[verified_by_id])
    actions: Mapped[list["NcAction"]] = relationship(back_populates="nonconformity", cascade="all, delete-orphan",
                                                     order_by="NcAction.id")
    history: Mapped[list["NcHistory"]] = relationship(cascade="all, delete-orphan", order_by="NcHistory.id")

    def __str__(self) -> str:
        return self.reference


class NcAction(Audited, Timestamped, Base):
    __tablename__ = "iso9001_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    nc_id: Mapped[int] = mapped_column(ForeignKey("iso9001_nonconformity.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="corrective")
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    due_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    done_on: Mapped[date | None] = mapped_column(Date)
    result: Mapped[str] = mapped_column(Text, default="")

    nonconformity: Mapped[Nonconformity] = relationship(back_populates="actions")
    owner = relationship("User")
    unit = relationship("Unit")


class NcHistory(Base):
    """Each stage change of a nonconformity, shown on its page (the audit log records it too)."""

    __tablename__ = "iso9001_nc_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    nc_id: Mapped[int] = mapped_column(ForeignKey("iso9001_nonconformity.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    from_stage: Mapped[str] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")


class Review(Audited, Timestamped, Base):
    """A management review (ISO 9001 9.3); ``inputs`` is the snapshot of what was gathered for it."""

    __tablename__ = "iso9001_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(500))
    chair: Mapped[str] = mapped_column(String(255), default="")
    participants: Mapped[str] = mapped_column(Text, default="")
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    inputs: Mapped[dict] = mapped_column(JSON, default=dict)
    inputs_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    closed_on: Mapped[date | None] = mapped_column(Date)

    unit = relationship("Unit")
    decisions: Mapped[list["ReviewDecision"]] = relationship(cascade="all, delete-orphan",
                                                             order_by="ReviewDecision.id")

    def __str__(self) -> str:
        return self.title


class ReviewDecision(Audited, Base):
    __tablename__ = "iso9001_review_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("iso9001_review.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"))
    topic: Mapped[str] = mapped_column(String(20), default="improvement")
    decision: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")

    owner = relationship("User")
