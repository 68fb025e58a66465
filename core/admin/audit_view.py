"""The audit log page: read-only, filterable by record (table + id), by user and by date range."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import g
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual, FilterLike, IntEqualFilter
from markupsafe import Markup, escape
from sqlalchemy import false, or_, select

from core.admin.base import ScopedModelView, parse_id
from core.app import current_state
from core.models import AuditLog, Audited, Base, Unit

ACTIONS = (("create", "Tạo mới"), ("update", "Sửa"), ("delete", "Xoá"))


def audited_tables() -> list[tuple[str, str]]:
    tables = {m.class_.__tablename__ for m in Base.registry.mappers if issubclass(m.class_, Audited)}
    return [(t, t) for t in sorted(tables)]


class _LocalDayFilter(BaseSQLAFilter):
    """A day typed as dd/mm/yyyy in the office's time zone, compared with UTC timestamps."""

    def clean(self, value):
        return datetime.strptime(value.strip(), "%d/%m/%Y").date()

    def day_start(self, day) -> datetime:
        tz = ZoneInfo(current_state().settings["app.timezone"])
        return datetime.combine(day, time.min, tzinfo=tz).astimezone(timezone.utc)


class FilterFromDay(_LocalDayFilter):
    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) >= self.day_start(value))

    def operation(self):
        return "từ ngày (dd/mm/yyyy)"


class FilterToDay(_LocalDayFilter):
    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) < self.day_start(value + timedelta(days=1)))

    def operation(self):
        return "đến hết ngày (dd/mm/yyyy)"


class UserIdFilter(IntEqualFilter):
    def clean(self, value):
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # Flask-Admin then reports the value as invalid
        return number


def keyed(flt: BaseSQLAFilter, key: str) -> BaseSQLAFilter:
    flt.url_key = key  # stable, readable query-string names: ?flt0_table=…&flt1_record=…
    return flt


def _unit_code(view, context, model, name):
    if model.unit_id is None:
        return "—"
    if "cchc_unit_codes" not in g:
        g.cchc_unit_codes = dict(current_state().db.session().execute(select(Unit.id, Unit.code)).all())
    return g.cchc_unit_codes.get(model.unit_id, f"#{model.unit_id}")


def change_lines(entry: AuditLog) -> list[str]:
    lines = []
    for key, value in (entry.changes or {}).items():
        if isinstance(value, list) and len(value) == 2:
            old, new = ("∅" if v is None else v for v in value)
            lines.append(f"{key}: {old} → {new}")
        else:
            lines.append(f"{key}: {value}")
    return lines


def _changes(view, context, model, name):
    lines = change_lines(model)
    return Markup("<br>".join(escape(line) for line in lines)) if lines else "—"


def _changes_text(view, context, model, name):
    return "; ".join(change_lines(model))


class AuditLogView(ScopedModelView):
    """Entries of the user's units; entries with no unit (users, roles) only for whole-organisation auditors.

    Append-only: nothing here creates, edits or deletes; the database refuses it too (triggers).
    """

    permission = "core.audit.read"
    allow_create = allow_edit = allow_delete = False
    column_list = ("at", "actor", "unit_id", "action", "table_name", "record_id", "changes")
    column_details_list = ("id", "at", "actor", "user_id", "unit_id", "action", "table_name", "record_id", "changes")
    column_export_list = ("at", "actor", "user_id", "unit_id", "action", "table_name", "record_id", "changes")
    column_sortable_list = ("at", "actor", "table_name", "record_id")
    column_searchable_list = ("record_id", "table_name", "actor")
    column_default_sort = ("id", True)
    column_formatters = column_formatters_detail = {"unit_id": _unit_code, "changes": _changes}
    column_formatters_export = {"unit_id": _unit_code, "changes": _changes_text}
    column_labels = {"id": "Số thứ tự", "at": "Thời điểm", "actor": "Người thực hiện", "unit_id": "Đơn vị",
                     "action": "Thao tác", "table_name": "Bảng", "record_id": "Mã bản ghi",
                     "changes": "Thay đổi (cũ → mới)", "user_id": "Mã người dùng"}
    column_filters = (
        keyed(FilterEqual(AuditLog.table_name, "Bảng", options=audited_tables), "table"),
        keyed(FilterEqual(AuditLog.record_id, "Mã bản ghi"), "record"),
        keyed(FilterLike(AuditLog.actor, "Người thực hiện"), "actor"),
        keyed(UserIdFilter(AuditLog.user_id, "Mã người dùng"), "user"),
        keyed(FilterEqual(AuditLog.action, "Thao tác", options=ACTIONS), "action"),
        keyed(FilterFromDay(AuditLog.at, "Ngày"), "from"),
        keyed(FilterToDay(AuditLog.at, "Ngày"), "to"),
    )

    def get_filter_arg(self, index, flt):
        return getattr(flt, "url_key", None) or super().get_filter_arg(index, flt)

    def scope(self, query, write: bool = False):
        if write:
            return query.filter(false())
        units = self.allowed_unit_ids()
        if not units:
            return query.filter(false())
        mine = AuditLog.unit_id.in_(units)
        return query.filter(or_(mine, AuditLog.unit_id.is_(None)) if self.covers_whole_organisation() else mine)

    def is_action_allowed(self, name: str) -> bool:
        return False
