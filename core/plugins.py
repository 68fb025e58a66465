"""Plugin discovery (entry-point group ``cchc.plugins``), ordering and hook dispatch.

Built-in programmes and third-party plugins are found the same way. ``dispatch_for_units`` is the
one helper that calls a hook on the plugins enabled for given units.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from importlib.metadata import entry_points
from types import ModuleType
import inspect
from typing import Any, Iterable, Sequence

import pluggy
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import hookspecs
from core.manifest import Manifest, PluginError
from core.models import PluginEnablement

ENTRY_POINT_GROUP = "cchc.plugins"
hookimpl = pluggy.HookimplMarker("cchc")
HOOKS_TAKING_UNITS = frozenset(
    name for name in hookspecs.HOOK_NAMES if "units" in inspect.signature(getattr(hookspecs, name)).parameters
)


@dataclass(frozen=True)
class LoadedPlugin:
    manifest: Manifest
    hooks: ModuleType

    @property
    def name(self) -> str:
        return self.manifest.name


def discover_modules() -> list[ModuleType]:
    modules = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            modules.append(ep.load())
        except Exception as exc:  # a broken third-party plugin must be named, not crash with a traceback
            raise PluginError(f"Plugin entry point {ep.name!r} ({ep.value}) failed to load: {exc}") from exc
    return modules


def order_manifests(manifests: Iterable[Manifest]) -> list[Manifest]:
    """Topological order over ``depends``; fail naming a missing dependency or a cycle."""
    by_name: dict[str, Manifest] = {}
    for manifest in manifests:
        if manifest.name in by_name:
            raise PluginError(f"Two plugins are named {manifest.name!r} ({by_name[manifest.name].module}, {manifest.module})")
        by_name[manifest.name] = manifest
    for manifest in by_name.values():
        missing = [dep for dep in manifest.depends if dep not in by_name]
        if missing:
            raise PluginError(
                f"Plugin {manifest.name!r} depends on {', '.join(map(repr, missing))}, which is not installed"
            )
    sorter = TopologicalSorter({m.name: set(m.depends) for m in sorted(by_name.values(), key=lambda m: m.name)})
    try:
        return [by_name[name] for name in sorter.static_order()]
    except CycleError as exc:
        cycle = " -> ".join(exc.args[1])
        raise PluginError(f"Plugin dependency cycle: {cycle}") from None


class PluginRegistry:
    """The installed plugins, in dependency order, registered with one pluggy manager."""

    def __init__(self, modules: Iterable[ModuleType]):
        self.modules = list(modules)
        manifests = {Manifest.from_module(m).name: m for m in self.modules}
        ordered = order_manifests(Manifest.from_module(m) for m in manifests.values())
        self.pm = pluggy.PluginManager("cchc")
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, LoadedPlugin] = {}
        for manifest in ordered:
            hooks = importlib.import_module(f"{manifest.module}.plugin")
            self.pm.register(hooks, name=manifest.name)
            self.plugins[manifest.name] = LoadedPlugin(manifest, hooks)
        self.pm.check_pending()
        self._callers: dict[tuple[str, frozenset[str]], Any] = {}

    @classmethod
    def discover(cls) -> "PluginRegistry":
        return cls(discover_modules())

    @property
    def manifests(self) -> list[Manifest]:
        return [p.manifest for p in self.plugins.values()]

    def get(self, name: str) -> Manifest:
        try:
            return self.plugins[name].manifest
        except KeyError:
            raise PluginError(f"Không có phân hệ (plugin) tên {name!r}; có: {', '.join(self.plugins) or '(none)'}") from None

    def hooks_implemented(self, name: str) -> list[str]:
        plugin = self.pm.get_plugin(name)
        return sorted(hc.name for hc in self.pm.get_hookcallers(plugin) or [])

    def dependants(self, name: str) -> list[str]:
        return [m.name for m in self.manifests if name in m.depends]

    def call_each(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call ``hook`` on every installed plugin separately, keeping who returned what."""
        results = []
        for impl in reversed(getattr(self.pm.hook, hook).get_hookimpls()):
            results.append((impl.plugin_name, impl.function(**kwargs)))
        return results

    def call_one(self, plugin: str, hook: str, **kwargs: Any) -> Any:
        impl = next((i for i in getattr(self.pm.hook, hook).get_hookimpls() if i.plugin_name == plugin), None)
        return impl.function(**kwargs) if impl else None

    def dispatch(self, hook: str, enabled: frozenset[str], **kwargs: Any) -> list[Any]:
        """Call ``hook`` on the plugins named in ``enabled`` only (cached pluggy subset callers)."""
        key = (hook, enabled)
        caller = self._callers.get(key)
        if caller is None:
            excluded = [self.pm.get_plugin(n) for n in self.plugins if n not in enabled]
            caller = self.pm.subset_hook_caller(hook, excluded)
            self._callers[key] = caller
        return caller(**kwargs)


