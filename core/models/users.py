"""Users, permissions, roles and memberships (user × unit × role)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Audited, Base, Timestamped

role_permission = Table(
    "core_role_permission",
    Base.metadata,
    Column("role_id", ForeignKey("core_role.id", ondelete="CASCADE"), primary_key=True),
    Column("permission_id", ForeignKey("core_permission.id", ondelete="CASCADE"), primary_key=True),
)


class User(Audited, Timestamped, Base):
    __tablename__ = "core_user"
    __unit_attribute__ = None
    __audit_exclude__ = ("password_hash", "failed_logins", "locked_until", "last_login_at")

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str] = mapped_column(String(10), default="vi")
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    memberships: Mapped[list["Membership"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    def __str__(self) -> str:
        return f"{self.full_name or self.username} ({self.username})"


class Permission(Base):
    """Declared by the core or a plugin manifest; synchronised at `cchc db upgrade`."""

    __tablename__ = "core_permission"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(120), unique=True)
    label: Mapped[str] = mapped_column(String(255), default="")
    plugin: Mapped[str] = mapped_column(String(80), default="core")

    def __str__(self) -> str:
        return self.code


class Role(Audited, Base):
    __tablename__ = "core_role"
    __unit_attribute__ = None

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(120), unique=True)
    label: Mapped[str] = mapped_column(String(255), default="")
    plugin: Mapped[str] = mapped_column(String(80), default="core")

    permissions: Mapped[list[Permission]] = relationship(secondary=role_permission)

    def __str__(self) -> str:
        return self.label or self.code


class Membership(Audited, Timestamped, Base):
    __tablename__ = "core_membership"
    __table_args__ = (UniqueConstraint("user_id", "unit_id", "role_id", name="uq_core_membership_user_unit_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id", ondelete="CASCADE"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("core_role.id", ondelete="CASCADE"))
    include_subunits: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(back_populates="memberships")
    unit = relationship("Unit")
    role: Mapped[Role] = relationship()

    def __str__(self) -> str:
        return f"{self.user_id}@{self.unit_id}:{self.role_id}"
