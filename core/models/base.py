"""Declarative base shared by the core and every plugin (plugins get it from `core.toolkit`)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Audited:
    """Marks a business record: every create, update and delete of it lands in the audit log.

    `__unit_attribute__` names the attribute holding the owning unit's id (used for the log and
    for unit scoping); `__audit_exclude__` lists attributes whose values must never be logged.
    """

    __unit_attribute__: str | None = "unit_id"
    __audit_exclude__: tuple[str, ...] = ()

    def audit_unit_id(self) -> int | None:
        return getattr(self, self.__unit_attribute__, None) if self.__unit_attribute__ else None


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
