"""The one base view of the back office: permission checks and unit scoping for every model view.

A plugin's views inherit it. Lists, counts, exports and bulk actions go through ``get_query``;
detail, edit and delete go through ``get_one``; both keep to the units where the user holds the
view's permission *and* the view's plugin is enabled. Anything else answers 404 and reveals nothing.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask import abort, flash, redirect, request, url_for
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext as admin_lazy_gettext
from flask_admin.contrib.sqla import ModelView
from flask_admin.model import typefmt
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import false, func, select
from sqlalchemy import inspect as sa_inspect
from wtforms.validators import ValidationError

from core.app import access_context, current_state
from core.i18n import format_date
from core.models import Unit
from core.plugins import EnablementSnapshot
from core.services import ServiceError


def local_datetime(value: datetime) -> str:
    """dd/mm/yyyy HH:MM in the office's time zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)  # SQLite drops the zone; every timestamp is stored in UTC
    return format_date(value, current_state().settings["app.timezone"])


# datetime first: Flask-Admin takes the first isinstance match, and a datetime is a date.
_DATES = {datetime: lambda view, value, name: local_datetime(value), date: lambda view, value, name: format_date(value)}
DATE_FORMATTERS = {**typefmt.BASE_FORMATTERS, **_DATES}
EXPORT_DATE_FORMATTERS = {**typefmt.EXPORT_FORMATTERS, **_DATES}


MAX_ID = 2**31 - 1  # the INTEGER primary keys of every table


def parse_id(value) -> int | None:
    """A record id from a URL or form, or None: a guessed id must end in 404, never in a database error."""
    text = str(value)
    if text.isascii() and text.isdigit() and int(text) <= MAX_ID:
        return int(text)
    return None


class AdminForm(FlaskForm):
    """Flask-WTF's CSRF token, plus the edited object that Flask-Admin's ``Unique`` validator compares against."""

    def __init__(self, *args, **kwargs):
        self._obj = kwargs.get("obj")  # without it, saving a record unchanged fails "Already exists"
        super().__init__(*args, **kwargs)


class ScopedAccessMixin:
    """Permission + plugin-enablement checks shared by model views and plain pages."""

    permission: str = ""          # needed to see the view at all
    write_permission: str = ""    # needed to create, edit, delete (defaults to ``permission``)
    plugin: str | None = None     # set by the core for views a plugin registers

    def allowed_unit_ids(self, write: bool = False) -> frozenset[int]:
        if not current_user.is_authenticated:
            return frozenset()
        permission = (self.write_permission or self.permission) if write else self.permission
        units = access_context().units_with(permission)
        if self.plugin:
            snapshot = EnablementSnapshot.of(current_state().db.session())
            units = frozenset(snapshot.units_with(self.plugin, units))
        return units

    def is_accessible(self) -> bool:
        return bool(self.allowed_unit_ids())

    def covers_whole_organisation(self, write: bool = False) -> bool:
        """Whether the user holds the permission in every unit: needed for records that belong to no unit."""
        units = self.allowed_unit_ids(write)
        session = current_state().db.session()
        return bool(units) and not session.scalar(select(func.count(Unit.id)).where(Unit.id.not_in(units)))

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path))
        abort(404)


class ScopedModelView(ScopedAccessMixin, ModelView):
    """Base model view; the model must be ``Audited`` with a unit attribute (``unit_id`` by default)."""

    form_base_class = AdminForm
    column_type_formatters = DATE_FORMATTERS
    column_type_formatters_detail = DATE_FORMATTERS
    column_type_formatters_export = EXPORT_DATE_FORMATTERS
    can_view_details = True
    can_export = True
    export_types = ["csv"]
    page_size = 20
    can_set_page_size = True

    # -- permissions ------------------------------------------------------------------------
    @property
    def can_create(self) -> bool:
        return bool(self.allowed_unit_ids(write=True)) and self.allow_create

    @property
    def can_edit(self) -> bool:
        return bool(self.allowed_unit_ids(write=True)) and self.allow_edit

    @property
    def can_delete(self) -> bool:
        return bool(self.allowed_unit_ids(write=True)) and self.allow_delete

    allow_create = True
    allow_edit = True
    allow_delete = True

    # -- scoping ----------------------------------------------------------------------------
    def unit_column(self):
        return getattr(self.model, self.model.__unit_attribute__)

    def scope(self, query, write: bool = False):
        units = self.allowed_unit_ids(write)
        return query.filter(self.unit_column().in_(units)) if units else query.filter(false())

    def get_query(self):
        return self.scope(super().get_query())

    def get_count_query(self):
        return self.scope(super().get_count_query())

    WRITE_ENDPOINTS = ("edit_view", "delete_view", "ajax_update")

    def get_one(self, id):
        # Opening a record for editing or deleting needs the write scope, not just the read scope.
        write = (request.endpoint or "").rsplit(".", 1)[-1] in self.WRITE_ENDPOINTS
        query = self.scope(super().get_query(), write=write)
        number = parse_id(id)
        record = query.filter(self.model.id == number).one_or_none() if number is not None else None
        if record is None:
            abort(404)
        return record

    @action("delete", admin_lazy_gettext("Delete"), admin_lazy_gettext("Are you sure you want to delete selected records?"))
    def action_delete(self, ids):
        # PostgreSQL will not compare an integer key with the strings a form posts.
        return super().action_delete(tuple(n for n in map(parse_id, ids) if n is not None))

    # -- writes -----------------------------------------------------------------------------
    def _check_writable(self, model) -> None:
        unit_id = model.audit_unit_id()
        if unit_id is None or unit_id not in self.allowed_unit_ids(write=True):
            raise ValidationError("Bạn không có quyền ghi dữ liệu cho đơn vị này (not allowed for this unit)")

    def on_model_change(self, form, model, is_created):
        # Relationship pickers (``unit``) set the foreign key only at flush; check the value written.
        self.session.flush()
        self._check_writable(model)

    def on_model_delete(self, model):
        self._check_writable(model)

    def _limit_unit_choices(self, form):
        """Offer only the units the user may write to in every unit picker of the form."""
        allowed = self.allowed_unit_ids(write=True)
        for relation in sa_inspect(self.model).relationships:
            field = getattr(form, relation.key, None)
            if relation.mapper.class_ is Unit and hasattr(field, "query_factory"):
                field.query_factory = lambda: self.session.query(Unit).filter(Unit.id.in_(allowed)).order_by(Unit.code)
        return form

    def create_form(self, obj=None):
        return self._limit_unit_choices(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._limit_unit_choices(super().edit_form(obj))

    def _export_csv(self, return_url):
        response = super()._export_csv(return_url)
        # Render the rows now: the database session ends with the request, before a streamed body is read,
        # and lazy-loaded columns (a unit's parent) would then fail.
        response.make_sequence()
        return response

    def handle_view_exception(self, exc):
        if isinstance(exc, (ServiceError, ValidationError)):
            flash(str(exc), "error")
            return True
        from sqlalchemy.exc import IntegrityError
        if isinstance(exc, IntegrityError):
            flash("Dữ liệu trùng hoặc vi phạm ràng buộc; chưa lưu thay đổi (duplicate or invalid data).", "error")
            return True
        return super().handle_view_exception(exc)
