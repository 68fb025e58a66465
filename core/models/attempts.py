"""Attempts counted per client and time window, shared by every worker process (see core.attempts)."""
from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base


class AttemptWindow(Base):
    __tablename__ = "core_attempt_window"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # a hash: client addresses are not stored
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)  # epoch seconds
    hits: Mapped[int] = mapped_column(Integer, default=0)
