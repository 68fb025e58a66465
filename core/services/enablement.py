"""Per-unit enablement of plugins, honouring ``depends`` in both directions."""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.models import PluginEnablement, PluginState, Unit
from core.plugins import EnablementSnapshot, PluginRegistry
from core.services import ServiceError
from core.services.units import UnitTree


class MissingDependencies(ServiceError):
    """Enabling needs other plugins enabled first; ``missing`` names them, ``unit`` is where."""

    def __init__(self, message: str, plugin: str, unit: Unit, missing: list[str]):
        super().__init__(message)
        self.plugin, self.unit, self.missing = plugin, unit, missing


def enabled_units(session: Session, plugin: str) -> list[Unit]:
    return list(session.scalars(
        select(Unit).join(PluginEnablement, PluginEnablement.unit_id == Unit.id)
        .where(PluginEnablement.plugin == plugin).order_by(Unit.code)
    ))


def is_enabled(session: Session, plugin: str, unit_id: int) -> bool:
    return plugin in EnablementSnapshot.of(session).plugins_for([unit_id])


def missing_dependencies(session: Session, registry: PluginRegistry, plugin: str, unit: Unit) -> list[str]:
    """Dependencies (transitively, in install order) not yet enabled for ``unit``."""
    needed: list[str] = []

    def visit(name: str) -> None:
        for dep in registry.get(name).depends:
            visit(dep)
            if dep not in needed and not is_enabled(session, dep, unit.id):
                needed.append(dep)

    visit(plugin)
    return needed


def _enable_one(session: Session, registry: PluginRegistry, plugin: str, unit: Unit) -> bool:
    if is_enabled(session, plugin, unit.id):
        return False
    session.add(PluginEnablement(plugin=plugin, unit_id=unit.id))
    session.flush()
    EnablementSnapshot.invalidate(session)
    registry.call_one(plugin, "on_unit_enabled", session=session, unit=unit)
    return True


def enable_plugin(session: Session, registry: PluginRegistry, plugin: str, unit: Unit,
                  with_subunits: bool = False, with_dependencies: bool = False) -> list[tuple[str, str]]:
    """Enable ``plugin`` for ``unit`` (and its sub-units); return the (plugin, unit code) pairs enabled."""
    manifest = registry.get(plugin)
    if session.get(PluginState, plugin) is None:
        raise ServiceError(
            f"Phân hệ {manifest.label!r} chưa được cài đặt vào cơ sở dữ liệu; chạy 'cchc db upgrade' trước "
            f"(plugin {plugin!r} is not migrated)"
        )
    targets = [unit]
    if with_subunits:
        subtree = UnitTree.load(session).subtree(unit.id) - {unit.id}
        targets += list(session.scalars(select(Unit).where(Unit.id.in_(subtree)).order_by(Unit.code)))
    done: list[tuple[str, str]] = []
    for target in targets:
        missing = missing_dependencies(session, registry, plugin, target)
        if missing and not with_dependencies:
            raise MissingDependencies(
                f"Phân hệ {manifest.label!r} cần bật trước cho đơn vị {target.code}: {', '.join(missing)} "
                f"(missing dependencies; enable them too with --with-dependencies)",
                plugin, target, missing,
            )
        for name in [*missing, plugin]:
            if _enable_one(session, registry, name, target):
                done.append((name, target.code))
    return done


def disable_plugin(session: Session, registry: PluginRegistry, plugin: str, unit: Unit) -> bool:
    """Disable ``plugin`` for ``unit``; its data is kept. Refused while a dependant is enabled there."""
    manifest = registry.get(plugin)
    blocking = [d for d in registry.dependants(plugin) if is_enabled(session, d, unit.id)]
    if blocking:
        raise ServiceError(
            f"Không thể tắt {manifest.label!r} cho đơn vị {unit.code}: các phân hệ {', '.join(blocking)} "
            f"đang dùng nó (plugins {blocking} depend on it there; disable them first)"
        )
    row = session.scalar(select(PluginEnablement).where(
        PluginEnablement.plugin == plugin, PluginEnablement.unit_id == unit.id))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    EnablementSnapshot.invalidate(session)
    registry.call_one(plugin, "on_unit_disabled", session=session, unit=unit)
    return True


def forget_plugin(session: Session, plugin: str) -> None:
    """After a purge: drop the plugin's enablement rows and install state."""
    session.execute(delete(PluginEnablement).where(PluginEnablement.plugin == plugin))
    session.execute(delete(PluginState).where(PluginState.name == plugin))
    EnablementSnapshot.invalidate(session)
