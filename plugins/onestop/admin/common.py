"""Shared pieces of the one-stop back office: templates, unit pickers, dd/mm/yyyy filters, small helpers."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import SelectField

from core.toolkit import ServiceError, Unit, access_context, parse_id, settings_of
from plugins.onestop.services.periods import parse_day
from plugins.onestop.services.workflow import STATUSES

TEMPLATES = str(Path(__file__).resolve().parent.parent / "templates")
STATUS_COLOURS = {"registered": "info", "received": "primary", "refused": "dark", "in_progress": "primary",
                  "supplement_requested": "warning", "awaiting_payment": "warning", "withdrawn": "secondary",
                  "stopped": "dark", "resolved": "success", "returned": "success"}


class PluginTemplates:
    """Let a Flask-Admin view find ``onestop/admin/*.html`` (the plugin's own template folder)."""

    def create_blueprint(self, admin):
        blueprint = super().create_blueprint(admin)
        # Templates are looked up across every blueprint, so Flask-Admin's own stay reachable.
        blueprint.template_folder = TEMPLATES
        return blueprint


def office_today(session) -> date:
    return datetime.now(ZoneInfo(settings_of(session)["app.timezone"])).date()


def units_with(view, permission: str) -> frozenset[int]:
    """Units where the user holds ``permission`` among those the view already lets them see."""
    return frozenset(view.allowed_unit_ids()) & access_context().units_with(permission)


def status_badge(status: str) -> Markup:
    colour = STATUS_COLOURS.get(status, "light")
    return Markup(f'<span class="badge badge-{colour}">{escape(STATUSES.get(status, status))}</span>')


def unit_choices(session, unit_ids) -> list[tuple[int, str]]:
    units = session.scalars(select(Unit).where(Unit.id.in_(list(unit_ids))).order_by(Unit.code))
    return [(u.id, f"{u.code} – {u.name}") for u in units]


def int_or_none(value) -> int | None:
    return parse_id(value) if value not in (None, "", "None") else None


class UnitFormMixin:
    """A unit picker (``unit_id``) limited to the units the user may write to, for models without a
    ``unit`` relationship."""

    def scaffold_form(self):
        form_class = super().scaffold_form()
        form_class.unit_id = SelectField("Đơn vị", coerce=int, validate_choice=True)
        return form_class

    def _units_for_form(self, form):
        allowed = self.allowed_unit_ids(write=True)
        form.unit_id.choices = unit_choices(self.session, allowed)
        return form

    def create_form(self, obj=None):
        return self._units_for_form(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._units_for_form(super().edit_form(obj))


class KeyedFilters:
    """Readable, stable query-string names for filters that set ``url_key`` (links from reports use them),
    and choices computed per request for the filters named in ``filter_options`` (the user's own fields)."""

    def get_filter_arg(self, index, flt):
        return getattr(flt, "url_key", None) or super().get_filter_arg(index, flt)

    def filter_options(self) -> dict:
        return {}

    def _get_filter_groups(self):
        groups = super()._get_filter_groups()  # fresh copies: safe to fill in per request
        dynamic = self.filter_options()
        for items in (groups or {}).values():
            for item in items:
                if item["arg"] in dynamic:
                    item["options"] = dynamic[item["arg"]]()
        return groups


def keyed(flt, key: str):
    flt.url_key = key
    return flt


class IdEqualFilter(FilterEqual):
    """Equality on an integer key; a guessed non-number is reported as an invalid filter value."""

    def validate(self, value):
        return parse_id(value) is not None

    def clean(self, value):
        return parse_id(value)


class _DayFilter(BaseSQLAFilter):
    """A day typed as dd/mm/yyyy (yyyy-mm-dd accepted, as calendar links send it)."""

    def validate(self, value):
        try:
            parse_day(value)
        except ServiceError:
            return False
        return True

    def clean(self, value):
        return parse_day(value)


class DayEquals(_DayFilter):
    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) == value)

    def operation(self):
        return "bằng (dd/mm/yyyy)"


class DayFrom(_DayFilter):
    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) >= value)

    def operation(self):
        return "từ ngày (dd/mm/yyyy)"


class DayTo(_DayFilter):
    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) <= value)

    def operation(self):
        return "đến ngày (dd/mm/yyyy)"
