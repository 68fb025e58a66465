"""Dossiers, their transitions (the process control slip), submissions to leaders, ratings."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import Audited, Base, Timestamped

CHANNELS = {"counter": "Tại quầy", "online": "Trực tuyến", "post": "Bưu chính"}


class DossierCounter(Base):
    """The last sequence number given per unit and day; incremented under a row lock."""

    __tablename__ = "onestop_dossier_counter"

    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Dossier(Audited, Timestamped, Base):
    __tablename__ = "onestop_dossier"
    __audit_exclude__ = ("lookup_secret", "created_at", "updated_at")  # the slip's second factor stays secret
    __table_args__ = (
        UniqueConstraint("unit_id", "receipt_day", "sequence", name="uq_onestop_dossier_unit_day_seq"),
        Index("ix_onestop_dossier_unit_received", "unit_id", "received_on"),
        Index("ix_onestop_dossier_unit_resolved", "unit_id", "resolved_on"),
        Index("ix_onestop_dossier_unit_status", "unit_id", "status"),
        # The back-office list (newest first within the user's units) reads this index in order
        # instead of sorting a unit's whole history.
        Index("ix_onestop_dossier_unit_id_id", "unit_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"))
    code: Mapped[str | None] = mapped_column(String(60), unique=True)
    receipt_day: Mapped[date | None] = mapped_column(Date)
    sequence: Mapped[int | None] = mapped_column(Integer)
    lookup_secret: Mapped[str] = mapped_column(String(12))
    procedure_id: Mapped[int] = mapped_column(ForeignKey("onestop_procedure.id"), index=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("onestop_field.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10), default="counter")
    status: Mapped[str] = mapped_column(String(30), default="registered")
    applicant_name: Mapped[str] = mapped_column(String(255))
    applicant_id_number: Mapped[str] = mapped_column(String(20), default="")
    applicant_address: Mapped[str] = mapped_column(String(500), default="")
    applicant_phone: Mapped[str] = mapped_column(String(20), default="")
    applicant_email: Mapped[str] = mapped_column(String(255), default="")
    registered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    received_on: Mapped[date | None] = mapped_column(Date)  # the day the clock counts from
    received_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    appointment_on: Mapped[date | None] = mapped_column(Date)  # the original appointment: lateness is judged on it
    extended_until: Mapped[date | None] = mapped_column(Date)
    paused_on: Mapped[date | None] = mapped_column(Date)
    # While a supplement is asked for: who asked ("counter" or "handler") and the day it was handed in.
    supplement_by: Mapped[str] = mapped_column(String(10), default="", server_default="")
    supplemented_on: Mapped[date | None] = mapped_column(Date)
    current_step: Mapped[int] = mapped_column(Integer, default=0)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    resolved_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)  # withdrawn, stopped or refused: out of the counts
    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text, default="")

    procedure = relationship("Procedure")
    field = relationship("Field")
    transitions: Mapped[list["Transition"]] = relationship(cascade="all, delete-orphan", order_by="Transition.id")
    documents: Mapped[list["DossierDocument"]] = relationship(cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.code or f"#{self.id}"


class DossierDocument(Audited, Base):
    __tablename__ = "onestop_dossier_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("onestop_dossier.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"))
    name: Mapped[str] = mapped_column(Text)
    originals: Mapped[int] = mapped_column(Integer, default=0)
    certified_copies: Mapped[int] = mapped_column(Integer, default=0)
    copies: Mapped[int] = mapped_column(Integer, default=0)


class Transition(Base):
    """One line of the process control slip (form 06): who moved the dossier, when, why."""

    __tablename__ = "onestop_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("onestop_dossier.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    step: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class Submission(Audited, Timestamped, Base):
    """A submission or proposal (tờ trình, kiến nghị) routed to one of the office's leaders."""

    __tablename__ = "onestop_submission"
    __table_args__ = (UniqueConstraint("unit_id", "number", "submitted_on", name="uq_onestop_submission_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"), index=True)
    number: Mapped[str] = mapped_column(String(40))
    submitted_on: Mapped[date] = mapped_column(Date, index=True)
    sender: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(1000))
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    deadline: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(Text, default="")
    handled_on: Mapped[date | None] = mapped_column(Date)

    leader = relationship("User")


class Rating(Audited, Base):
    __tablename__ = "onestop_rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("onestop_dossier.id", ondelete="CASCADE"), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"), index=True)
    rated_on: Mapped[date] = mapped_column(Date)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)  # criterion code -> 1..5
    average: Mapped[float] = mapped_column(Float, default=0)
    comment: Mapped[str] = mapped_column(Text, default="")