class EnablementSnapshot:
    """Which plugins are enabled for which units, read in one query per session.

    Kept on ``session.info`` so that a request reads it once, and dropped whenever enablement
    changes in that session; another process sees the change on its next session.
    """

    INFO_KEY = "cchc.enablement"

    def __init__(self, rows: Iterable[tuple[str, int]]):
        self.by_unit: dict[int, set[str]] = {}
        for plugin, unit_id in rows:
            self.by_unit.setdefault(unit_id, set()).add(plugin)
        self._cache: dict[frozenset[int], frozenset[str]] = {}

    @classmethod
    def of(cls, session: Session) -> "EnablementSnapshot":
        snapshot = session.info.get(cls.INFO_KEY)
        if snapshot is None:
            rows = session.execute(select(PluginEnablement.plugin, PluginEnablement.unit_id)).all()
            snapshot = session.info[cls.INFO_KEY] = cls(rows)
        return snapshot

    @classmethod
    def invalidate(cls, session: Session) -> None:
        session.info.pop(cls.INFO_KEY, None)

    def plugins_for(self, unit_ids: Iterable[int]) -> frozenset[str]:
        key = frozenset(unit_ids)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = frozenset().union(*(self.by_unit.get(u, ()) for u in key))
        return found

    def units_with(self, plugin: str, among: Iterable[int]) -> list[int]:
        return [u for u in among if plugin in self.by_unit.get(u, ())]


REGISTRY_KEY = "cchc.registry"


def bind_registry(session: Session, registry: PluginRegistry) -> None:
    session.info[REGISTRY_KEY] = registry


def registry_of(session: Session) -> PluginRegistry:
    try:
        return session.info[REGISTRY_KEY]
    except KeyError:
        raise RuntimeError("session was not prepared by CoreState.prepare (no plugin registry bound)") from None


def dispatch_for_units(session: Session, hook: str, units: Sequence[Any], **kwargs: Any) -> list[Any]:
    """Call ``hook`` on the plugins enabled for at least one of ``units``: the one dispatch helper.

    ``units`` holds ``Unit`` objects or unit ids. Hooks whose spec takes a ``units`` argument get,
    per plugin, only those of ``units`` where that plugin is enabled; other hooks are called once
    through a cached pluggy subset caller.
    """
    registry = registry_of(session)
    snapshot = EnablementSnapshot.of(session)
    ids = [u if isinstance(u, int) else u.id for u in units]
    enabled = snapshot.plugins_for(ids)
    if not enabled:
        return []
    if hook not in HOOKS_TAKING_UNITS:
        return registry.dispatch(hook, enabled, session=session, **kwargs)
    results: list[Any] = []
    for name in registry.plugins:
        if name in enabled:
            mine = [u for u, uid in zip(units, ids) if name in snapshot.by_unit.get(uid, ())]
            found = registry.call_one(name, hook, session=session, units=mine, **kwargs)
            results.extend(found or [])
    return results
