"""Permissions, roles and unit scoping: what a user may do, and in which units.

The core declares its own permissions and roles here, the same shape as a plugin manifest's.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.manifest import RoleSpec
from core.models import Membership, Permission, Role, User, role_permission
from core.plugins import PluginRegistry
from core.services.units import UnitTree

CORE_PERMISSIONS = {
    "core.units.read": "Xem đơn vị",
    "core.units.manage": "Quản lý đơn vị",
    "core.users.manage": "Quản lý người dùng và phân quyền",
    "core.roles.manage": "Quản lý vai trò",
    "core.plugins.manage": "Bật/tắt phân hệ cho đơn vị",
    "core.audit.read": "Xem nhật ký thay đổi",
    "core.reports.read": "Xem báo cáo cải cách hành chính",
    "core.plans.read": "Xem kế hoạch, nhiệm vụ và lịch",
    "core.plans.manage": "Lập, ban hành và cập nhật kế hoạch, nhiệm vụ",
    "core.calendar.manage": "Điều chỉnh lịch làm việc (ngày nghỉ, ngày làm bù, giờ làm việc)",
}
CORE_ROLES = (
    RoleSpec("core.admin", "Quản trị hệ thống", tuple(CORE_PERMISSIONS)),
    RoleSpec("core.staff", "Cán bộ, công chức", ("core.units.read", "core.reports.read", "core.plans.read")),
)


def sync_access(session: Session, registry: PluginRegistry) -> None:
    """Upsert the permissions and roles declared by the core and every installed plugin.

    A declared role gets exactly its declared permissions; roles that a deployment created by hand
    (not declared anywhere) are left alone.
    """
    declared: dict[str, tuple[str, str]] = {code: (label, "core") for code, label in CORE_PERMISSIONS.items()}
    roles: list[tuple[RoleSpec, str]] = [(r, "core") for r in CORE_ROLES]
    for manifest in registry.manifests:
        declared.update({code: (label, manifest.name) for code, label in manifest.permissions.items()})
        roles.extend((r, manifest.name) for r in manifest.roles)
    existing = {p.code: p for p in session.scalars(select(Permission))}
    for code, (label, plugin) in declared.items():
        perm = existing.get(code) or Permission(code=code)
        perm.label, perm.plugin = label, plugin
        existing[code] = perm
        session.add(perm)
    known_roles = {r.code: r for r in session.scalars(select(Role))}
    for spec, plugin in roles:
        role = known_roles.get(spec.code) or Role(code=spec.code)
        role.label, role.plugin = spec.label, plugin
        role.permissions = [existing[p] for p in spec.permissions]
        session.add(role)
    session.flush()


@dataclass
class AccessContext:
    """A user's permissions, each mapped to the set of unit ids where it holds."""

    user_id: int | None
    units_by_permission: dict[str, frozenset[int]] = field(default_factory=dict)
    member_units: frozenset[int] = frozenset()

    @classmethod
    def for_user(cls, session: Session, user: User | None) -> "AccessContext":
        if user is None:
            return cls(None)
        rows = session.execute(
            select(Membership.unit_id, Membership.include_subunits, Permission.code)
            .join(Role, Role.id == Membership.role_id)
            .outerjoin(role_permission, role_permission.c.role_id == Role.id)
            .outerjoin(Permission, Permission.id == role_permission.c.permission_id)
            .where(Membership.user_id == user.id)
        ).all()
        tree = UnitTree.load(session) if any(sub for _, sub, _ in rows) else None
        by_perm: dict[str, set[int]] = {}
        members: set[int] = set()
        for unit_id, include_subunits, code in rows:
            covered = tree.subtree(unit_id) if include_subunits and tree else {unit_id}
            members |= covered
            if code:
                by_perm.setdefault(code, set()).update(covered)
        return cls(user.id, {k: frozenset(v) for k, v in by_perm.items()}, frozenset(members))

    def units_with(self, permission: str) -> frozenset[int]:
        return self.units_by_permission.get(permission, frozenset())

    def can(self, permission: str, unit_id: int | None = None) -> bool:
        units = self.units_with(permission)
        return bool(units) if unit_id is None else unit_id in units
