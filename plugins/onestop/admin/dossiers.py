"""Dossiers in the back office: the list, the dossier page with its process control slip, and actions.

Thin: every rule is in ``services.workflow``. A dossier is seen by readers of its unit (anything
else is 404); an action needs the permission its ``Action`` names in the dossier's unit, and the
service refuses any transition the rules forbid, with the reason, which is flashed.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from core.toolkit import (DayEquals, DayFrom, DayTo, IdEqualFilter, KeyedFilters, ScopedModelView, ServiceError, User,
                          keyed, local_datetime, office_today, settings_of, users_with_permission)
from plugins.onestop.admin.catalogue import field_options
from plugins.onestop.admin.common import int_or_none, status_badge, units_with
from plugins.onestop.models import Dossier, Rating
from plugins.onestop.models.dossiers import CHANNELS
from plugins.onestop.services import ratings
from plugins.onestop.services.periods import parse_day
from plugins.onestop.services.workflow import (ACTIONS, STATUSES, allowed_actions, required_permission, status_label,
                                               transition)

EXTRA_LABELS = {"register": "Đăng ký trực tuyến", "receive": "Tiếp nhận hồ sơ"}
DESTRUCTIVE = ("refuse", "withdraw", "stop")
FORMS = {"02": "Mẫu 02 – Yêu cầu bổ sung", "03": "Mẫu 03 – Từ chối", "04": "Mẫu 04 – Xin lỗi, hẹn lại",
         "05": "Mẫu 05 – Dừng xử lý", "06": "Mẫu 06 – Phiếu kiểm soát"}
FORM_OF_ACTION = {"request_supplement": "02", "refuse": "03", "extend": "04", "stop": "05"}
FORMS_URL = "/onestop/forms/{id}/{number}"  # printable forms (plugins/onestop/views_documents.py)
RECEIVE = "onestop.dossiers.receive"


def _code(view, context, model, name):
    text = model.code or f"(chờ tiếp nhận #{model.id})"
    return Markup(f'<a href="{escape(url_for(".dossier_view", dossier_id=model.id))}">{escape(text)}</a>')


def _appointment(view, context, model, name):
    if model.appointment_on is None:
        return ""
    text = f"{model.appointment_on:%d/%m/%Y}"
    if model.extended_until:
        text += f" (hẹn lại {model.extended_until:%d/%m/%Y})"
    late = model.status in ("received", "in_progress", "awaiting_payment") and model.appointment_on < view.today()
    return Markup(f'{escape(text)} <span class="badge badge-danger">quá hạn</span>') if late else text


class DossierView(KeyedFilters, ScopedModelView):
    permission = "onestop.dossiers.read"
    allow_create = allow_edit = allow_delete = False
    can_view_details = False
    list_template = "onestop/admin/dossier_list.html"
    column_list = ("code", "applicant_name", "procedure", "channel", "status", "received_at", "appointment_on")
    column_labels = {"code": "Mã hồ sơ", "applicant_name": "Người nộp", "procedure": "Thủ tục", "channel": "Kênh nộp",
                     "status": "Trạng thái", "received_at": "Tiếp nhận lúc", "appointment_on": "Hẹn trả",
                     "applicant_id_number": "Số định danh", "resolved_on": "Ngày giải quyết"}
    column_searchable_list = ("code", "applicant_name", "applicant_id_number")
    column_sortable_list = ("code", "applicant_name", "received_at", "appointment_on", "status")
    column_default_sort = ("id", True)
    # No COUNT(*) over a unit's whole history on every page view: at a million dossiers it costs more
    # than the page itself. Pages go forward and back; filters narrow the list.
    simple_list_pager = True
    column_formatters = {
        "code": _code, "appointment_on": _appointment,
        "status": lambda v, c, m, n: status_badge(m.status),
        "channel": lambda v, c, m, n: CHANNELS.get(m.channel, m.channel),
        "procedure": lambda v, c, m, n: m.procedure.name if m.procedure else "",
    }
    column_export_list = ("code", "applicant_name", "applicant_id_number", "procedure", "channel", "status",
                          "received_at", "appointment_on", "resolved_on")
    column_formatters_export = {"status": lambda v, c, m, n: STATUSES.get(m.status, m.status),
                                "channel": lambda v, c, m, n: CHANNELS.get(m.channel, m.channel),
                                "procedure": lambda v, c, m, n: m.procedure.name if m.procedure else ""}
    column_filters = (
        keyed(FilterEqual(Dossier.status, "Trạng thái", options=list(STATUSES.items())), "status"),
        keyed(IdEqualFilter(Dossier.field_id, "Lĩnh vực"), "field"),
        keyed(FilterEqual(Dossier.channel, "Kênh nộp", options=list(CHANNELS.items())), "channel"),
        keyed(DayEquals(Dossier.appointment_on, "Ngày hẹn trả"), "appointment_on_equals"),
        keyed(DayFrom(Dossier.appointment_on, "Ngày hẹn trả"), "appointment_on_from"),
        keyed(DayTo(Dossier.appointment_on, "Ngày hẹn trả"), "appointment_on_to"),
    )
    search_placeholder_text = "Mã hồ sơ, tên hoặc số định danh người nộp"

    def search_placeholder(self):
        return self.search_placeholder_text

    def filter_options(self):
        return {"field": lambda: field_options(self)}

    def today(self):
        return office_today(self.session)

    def get_empty_list_message(self):
        if request.args:
            return "Không có hồ sơ nào khớp với điều kiện tìm kiếm hoặc bộ lọc. Bỏ bớt bộ lọc để xem thêm."
        return "Chưa có hồ sơ nào. Cán bộ một cửa bấm “Tiếp nhận hồ sơ” để nhận hồ sơ tại quầy."

    def render(self, template, **kwargs):
        if template == self.list_template:
            kwargs["can_receive"] = bool(units_with(self, RECEIVE))
        return super().render(template, **kwargs)

    # -- the dossier page ------------------------------------------------------------------------------------------
    def _dossier(self, dossier_id) -> Dossier:
        return self.get_one(dossier_id)  # 404 outside the user's units

    def _permitted(self, dossier: Dossier, action: str) -> bool:
        return dossier.unit_id in units_with(self, required_permission(action, dossier))

    @expose("/dossier/<dossier_id>")
    def dossier_view(self, dossier_id):
        dossier = self._dossier(dossier_id)
        session = self.session
        ids = {t.user_id for t in dossier.transitions} | {dossier.handler_id, dossier.received_by}
        users = {u.id: u.full_name or u.username for u in session.scalars(select(User).where(User.id.in_(ids - {None})))}
        actions = [(name, ACTIONS[name], self._permitted(dossier, name), required_permission(name, dossier))
                   for name in allowed_actions(dossier)]
        rating = session.scalar(select(Rating).where(Rating.dossier_id == dossier.id))
        labels = {c.code: c.label for c in ratings.criteria(rating.rated_on)} if rating else {}
        numbers = {FORM_OF_ACTION[t.action] for t in dossier.transitions if t.action in FORM_OF_ACTION}
        forms = [(FORMS_URL.format(id=dossier.id, number=n), FORMS[n])
                 for n in sorted(numbers | ({"06"} if dossier.code else set()))]
        return self.render("onestop/admin/dossier.html", dossier=dossier, users=users, actions=actions,
                           statuses=STATUSES, channels=CHANNELS, labels={**EXTRA_LABELS, **{k: a.label for k, a in ACTIONS.items()}},
                           status_badge=status_badge, destructive=DESTRUCTIVE, rating=rating, criteria=labels,
                           can_receive=dossier.status == "registered" and dossier.unit_id in units_with(self, RECEIVE),
                           today=self.today(), dt=local_datetime, forms=forms, status_label=status_label(dossier))

    @expose("/dossier/<dossier_id>/action/<action>", methods=["GET", "POST"])
    def dossier_action(self, dossier_id, action):
        dossier = self._dossier(dossier_id)
        if action not in ACTIONS:
            abort(404)
        spec = ACTIONS[action]
        permitted = self._permitted(dossier, action)
        if request.method == "POST":
            if not permitted:
                flash(f"Bạn không có quyền thực hiện “{spec.label}” đối với hồ sơ {dossier.code or dossier.id} "
                      "(cần vai trò phù hợp tại đơn vị của hồ sơ).", "error")
                return redirect(url_for(".dossier_view", dossier_id=dossier.id))
            session = self.session
            try:
                note, details = self._details(action)
                transition(session, settings_of(session), dossier, action, current_user.id, note, **details)
                session.commit()
            except ServiceError as exc:
                session.rollback()
                flash(str(exc), "error")
                dossier = self._dossier(dossier_id)
            else:
                flash(f"Hồ sơ {dossier.code}: đã thực hiện “{spec.label}”; trạng thái hiện tại: "
                      f"{STATUSES[dossier.status]}.", "success")
                return redirect(url_for(".dossier_view", dossier_id=dossier.id))
        handlers = users_with_permission(self.session, "onestop.dossiers.process", dossier.unit_id) \
            if action == "assign" else []
        return self.render("onestop/admin/dossier_action.html", dossier=dossier, action=action, spec=spec,
                           permitted=permitted, allowed=action in allowed_actions(dossier), statuses=STATUSES,
                           handlers=handlers, destructive=action in DESTRUCTIVE, form=request.form,
                           status_label=status_label(dossier), step_handlers=self._step_handlers(dossier))

    @staticmethod
    def _step_handlers(dossier: Dossier) -> dict[int, int]:
        """Step number -> its default handler, to preselect in the assignment form."""
        return {i: s.handler_user_id for i, s in enumerate(dossier.procedure.steps, start=1) if s.handler_user_id}

    @staticmethod
    def _details(action: str) -> tuple[str, dict]:
        form = request.form
        details: dict = {}
        if action == "assign":
            details["handler_id"] = int_or_none(form.get("handler_id"))
            step = int_or_none(form.get("step"))
            if step:
                details["step"] = step
        elif action == "request_supplement":
            details["missing_documents"] = [line.strip() for line in form.get("missing_documents", "").splitlines()
                                            if line.strip()]
        elif action == "extend":
            details["new_date"] = parse_day(form.get("new_date", ""), "Ngày hẹn mới")
        return form.get("note", ""), details
