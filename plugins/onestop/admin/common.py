"""Shared pieces of the one-stop back office: templates, unit pickers, dd/mm/yyyy filters, small helpers."""
from __future__ import annotations

from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import SelectField

from core.toolkit import Unit, access_context, parse_id
from plugins.onestop.services.workflow import STATUSES

STATUS_COLOURS = {"registered": "info", "received": "primary", "refused": "dark", "in_progress": "primary",
                  "supplement_requested": "warning", "awaiting_payment": "warning", "withdrawn": "secondary",
                  "stopped": "dark", "resolved": "success", "returned": "success"}


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
