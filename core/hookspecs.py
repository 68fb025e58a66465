"""The one contract between the core and every plugin.

Each hook below is documented here; this module is the reference for plugin authors and the README
lists every hook (a test checks that). Implement a hook with ``@core.toolkit.hookimpl`` in your
plugin's ``plugin.py``. Unless a hook says otherwise it is *collected*: every enabled plugin's
return value is gathered into a list (``None`` results are dropped by pluggy).

Hooks marked *per unit* are dispatched by ``core.plugins.dispatch_for_units`` only to the plugins
enabled for at least one of the given units; the others are called for every installed plugin.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from datetime import date

    import click
    from flask import Blueprint, Flask
    from flask_admin import BaseView
    from sqlalchemy.orm import Session

    from core.events import Event
    from core.models import Unit, User
    from core.reports import DashboardCard, Metric, Period, ReportSection
    from core.scheduling.types import CalendarEvent, JobSpec

hookspec = pluggy.HookspecMarker("cchc")


# ---------------------------------------------------------------------------------------------
# Registration: called once while the application (or the CLI) is built, for every installed plugin.
# ---------------------------------------------------------------------------------------------

@hookspec
def register_admin_views(session: "Session") -> "list[BaseView]":
    """Return the back-office views of this plugin.

    Called once per application, for every installed plugin, in dependency order.
    ``session`` is the application's scoped session, to hand to model views.
    Return a list of Flask-Admin views, normally subclasses of ``core.toolkit.ScopedModelView``.
    The core puts them under one menu category named after the plugin's label and shows them only
    to users whose units have the plugin enabled; the views themselves re-check that on every request.
    """


@hookspec
def register_blueprints(app: "Flask") -> "list[Blueprint]":
    """Return Flask blueprints (public pages, JSON APIs) to register on the application.

    Called once per application for every installed plugin. ``app`` is the application being
    built (read its config, do not register on it yourself). Return a list of blueprints; their
    names must start with the plugin's name.
    """


@hookspec
def register_cli(cli: "click.Group") -> None:
    """Add the plugin's click commands to the ``cchc`` command group.

    Called once when the CLI starts, for every installed plugin. ``cli`` is the root group; add
    one sub-group named after the plugin (``cli.add_command(my_group)``). Return nothing.
    """


# ---------------------------------------------------------------------------------------------
# Data and unit lifecycle.
# ---------------------------------------------------------------------------------------------

@hookspec
def demo_data(session: "Session", units: "dict[str, Unit]") -> None:
    """Create the plugin's demo records; called by ``cchc demo`` after the demo organisation exists.

    ``units`` maps unit codes to the demo units, which already have the plugin enabled. Must be
    idempotent: a second ``cchc demo`` creates nothing new. Do not commit; the core does.
    """


@hookspec
def on_unit_enabled(session: "Session", unit: "Unit") -> None:
    """Called for this plugin only, right after an admin enables it for ``unit``.

    Use it to seed per-unit defaults. Runs in the enabling transaction: raising refuses the enablement.
    """


@hookspec
def on_unit_disabled(session: "Session", unit: "Unit") -> None:
    """Called for this plugin only, right after it is disabled for ``unit``.

    The plugin's data for the unit is kept; stop anything running for it. Runs in the same
    transaction: raising refuses the disablement.
    """


# ---------------------------------------------------------------------------------------------
# Scheduling.
# ---------------------------------------------------------------------------------------------

@hookspec
def register_jobs() -> "list[JobSpec]":
    """Return the plugin's recurring jobs as ``core.toolkit.JobSpec`` values.

    Called once when the job runner (``cchc jobs run``) or ``cchc jobs list`` starts, for every
    installed plugin. Each job's function receives a ``JobContext`` whose ``units`` are the units
    where the plugin is enabled; the runner commits its session, or rolls it back and records the
    error if the function raises, and retries later.
    """


@hookspec
def calendar_events(session: "Session", start: "date", end: "date", units: "list[Unit]") -> "list[CalendarEvent]":
    """Return the programme's deadlines and events between ``start`` and ``end`` (inclusive) (per unit).

    ``units`` are those of the requested units where the plugin is enabled. Return
    ``core.toolkit.CalendarEvent`` values; they appear on the shared calendar page and in the
    personal ``.ics`` feeds, so give each a stable ``uid``.
    """


# ---------------------------------------------------------------------------------------------
# Events between programmes.
# ---------------------------------------------------------------------------------------------

@hookspec
def handle_event(session: "Session", event: "Event") -> None:
    """React to an event emitted with ``core.events.emit`` (per unit: enabled for ``event.unit_id``).

    Runs inside the emitter's transaction and session: write with ``session``, do not commit. An
    exception rolls back the whole change, and the emitter receives ``core.events.EventHandlerError``
    naming this plugin.
    """


# ---------------------------------------------------------------------------------------------
# Reports and the home page (per unit).
# ---------------------------------------------------------------------------------------------

@hookspec
def report_sections(session: "Session", period: "Period", units: "list[Unit]") -> "list[ReportSection]":
    """Return this programme's sections of the administrative reform report for ``period``.

    ``units`` are the units the report covers where the plugin is enabled. Return a list of
    ``core.toolkit.ReportSection`` built from live data; the core orders them by ``order``.
    """


@hookspec
def report_metrics(session: "Session", period: "Period", units: "list[Unit]") -> "list[Metric]":
    """Return named figures that other programmes may show (e.g. a one-stop on-time rate).

    ``units`` as in ``report_sections``. Return ``core.toolkit.Metric`` values whose ``name`` is
    prefixed with the plugin's name (``onestop.on_time_rate``).
    """


@hookspec
def dashboard_cards(session: "Session", user: "User", units: "list[Unit]") -> "list[DashboardCard]":
    """Return cards for ``user``'s home page, about ``units`` (the user's units where the plugin is enabled).

    Return a list of ``core.toolkit.DashboardCard``; keep each to a single cheap query.
    """


HOOK_NAMES: tuple[str, ...] = tuple(
    name for name, value in list(globals().items()) if callable(value) and hasattr(value, "cchc_spec")
)
