"""Shared pieces of the ISO 9001 back office: permission helpers, pickers, badges."""
from __future__ import annotations

from flask import abort, flash, request
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from core.toolkit import ServiceError, Unit, access_context, office_today, parse_id, users_with_permission

COLOURS = {"planned": "info", "in_progress": "primary", "closed": "success", "cancelled": "dark", "draft": "secondary",
           "analysis": "warning", "action_plan": "warning", "open": "primary", "done": "success", "current": "success",
           "superseded": "secondary", "minor_nc": "warning", "major_nc": "danger", "conforming": "success",
           "observation": "info", "ofi": "info", "na": "light", "minor": "warning", "major": "danger"}


class IsoView:
    """Helpers for the custom pages of a scoped view: permissions per unit, the acting user, the office's day."""

    def units_with(self, permission: str) -> frozenset[int]:
        """Units where the user holds ``permission`` among those where the view is visible to them."""
        return frozenset(self.allowed_unit_ids()) & access_context().units_with(permission)

    def can(self, permission: str, unit_id: int) -> bool:
        return unit_id in self.units_with(permission)

    def require(self, permission: str, unit_id: int) -> None:
        if not self.can(permission, unit_id):
            abort(404)

    def record(self, model, record_id):
        """The record if the user may see its unit; 404 otherwise (another unit's record reveals nothing)."""
        number = parse_id(record_id)
        found = self.session.get(model, number) if number is not None else None
        if found is None or found.unit_id not in self.allowed_unit_ids():
            abort(404)
        return found

    @property
    def user_id(self) -> int:
        return current_user.id

    def today(self):
        return office_today(self.session)

    def unit_options(self, unit_ids) -> list[Unit]:
        return list(self.session.scalars(select(Unit).where(Unit.id.in_(list(unit_ids))).order_by(Unit.code)))

    def people(self, permission: str, unit_id: int):
        return users_with_permission(self.session, permission, unit_id)

    def people_in(self, unit_ids, permission: str) -> list:
        """Active users holding ``permission`` in any of ``unit_ids``, by username (pickers of owners)."""
        found = {u.id: u for unit_id in unit_ids for u in users_with_permission(self.session, permission, unit_id)}
        return sorted(found.values(), key=lambda u: u.username)

    def get_export_value(self, model, name):
        # The list's links and badges are HTML; an exported CSV wants their text.
        value = super().get_export_value(model, name)
        return value.striptags() if isinstance(value, Markup) else value

    def fail(self, exc: ServiceError) -> None:
        self.session.rollback()
        flash(str(exc), "error")


def form_value(name: str, default: str = "") -> str:
    return request.form.get(name, default)


def badge(status: str, labels: dict) -> Markup:
    colour = COLOURS.get(status, "light")
    return Markup(f'<span class="badge badge-{colour}">{escape(labels.get(status, status))}</span>')


def link(url: str, label: str) -> Markup:
    return Markup(f'<a href="{escape(url)}">{escape(label)}</a>')


