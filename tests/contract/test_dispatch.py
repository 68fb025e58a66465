"""``core.plugins.dispatch_for_units``: the one per-unit dispatch helper, with plugins built on the fly."""
import sys
import types

import pytest
from sqlalchemy import select

from core.models import Unit
from core.plugins import dispatch_for_units, hookimpl
from core.services.enablement import disable_plugin, enable_plugin

SEEN: list[tuple[str, list[str]]] = []


@pytest.fixture
def plugins(monkeypatch, tmp_path):
    """``first`` and ``second`` (depends on first); their hooks declare only some of the arguments."""
    SEEN.clear()

    def build(name: str, *depends: str) -> types.ModuleType:
        package = types.ModuleType(f"dispatch_{name}")
        package.__file__ = str(tmp_path / package.__name__ / "__init__.py")
        package.MANIFEST = {"name": name, "version": "1", "label": name, "depends": list(depends)}
        hooks = types.ModuleType(f"{package.__name__}.plugin")

        @hookimpl
        def report_metrics(units):  # no session, no period: pluggy passes only what is declared
            SEEN.append((name, [u.code for u in units]))
            return [f"{name}:{u.code}" for u in units]

        @hookimpl
        def handle_event(event):
            return name

        hooks.report_metrics, hooks.handle_event = report_metrics, handle_event
        monkeypatch.setitem(sys.modules, package.__name__, package)
        monkeypatch.setitem(sys.modules, hooks.__name__, hooks)
        return package

    return [build("second", "first"), build("first")]


@pytest.fixture
def state(make_app, plugins):
    return make_app(plugins=plugins).extensions["cchc"]


def units(session, *codes):
    return list(session.scalars(select(Unit).where(Unit.code.in_(codes)).order_by(Unit.code)))


def test_each_plugin_gets_only_its_enabled_units_in_dependency_order(state, unit_factory):
    unit_factory("A", plugins=("first",))
    unit_factory("B", plugins=("first", "second"))
    unit_factory("C")
    with state.transaction() as s:
        found = dispatch_for_units(s, "report_metrics", units(s, "C", "B", "A"), period=None)
        assert found == ["first:A", "first:B", "second:B"]  # dependency order, then the units' order
        assert SEEN == [("first", ["A", "B"]), ("second", ["B"])]


def test_unit_ids_reach_the_plugins_as_units(state, unit_factory):
    a = unit_factory("A", plugins=("first",))
    with state.transaction() as s:
        assert dispatch_for_units(s, "report_metrics", [a.id], period=None) == ["first:A"]


def test_enablement_changes_in_the_same_session_are_seen_at_once(state, unit_factory):
    unit_factory("A")
    with state.transaction() as s:
        [a] = units(s, "A")
        assert dispatch_for_units(s, "report_metrics", [a], period=None) == []
        enable_plugin(s, state.registry, "first", a)
        assert dispatch_for_units(s, "report_metrics", [a], period=None) == ["first:A"]
        disable_plugin(s, state.registry, "first", a)
        assert dispatch_for_units(s, "report_metrics", [a], period=None) == []


def test_hooks_without_units_go_to_the_enabled_plugins_only(state, unit_factory):
    unit_factory("A", plugins=("first",))
    unit_factory("B", plugins=("first", "second"))
    with state.transaction() as s:
        assert dispatch_for_units(s, "handle_event", units(s, "A"), event=None) == ["first"]
        assert sorted(dispatch_for_units(s, "handle_event", units(s, "A", "B"), event=None)) == ["first", "second"]
        assert dispatch_for_units(s, "handle_event", [], event=None) == []


def test_call_each_passes_declared_arguments_in_dependency_order(state):
    assert state.registry.call_each("handle_event", session=None, event=None) == [("first", "first"), ("second", "second")]
    assert state.registry.call_one("second", "handle_event", session=None, event=None) == "second"
