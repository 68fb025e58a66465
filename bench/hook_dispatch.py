"""Dispatch through ``core.plugins.dispatch_for_units`` vs a raw pluggy hook call, same plugins, same run.

Prints per-call times and ratios; asserts nothing about time (target: warm ratio <= 1.5x).

* warm: the enablement snapshot is already on the session, as within a request after the first dispatch;
* cold: the snapshot is dropped before every call, so each dispatch pays its one query.

The plugins are built on the fly with trivial hook implementations, so that the numbers measure the
dispatch machinery, not the plugins' own queries. Usage: ``python bench/hook_dispatch.py [--plugins N]``.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import timeit
import types
from pathlib import Path

import pluggy

from core import hookspecs, migrate
from core.events import Event
from core.plugins import EnablementSnapshot, PluginRegistry, dispatch_for_units, hookimpl
from core.services.enablement import enable_plugin
from core.services.units import create_unit
from core.settings import load_settings
from core.state import CoreState

UNITS_PER_CALL = 3


def make_plugin(index: int) -> types.ModuleType:
    """A plugin package ``bench_plugin_<i>`` with a ``plugin`` submodule implementing three hooks."""
    name = f"bench_plugin_{index}"
    package = types.ModuleType(name)
    package.MANIFEST = {"name": name, "version": "1.0", "label": f"Bench {index}"}
    hooks = types.ModuleType(f"{name}.plugin")

    @hookimpl
    def dashboard_cards(session, user, units):
        return [len(units)]

    @hookimpl
    def report_metrics(session, period, units):
        return [index]

    @hookimpl
    def handle_event(session, event):
        return None

    hooks.dashboard_cards, hooks.report_metrics, hooks.handle_event = dashboard_cards, report_metrics, handle_event
    sys.modules[name], sys.modules[f"{name}.plugin"] = package, hooks
    return package


def build_state(workdir: Path, n_plugins: int) -> CoreState:
    settings = load_settings(environ={}, overrides={
        "app": {"secret_key": "bench"}, "database": {"url": f"sqlite:///{workdir / 'bench.sqlite3'}"}})
    state = CoreState.build(settings, PluginRegistry([make_plugin(i) for i in range(n_plugins)]))
    migrate.upgrade(state.db, state.registry)
    with state.transaction() as session:
        root = create_unit(session, "ROOT", "Bench root", "office")
        for i in range(UNITS_PER_CALL + 1):
            create_unit(session, f"U{i}", f"Unit {i}", "department", root)
        for manifest in state.registry.manifests:
            enable_plugin(session, state.registry, manifest.name, root, with_subunits=True)
        half = create_unit(session, "HALF", "Half of the plugins", "office")
        for i in range(UNITS_PER_CALL):
            create_unit(session, f"H{i}", f"Half {i}", "department", half)
        for manifest in state.registry.manifests[: n_plugins // 2]:
            enable_plugin(session, state.registry, manifest.name, half, with_subunits=True)
    return state


def raw_manager(registry: PluginRegistry, names: list[str]) -> pluggy.PluginManager:
    """A plain pluggy manager holding only ``names``: the raw baseline for a partly enabled set."""
    pm = pluggy.PluginManager("cchc")
    pm.add_hookspecs(hookspecs)
    for name in names:
        pm.register(registry.plugins[name].hooks, name=name)
    return pm


def per_call(fn, number: int, repeat: int) -> float:
    """Best-of-``repeat`` seconds per call (the least disturbed measurement)."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def paired(raw, ours, number: int, repeat: int) -> tuple[float, float]:
    """Best per-call times of ``raw`` and ``ours``, measured alternately so that load hits both alike."""
    raw_best = ours_best = float("inf")
    for _ in range(repeat):
        raw_best = min(raw_best, timeit.timeit(raw, number=number))
        ours_best = min(ours_best, timeit.timeit(ours, number=number))
    return raw_best / number, ours_best / number


def run(n_plugins: int = 8, number: int = 2_000, repeat: int = 30) -> list[tuple[str, float, float]]:
    from sqlalchemy import select

    from core.models import Unit

    with tempfile.TemporaryDirectory(prefix="cchc-bench-") as tmp:
        state = build_state(Path(tmp), n_plugins)
        session = state.prepare(state.db.session())
        units = list(session.scalars(select(Unit).where(Unit.code.like("U%")).order_by(Unit.code)))[:UNITS_PER_CALL]
        halves = list(session.scalars(select(Unit).where(Unit.code.like("H%")).order_by(Unit.code)))
        hook = state.registry.pm.hook
        half_hook = raw_manager(state.registry, [m.name for m in state.registry.manifests[: n_plugins // 2]]).hook
        event, half_event = Event("bench.happened", units[0].id), Event("bench.happened", halves[0].id)
        EnablementSnapshot.of(session)  # warm: loaded once, as the first dispatch of a request does

        cases = [
            ("dashboard_cards (per-unit)",
             lambda: hook.dashboard_cards(session=session, user=None, units=units),
             lambda: dispatch_for_units(session, "dashboard_cards", units, user=None)),
            ("report_metrics (per-unit)",
             lambda: hook.report_metrics(session=session, period=None, units=units),
             lambda: dispatch_for_units(session, "report_metrics", units, period=None)),
            ("handle_event (subset caller)",
             lambda: hook.handle_event(session=session, event=event),
             lambda: dispatch_for_units(session, "handle_event", units[:1], event=event)),
            ("dashboard_cards, half enabled",
             lambda: half_hook.dashboard_cards(session=session, user=None, units=halves),
             lambda: dispatch_for_units(session, "dashboard_cards", halves, user=None)),
            ("handle_event, half enabled",
             lambda: half_hook.handle_event(session=session, event=half_event),
             lambda: dispatch_for_units(session, "handle_event", halves[:1], event=half_event)),
        ]
        rows = []
        for label, raw, ours in cases:
            raw_t, ours_t = paired(raw, ours, number, repeat)
            rows.append((f"{label}: warm", raw_t, ours_t))

        def cold():
            EnablementSnapshot.invalidate(session)
            return dispatch_for_units(session, "dashboard_cards", units, user=None)

        raw = lambda: hook.dashboard_cards(session=session, user=None, units=units)  # noqa: E731
        rows.append(("dashboard_cards: cold (incl. snapshot query)", per_call(raw, number, repeat),
                     per_call(cold, max(number // 50, 100), repeat)))
        session.close()
        state.db.dispose()
    return rows


def report(rows, n_plugins: int) -> None:
    print(f"Hook dispatch: {n_plugins} plugins, {UNITS_PER_CALL} units per call, best of repeats, per call;")
    print("  the raw pluggy baseline holds the plugins that are enabled for those units")
    print(f"  {'case':<46} {'raw pluggy':>11} {'dispatch':>11} {'ratio':>7}")
    for label, raw_t, ours_t in rows:
        print(f"  {label:<46} {raw_t * 1e6:>9.2f}µs {ours_t * 1e6:>9.2f}µs {ours_t / raw_t:>6.2f}x")
    warm = [ours_t / raw_t for label, raw_t, ours_t in rows if label.endswith("warm")]
    print(f"  warm ratio: median {statistics.median(warm):.2f}x, worst {max(warm):.2f}x (target <= 1.5x)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plugins", type=int, default=8)
    parser.add_argument("--number", type=int, default=2_000, help="calls per timing")
    parser.add_argument("--repeat", type=int, default=30, help="timings per case (best is kept)")
    args = parser.parse_args(argv)
    report(run(args.plugins, args.number, args.repeat), args.plugins)


if __name__ == "__main__":
    main()
