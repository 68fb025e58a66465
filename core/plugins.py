"""Plugin discovery (entry-point group ``cchc.plugins``), ordering and hook dispatch.

Built-in programmes and third-party plugins are found the same way. ``dispatch_for_units`` is the
one helper that calls a hook on the plugins enabled for given units.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
import inspect
from typing import Any, Iterable, Sequence

import pluggy
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import hookspecs
from core.manifest import Manifest, PluginError
from core.models import PluginEnablement, Unit

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
        ordered = order_manifests(Manifest.from_module(m) for m in self.modules)
        self.pm = pluggy.PluginManager("cchc")
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, LoadedPlugin] = {}
        for manifest in ordered:
            try:
                hooks = importlib.import_module(f"{manifest.module}.plugin")
            except Exception as exc:  # named, like a broken entry point, instead of a traceback
                raise PluginError(
                    f"Plugin {manifest.name!r}: its hook module {manifest.module}.plugin failed to import: {exc}"
                ) from exc
            self.pm.register(hooks, name=manifest.name)
            self.plugins[manifest.name] = LoadedPlugin(manifest, hooks)
        self.pm.check_pending()
        self._callers: dict[tuple[str, frozenset[str]], Any] = {}
        self._impls: dict[str, dict[str, tuple[Any, tuple[str, ...]]]] = {}
        self._managers: dict[frozenset[str], pluggy.PluginManager] = {}

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

    def package_dirs(self, subdir: str) -> list[str]:
        """Existing ``<plugin package>/<subdir>`` folders (templates, translations), in plugin order."""
        found = []
        for manifest in self.manifests:
            source = getattr(importlib.import_module(manifest.module), "__file__", None)
            folder = Path(source).parent / subdir if source else None  # in-memory packages have no folder
            if folder is not None and folder.is_dir():
                found.append(str(folder))
        return found

    def dependants(self, name: str) -> list[str]:
        return [m.name for m in self.manifests if name in m.depends]

    def impls(self, hook: str) -> dict[str, tuple[Any, tuple[str, ...]]]:
        """``{plugin: (function, argument names)}`` for ``hook``, in dependency order (cached)."""
        found = self._impls.get(hook)
        if found is None:
            by_plugin = {i.plugin_name: (i.function, tuple(i.argnames)) for i in getattr(self.pm.hook, hook).get_hookimpls()}
            found = self._impls[hook] = {name: by_plugin[name] for name in self.plugins if name in by_plugin}
        return found

    def call_each(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call ``hook`` on every installed plugin separately, keeping who returned what.

        Like pluggy, each implementation gets only the arguments it declares.
        """
        return [(name, fn(*[kwargs[a] for a in argnames])) for name, (fn, argnames) in self.impls(hook).items()]

    def call_one(self, plugin: str, hook: str, **kwargs: Any) -> Any:
        impl = self.impls(hook).get(plugin)
        return impl[0](*[kwargs[a] for a in impl[1]]) if impl else None

    def subset_caller(self, hook: str, enabled: frozenset[str]) -> Any:
        """A pluggy caller of ``hook`` over the plugins in ``enabled`` only, cached per set.

        When every implementer is enabled this is the plain caller. Otherwise it belongs to a
        plugin manager holding just the enabled plugins (registered in the same order), rather than
        pluggy's subset caller, which filters the implementations again on every call.
        """
        key = (hook, enabled)
        caller = self._callers.get(key)
        if caller is None:
            full = getattr(self.pm.hook, hook)
            if {i.plugin_name for i in full.get_hookimpls()} <= enabled:
                caller = full
            else:
                caller = getattr(self._manager_for(frozenset(n for n in self.plugins if n in enabled)).hook, hook)
            self._callers[key] = caller
        return caller

    def _manager_for(self, names: frozenset[str]) -> pluggy.PluginManager:
        pm = self._managers.get(names)
        if pm is None:
            pm = self._managers[names] = pluggy.PluginManager("cchc")
            pm.add_hookspecs(hookspecs)
            for name in self.plugins:
                if name in names:
                    pm.register(self.plugins[name].hooks, name=name)
        return pm


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
        self._plans: dict[tuple[str, tuple[int, ...]], Any] = {}
        self._plans_registry: PluginRegistry | None = None  # the registry the cached plans were made with

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

    def plan(self, registry: "PluginRegistry", hook: str, ids: tuple[int, ...]) -> Any:
        """How to dispatch ``hook`` for ``ids``, computed once per snapshot (see ``dispatch_for_units``).

        ``None`` when no plugin is enabled there; a pluggy caller for hooks without ``units``; else a
        tuple of ``(function, argument names, positions in ids or None for all)`` in dependency order.
        """
        if self._plans_registry is not registry:
            self._plans, self._plans_registry = {}, registry
        key = (hook, ids)
        if key in self._plans:
            return self._plans[key]
        enabled = self.plugins_for(ids)
        if not enabled:
            plan = None
        elif hook not in HOOKS_TAKING_UNITS:
            plan = registry.subset_caller(hook, enabled)
        else:
            steps = []
            for name, (fn, argnames) in registry.impls(hook).items():
                if name in enabled:
                    where = tuple(i for i, uid in enumerate(ids) if name in self.by_unit.get(uid, ()))
                    steps.append((fn, argnames, None if len(where) == len(ids) else where))
            plan = tuple(steps)
        self._plans[key] = plan
        return plan


REGISTRY_KEY = "cchc.registry"
_NO_PLAN = object()


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
    per plugin and in dependency order, only those of ``units`` where that plugin is enabled (as
    ``Unit`` objects, loaded when ids were given), and their list results are concatenated; other
    hooks are called once through a cached pluggy subset caller. The plan for a given hook and units
    is cached on the session's enablement snapshot, so repeated dispatch in a request is cheap.
    """
    info = session.info
    registry = info.get(REGISTRY_KEY) or registry_of(session)
    snapshot = info.get(EnablementSnapshot.INFO_KEY) or EnablementSnapshot.of(session)
    # A loaded ORM object keeps its column values in __dict__; reading it skips the instrumented
    # attribute (a third of the dispatch overhead); ``u.id`` still loads an expired object.
    ids = tuple([u if type(u) is int else (u.__dict__.get("id") or u.id) for u in units])
    plan = snapshot._plans.get((hook, ids), _NO_PLAN) if snapshot._plans_registry is registry else _NO_PLAN
    if plan is _NO_PLAN:  # the inlined lookup above saves a method call on the hot path
        plan = snapshot.plan(registry, hook, ids)
    if plan is None:
        return []
    kwargs["session"] = session
    if type(plan) is not tuple:
        return plan(**kwargs)
    if int in map(type, units):
        units = [session.get(Unit, u) if type(u) is int else u for u in units]
    every = list(units)  # shared, as pluggy shares arguments, by the plugins enabled for all of them
    results: list[Any] = []
    for fn, argnames, where in plan:
        kwargs["units"] = every if where is None else [every[i] for i in where]
        found = fn(*[kwargs[a] for a in argnames])
        if found:
            results.extend(found)
    return results
