"""The append-only audit log. Database triggers refuse UPDATE and DELETE on it (see migrations)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, utcnow


class AuditLog(Base):
    __tablename__ = "core_audit_log"
    __unit_attribute__ = "unit_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK: the log outlives users
    actor: Mapped[str] = mapped_column(String(120), default="")
    unit_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(120))
    table_name: Mapped[str] = mapped_column(String(120), index=True)
    record_id: Mapped[str] = mapped_column(String(80), index=True)
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
