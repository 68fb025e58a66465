"""Submissions and proposals to the leaders (tờ trình, kiến nghị): register, route, deadline, outcome, counts."""
from __future__ import annotations

from datetime import date

from flask import request
from flask_admin.contrib.sqla.filters import FilterEmpty
from wtforms.validators import ValidationError

from core.toolkit import (DayFrom, DayTo, DmyDateField, IdEqualFilter, KeyedFilters, ScopedModelView, ServiceError,
                          User, keyed, office_today, users_with_permission)
from plugins.onestop.admin.common import UnitFormMixin
from plugins.onestop.models import Submission
from plugins.onestop.services import submissions
from plugins.onestop.services.periods import year_period


def _leader_options(view):
    leaders: dict[int, str] = {}
    for unit_id in view.allowed_unit_ids():
        for user in users_with_permission(view.session, submissions.LEADER_PERMISSION, unit_id):
            leaders[user.id] = user.full_name or user.username
    return [(str(i), n) for i, n in sorted(leaders.items(), key=lambda item: item[1])]


class SubmissionView(KeyedFilters, UnitFormMixin, ScopedModelView):
    permission = "onestop.submissions.manage"
    list_template = "onestop/admin/submission_list.html"
    column_list = ("number", "submitted_on", "sender", "subject", "leader", "deadline", "handled_on", "outcome")
    column_labels = {"number": "Số", "submitted_on": "Ngày", "sender": "Nơi gửi", "subject": "Trích yếu",
                     "leader": "Lãnh đạo xử lý", "deadline": "Hạn xử lý", "handled_on": "Ngày xử lý xong",
                     "outcome": "Kết quả xử lý", "unit_id": "Đơn vị"}
    column_searchable_list = ("number", "sender", "subject")
    column_sortable_list = ("number", "submitted_on", "sender", "deadline", "handled_on")
    column_default_sort = [("submitted_on", True), ("id", True)]
    column_formatters = {"leader": lambda v, c, m, n: (m.leader.full_name or m.leader.username) if m.leader else "—",
                         "subject": lambda v, c, m, n: m.subject if len(m.subject) <= 120 else m.subject[:117] + "…"}
    column_filters = (
        keyed(DayFrom(Submission.submitted_on, "Ngày tờ trình"), "from"),
        keyed(DayTo(Submission.submitted_on, "Ngày tờ trình"), "to"),
        keyed(FilterEmpty(Submission.handled_on, "Đã xử lý xong"), "handled"),
        keyed(IdEqualFilter(Submission.leader_id, "Lãnh đạo xử lý"), "leader"),
    )
    form_columns = form_rules = ("unit_id", "number", "submitted_on", "sender", "subject", "leader", "deadline", "outcome",
                    "handled_on")
    form_overrides = {"submitted_on": DmyDateField, "deadline": DmyDateField, "handled_on": DmyDateField}
    form_args = {
        "number": {"label": "Số tờ trình, kiến nghị", "description": "Ví dụ: 15/TTr-STC"},
        "submitted_on": {"label": "Ngày tờ trình", "default": date.today},
        "sender": {"label": "Nơi gửi"},
        "subject": {"label": "Trích yếu nội dung"},
        "leader": {"label": "Chuyển lãnh đạo xử lý"},
        "deadline": {"label": "Hạn xử lý", "description": "dd/mm/yyyy"},
        "outcome": {"label": "Kết quả xử lý"},
        "handled_on": {"label": "Ngày xử lý xong", "description": "dd/mm/yyyy; để trống khi chưa xử lý"},
    }

    def filter_options(self):
        return {"leader": lambda: _leader_options(self)}

    def get_empty_list_message(self):
        return ("Chưa có tờ trình, kiến nghị nào" + (" khớp với điều kiện tìm" if request.args else "") +
                ". Bấm “Tạo mới” để vào sổ và chuyển lãnh đạo xử lý.")

    def _leaders_for_form(self, form):
        allowed = self.allowed_unit_ids(write=True)
        ids = {u.id for unit_id in allowed for u in users_with_permission(self.session, submissions.LEADER_PERMISSION, unit_id)}
        form.leader.query_factory = lambda: self.session.query(User).filter(User.id.in_(ids)).order_by(User.full_name)
        return form

    def create_form(self, obj=None):
        return self._leaders_for_form(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._leaders_for_form(super().edit_form(obj))

    def on_model_change(self, form, model, is_created):
        if model.leader is not None:
            model.leader_id = model.leader.id
        try:
            submissions.check(self.session, model)
        except ServiceError as exc:
            raise ValidationError(str(exc)) from None
        super().on_model_change(form, model, is_created)

    def render(self, template, **kwargs):
        if template == self.list_template:
            today = office_today(self.session)
            year = request.args.get("year", "")
            year = int(year) if year.isdigit() and 1990 <= int(year) <= 2100 else today.year
            period = year_period(year)
            counts = submissions.counts_by_month(self.session, self.allowed_unit_ids(), period.start, period.end)
            kwargs.update(counts_year=year, counts=counts, quarters=submissions.quarter_totals(counts),
                          years=range(today.year, today.year - 10, -1))
        return super().render(template, **kwargs)
