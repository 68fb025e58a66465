"""Plugin install state (which version is migrated) and per-unit enablement."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Audited, Base, utcnow


class PluginState(Base):
    __tablename__ = "core_plugin_state"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[str] = mapped_column(String(40))
    installed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PluginEnablement(Audited, Base):
    __tablename__ = "core_plugin_enablement"
    __table_args__ = (UniqueConstraint("plugin", "unit_id", name="uq_core_plugin_enablement_plugin_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plugin: Mapped[str] = mapped_column(String(80), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id", ondelete="CASCADE"), index=True)
    enabled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    unit = relationship("Unit")
