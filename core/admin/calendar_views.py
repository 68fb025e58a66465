"""Back-office pages of the working-day calendar: the admin's overrides and each unit's hours."""
from __future__ import annotations

from flask_admin.contrib.sqla import ModelView
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from core.admin.base import DATE_FORMATTERS, ScopedAccessMixin, ScopedModelView
from core.admin.plan_forms import DmyDateField
from core.scheduling.calendar_service import check_hours, check_override
from core.services import ServiceError


class CalendarOverrideView(ScopedAccessMixin, ModelView):
    """Days off added by decision and working Saturdays from the yearly swaps; they apply office-wide."""

    permission = "core.calendar.manage"
    form_base_class = FlaskForm
    can_edit = False  # an override is replaced by deleting it and adding another: each change is logged
    can_view_details = False
    column_type_formatters = DATE_FORMATTERS
    column_list = ("day", "is_working", "reason")
    column_labels = {"day": "Ngày", "is_working": "Là ngày làm việc", "reason": "Lý do (số quyết định)"}
    column_default_sort = ("day", True)
    column_searchable_list = ("reason",)
    form_columns = ("day", "is_working", "reason")
    form_overrides = {"day": DmyDateField}
    form_args = {"is_working": {"label": "Là ngày làm việc (bỏ chọn: ngày nghỉ)"}}
    list_template = "admin/model/list.html"

    def on_model_change(self, form, model, is_created):
        try:
            check_override(self.session, model)
        except ServiceError as exc:
            raise ValidationError(str(exc)) from None

    def handle_view_exception(self, exc):
        return ScopedModelView.handle_view_exception(self, exc)


class UnitWorkingHoursView(ScopedModelView):
    permission = "core.units.read"
    write_permission = "core.calendar.manage"
    column_list = ("unit", "morning_start", "morning_end", "afternoon_start", "afternoon_end", "receipt_cutoff")
    column_labels = {"unit": "Đơn vị", "morning_start": "Sáng từ", "morning_end": "Sáng đến",
                     "afternoon_start": "Chiều từ", "afternoon_end": "Chiều đến", "receipt_cutoff": "Giờ chốt tiếp nhận"}
    form_columns = column_list
    form_args = {key: {"description": "HH:MM"} for key in column_list[1:]}

    def on_model_change(self, form, model, is_created):
        try:
            check_hours(model)
        except ServiceError as exc:
            raise ValidationError(str(exc)) from None
        super().on_model_change(form, model, is_created)
