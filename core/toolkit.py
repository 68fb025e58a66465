"""The stable facade for plugin authors: import from here, not from core internals.

Everything a plugin needs from the core is re-exported here; when a plugin needs something new,
it is added here (documented) rather than imported from deeper inside ``core``.
"""
from datetime import date

from core.attempts import attempt_allowed
from core.audit import Actor, record_transition
from core.audit_bulk import log_bulk_create
from core.events import Event, EventHandlerError, emit
from core.manifest import Manifest, PluginError
from core.models import Audited, Base, Timestamped, Unit, User
from core.notifications import notify
from core.plugins import EnablementSnapshot, dispatch_for_units, hookimpl
from core.reports import DashboardCard, Metric, Period, ReportSection
from core.scheduling.types import CalendarEvent, JobContext, JobSpec
from core.services import ServiceError
from core.services.enablement import is_enabled
from core.services.units import UnitTree, get_unit
from core.state import settings_of
from core.uploads import check_upload, clean_filename
from core.db import bulk_insert
from core.scheduling.calendar_service import calendar_for, hours_for_unit
from core.settings import Settings
from core.rules import RuleError, rules_for
# Plans and tasks of the core (e.g. a programme's annual plan, a follow-up task with a due date).
from core.models import Plan, PlanTask
from core.scheduling.plans import create_plan, parse_date, transition_plan
from core.scheduling.tasks import add_task, update_task


def users_with_permission(session, permission: str, unit_id: int, active_only: bool = True) -> "list[User]":
    """The users holding ``permission`` in ``unit_id``: through a role in that unit, or in an ancestor
    unit whose membership includes sub-units. Ordered by username (e.g. the clerks to remind)."""
    from sqlalchemy import select

    from core.models import Membership, Permission, Role, role_permission
    units = UnitTree.load(session)
    ancestors = units.ancestors(unit_id)
    held_here = Membership.unit_id == unit_id
    held_above = Membership.unit_id.in_(ancestors) & Membership.include_subunits.is_(True)
    query = (select(User).join(Membership, Membership.user_id == User.id).join(Role, Role.id == Membership.role_id)
             .join(role_permission, role_permission.c.role_id == Role.id)
             .join(Permission, Permission.id == role_permission.c.permission_id)
             .where(Permission.code == permission, (held_here | held_above) if ancestors else held_here)
             .distinct().order_by(User.username))
    if active_only:
        query = query.where(User.active.is_(True))
    return list(session.scalars(query))


def home_unit_ids(session, user_id: int) -> "set[int]":
    """The units where ``user_id`` holds a role directly (not the sub-units a role may extend to): the
    user's own units, e.g. to keep an internal auditor from auditing their own unit."""
    from sqlalchemy import select

    from core.models import Membership
    return set(session.scalars(select(Membership.unit_id).where(Membership.user_id == user_id)))


def office_today(session) -> date:
    """Today's date in the office's time zone (``app.timezone``), not the server's."""
    from core.office_time import today_in_office
    return today_in_office(settings_of(session))


def __getattr__(name: str):
    # Web classes are imported lazily so that services and jobs can use the toolkit without Flask.
    if name in ("ScopedModelView", "ScopedAccessMixin", "parse_id", "local_datetime"):
        # ScopedAccessMixin: permission + enablement checks for plain pages (flask_admin BaseView);
        # parse_id: a record id from a URL or None; local_datetime: dd/mm/yyyy HH:MM in the office's zone.
        from core.admin import base
        return getattr(base, name)
    if name in ("csrf", "access_context", "current_state"):
        # csrf: the app's CSRFProtect (``csrf.exempt`` for JSON APIs); access_context(): the user's
        # permissions per unit for this request; current_state(): the running app's CoreState.
        from core import app
        return getattr(app, name)
    if name == "format_date":
        from core.i18n import format_date
        return format_date
    if name in ("DayEquals", "DayFrom", "DayTo", "IdEqualFilter", "KeyedFilters", "keyed"):
        # List filters: days typed as dd/mm/yyyy, integer keys, readable query-string names.
        from core.admin import filters
        return getattr(filters, name)
    if name == "DmyDateField":
        # A WTForms field for a date typed as dd/mm/yyyy, with a Vietnamese error on bad input.
        from core.admin.plan_forms import DmyDateField
        return DmyDateField
    if name in ("gettext", "lazy_gettext"):
        import flask_babel
        return getattr(flask_babel, name)
    raise AttributeError(name)


__all__ = [
    "Actor", "Audited", "Base", "CalendarEvent", "DashboardCard", "EnablementSnapshot", "ScopedAccessMixin",
    "access_context", "csrf", "current_state", "format_date", "local_datetime", "parse_id", "JobContext", "JobSpec", "Event", "EventHandlerError", "Manifest", "Metric",
    "Period", "PluginError", "ReportSection", "ScopedModelView", "ServiceError", "Timestamped", "Unit", "UnitTree", "User",
    "RuleError", "Settings", "DmyDateField", "DayEquals", "DayFrom", "DayTo", "IdEqualFilter", "KeyedFilters",
    "keyed", "office_today", "check_upload", "clean_filename", "bulk_insert", "Plan", "PlanTask", "add_task", "create_plan", "home_unit_ids",
    "parse_date", "transition_plan", "update_task", "users_with_permission", "calendar_for", "hours_for_unit", "dispatch_for_units", "emit", "rules_for", "settings_of", "get_unit", "hookimpl", "is_enabled", "log_bulk_create", "attempt_allowed", "notify", "record_transition",
]
