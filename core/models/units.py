"""Organisational units: a tree of any depth (since 2025 there is no fixed number of levels)."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Audited, Base, Timestamped


class Unit(Audited, Timestamped, Base):
    __tablename__ = "core_unit"
    __unit_attribute__ = "id"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(50), default="department")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("core_unit.id", ondelete="RESTRICT"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"
