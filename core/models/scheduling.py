"""Scheduling tables: calendar overrides, unit hours, plans and tasks, jobs, notifications, feeds."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, LargeBinary, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Audited, Base, Timestamped, utcnow


class CalendarOverride(Audited, Timestamped, Base):
    """A day off added by decision, or a working Saturday from the government's yearly swaps."""

    __tablename__ = "core_calendar_override"
    __unit_attribute__ = None

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    is_working: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(255))


class UnitWorkingHours(Audited, Timestamped, Base):
    __tablename__ = "core_unit_working_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id", ondelete="CASCADE"), unique=True)
    morning_start: Mapped[str] = mapped_column(String(5))
    morning_end: Mapped[str] = mapped_column(String(5))
    afternoon_start: Mapped[str] = mapped_column(String(5))
    afternoon_end: Mapped[str] = mapped_column(String(5))
    receipt_cutoff: Mapped[str] = mapped_column(String(5))

    unit = relationship("Unit")


class Plan(Audited, Timestamped, Base):
    """A plan (kế hoạch) such as 90/KH-VP; an inspection plan's tasks target units."""

    __tablename__ = "core_plan"
    __table_args__ = (
        UniqueConstraint("unit_id", "year", "number", "symbol", name="uq_core_plan_number"),
        CheckConstraint("status IN ('draft', 'issued', 'done', 'cancelled')", name="status"),
        CheckConstraint("kind IN ('plan', 'inspection')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    symbol: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(500))
    issue_date: Mapped[date | None] = mapped_column(Date)
    programme: Mapped[str] = mapped_column(String(80), default="core")
    year: Mapped[int] = mapped_column(Integer, index=True)
    period: Mapped[str] = mapped_column(String(40), default="")
    kind: Mapped[str] = mapped_column(String(20), default="plan")  # plan | inspection
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft | issued | done | cancelled

    unit = relationship("Unit")
    tasks: Mapped[list["PlanTask"]] = relationship(back_populates="plan", cascade="all, delete-orphan",
                                                   order_by="PlanTask.due_date")

    @property
    def reference(self) -> str:
        return f"{self.number}/{self.symbol}"

    def __str__(self) -> str:
        return f"{self.reference} – {self.title}"


class PlanTask(Audited, Timestamped, Base):
    """A task of a plan; in an inspection plan it targets a subordinate unit with a list of contents."""

    __tablename__ = "core_plan_task"
    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress"),
        CheckConstraint("status IN ('open', 'done', 'cancelled')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("core_plan.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"), index=True)  # the owner unit
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    target_unit_id: Mapped[int | None] = mapped_column(ForeignKey("core_unit.id"))  # inspected unit
    title: Mapped[str] = mapped_column(String(500))
    contents: Mapped[list] = mapped_column(JSON, default=list)  # inspection contents
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | done | cancelled
    progress: Mapped[int] = mapped_column(Integer, default=0)
    evidence_note: Mapped[str] = mapped_column(Text, default="")
    done_on: Mapped[date | None] = mapped_column(Date)

    plan: Mapped[Plan] = relationship(back_populates="tasks")
    unit = relationship("Unit", foreign_keys=[unit_id])
    target_unit = relationship("Unit", foreign_keys=[target_unit_id])
    owner = relationship("User")
    attachments: Mapped[list["TaskAttachment"]] = relationship(cascade="all, delete-orphan",
                                                               order_by="TaskAttachment.id")

    def __str__(self) -> str:
        return self.title


class TaskAttachment(Audited, Base):
    __tablename__ = "core_task_attachment"
    __audit_exclude__ = ("data",)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("core_plan_task.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class JobState(Base):
    """One row per registered job: the runners claim due rows with row locks."""

    __tablename__ = "core_job_state"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    schedule: Mapped[str] = mapped_column(String(120))
    next_run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_status: Mapped[str] = mapped_column(String(20), default="never")  # never | ok | failed
    last_error: Mapped[str] = mapped_column(Text, default="")
    runs: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)


class JobRun(Base):
    """Each executed occurrence; the unique key makes a double run of one occurrence impossible."""

    __tablename__ = "core_job_run"
    __table_args__ = (UniqueConstraint("job", "scheduled_for", name="uq_core_job_run_occurrence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(120), index=True)
    scheduled_for: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    runner: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(20), default="ok")
    error: Mapped[str] = mapped_column(Text, default="")


class Notification(Base):
    __tablename__ = "core_notification"
    __table_args__ = (UniqueConstraint("user_id", "dedupe_key", name="uq_core_notification_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    dedupe_key: Mapped[str] = mapped_column(String(200))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    emailed: Mapped[bool] = mapped_column(Boolean, default=False)
    # The outbox: a row waits here until its e-mail is sent or has failed ``mail.max_attempts`` times,
    # so an SMTP outage never loses the in-app notification nor blocks the batch.
    email_pending: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_error: Mapped[str] = mapped_column(Text, default="")
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class TaskReminder(Base):
    """A reminder already given for a task, so that it is given once per kind and due date."""

    __tablename__ = "core_task_reminder"
    __table_args__ = (UniqueConstraint("task_id", "kind", "due_date", name="uq_core_task_reminder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("core_plan_task.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # due_soon | overdue
    due_date: Mapped[date] = mapped_column(Date)  # a new due date earns a new reminder
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recipients: Mapped[int] = mapped_column(Integer, default=0)


class CalendarFeedToken(Audited, Base):
    """A secret for the personal .ics feed; only its hash is stored, and it can be revoked."""

    __tablename__ = "core_calendar_feed_token"
    __unit_attribute__ = None
    __audit_exclude__ = ("token_hash",)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
