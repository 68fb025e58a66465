"""Each unit's counter as the public sees it: its name and contacts on every form, and what it publishes."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.toolkit import Audited, Base, Timestamped

DEFAULT_COUNTER_NAME = "Bộ phận Tiếp nhận và Trả kết quả"


class CounterSettings(Audited, Timestamped, Base):
    __tablename__ = "onestop_counter_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id", ondelete="CASCADE"), unique=True)
    counter_name: Mapped[str] = mapped_column(String(255), default=DEFAULT_COUNTER_NAME)
    address: Mapped[str] = mapped_column(String(500), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    opening_hours: Mapped[str] = mapped_column(Text, default="")  # as printed, e.g. "Sáng 7h00–11h30, chiều 13h30–17h00"
    publish_statistics: Mapped[bool] = mapped_column(Boolean, default=True)
