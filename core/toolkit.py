"""The stable facade for plugin authors: import from here, not from core internals.

Everything a plugin needs from the core is re-exported here; when a plugin needs something new,
it is added here (documented) rather than imported from deeper inside ``core``.
"""
from core.audit import Actor, record_transition
from core.events import Event, EventHandlerError, emit
from core.manifest import Manifest, PluginError
from core.models import Audited, Base, Timestamped, Unit, User
from core.notifications import notify
from core.plugins import dispatch_for_units, hookimpl
from core.reports import DashboardCard, Metric, Period, ReportSection
from core.scheduling.types import CalendarEvent, JobContext, JobSpec
from core.services import ServiceError
from core.services.enablement import is_enabled
from core.services.units import UnitTree, get_unit
from core.state import settings_of
from core.scheduling.calendar_service import calendar_for, hours_for_unit
from core.settings import Settings
from core.rules import RuleError, rules_for


def __getattr__(name: str):
    # Web classes are imported lazily so that services and jobs can use the toolkit without Flask.
    if name == "ScopedModelView":
        from core.admin.base import ScopedModelView
        return ScopedModelView
    if name in ("gettext", "lazy_gettext"):
        import flask_babel
        return getattr(flask_babel, name)
    raise AttributeError(name)


__all__ = [
    "Actor", "Audited", "Base", "CalendarEvent", "DashboardCard", "JobContext", "JobSpec", "Event", "EventHandlerError", "Manifest", "Metric",
    "Period", "PluginError", "ReportSection", "ScopedModelView", "ServiceError", "Timestamped", "Unit", "UnitTree", "User",
    "RuleError", "Settings", "calendar_for", "hours_for_unit", "dispatch_for_units", "emit", "rules_for", "settings_of", "get_unit", "hookimpl", "is_enabled", "notify", "record_transition",
]
