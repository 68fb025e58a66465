"""Plans in the back office: the list per year with counts, the plan page with its tasks and coverage, transitions.

Thin: every rule lives in ``core.scheduling.plans`` / ``core.scheduling.tasks``. Scoping: a plan is
seen where the user holds ``core.plans.read`` in its issuing unit and changed with ``core.plans.manage``;
anything else answers 404.
"""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual, IntEqualFilter
from markupsafe import Markup, escape
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from core.admin.audit_view import keyed
from core.admin.base import ScopedModelView
from core.admin.plan_forms import DmyDateField
from core.admin.task_pages import TaskPagesMixin
from core.app import current_state
from core.models import Plan
from core.scheduling.calendar_service import calendar_for
from core.scheduling.plans import (PLAN_KINDS, PLAN_STATUSES, TRANSITION_VERBS, allowed_transitions, check_deletable,
                                   check_editable, counts_by_year, inspection_coverage, programme_names,
                                   transition_plan, validate_plan)
from core.scheduling.tasks import deadline_of
from core.office_time import today_in_office
from core.services import ServiceError

STATUS_COLOURS = {"draft": "secondary", "issued": "primary", "done": "success", "cancelled": "dark"}


def office_today() -> date:
    return today_in_office(current_state().settings)


def programme_label(name: str) -> str:
    if name == "core":
        return "Chung (lõi)"
    registry = current_state().registry
    return registry.plugins[name].manifest.label if name in registry.plugins else name


def _reference(view, context, model, name):
    return Markup(f'<a href="{escape(url_for(".plan_view", plan_id=model.id))}">{escape(model.reference)}</a>')


def _status(view, context, model, name):
    colour = STATUS_COLOURS.get(model.status, "light")
    return Markup(f'<span class="badge badge-{colour}">{escape(PLAN_STATUSES.get(model.status, model.status))}</span>')


def _tasks(view, context, model, name):
    done = sum(1 for t in model.tasks if t.status == "done")
    live = sum(1 for t in model.tasks if t.status != "cancelled")
    return f"{done}/{live}" if live else "—"


class PlanView(TaskPagesMixin, ScopedModelView):
    permission = "core.plans.read"
    write_permission = "core.plans.manage"
    list_template = "admin/cchc_plan_list.html"
    can_view_details = False
    column_list = ("reference", "title", "unit", "issue_date", "year", "programme", "kind", "status", "tasks")
    column_labels = {"reference": "Số/ký hiệu", "number": "Số", "symbol": "Ký hiệu", "title": "Trích yếu",
                     "unit": "Đơn vị ban hành", "issue_date": "Ngày ban hành", "year": "Năm", "period": "Kỳ",
                     "programme": "Chương trình", "kind": "Loại", "status": "Trạng thái", "tasks": "Nhiệm vụ xong"}
    column_searchable_list = ("number", "symbol", "title")
    column_sortable_list = (("reference", "number"), "title", ("unit", "unit.code"), "issue_date", "year", "status")
    column_default_sort = ("issue_date", True)
    column_filters = (
        keyed(IntEqualFilter(Plan.year, "Năm"), "year"),
        keyed(FilterEqual(Plan.status, "Trạng thái", options=list(PLAN_STATUSES.items())), "status"),
        keyed(FilterEqual(Plan.kind, "Loại", options=list(PLAN_KINDS.items())), "kind"),
        keyed(FilterEqual(Plan.programme, "Chương trình"), "programme"),
    )
    column_formatters = {"reference": _reference, "status": _status, "tasks": _tasks,
                         "kind": lambda v, c, m, n: PLAN_KINDS.get(m.kind, m.kind),
                         "programme": lambda v, c, m, n: programme_label(m.programme)}
    column_formatters_export = {"reference": lambda v, c, m, n: m.reference, "tasks": _tasks,
                                "status": lambda v, c, m, n: PLAN_STATUSES.get(m.status, m.status)}
    column_export_list = ("reference", "title", "unit", "issue_date", "year", "period", "programme", "kind", "status")
    form_columns = ("unit", "number", "symbol", "title", "issue_date", "year", "period", "programme", "kind")
    form_overrides = {"issue_date": DmyDateField, "programme": SelectField, "kind": SelectField}
    form_args = {
        "number": {"description": "Phần số, ví dụ 90"},
        "symbol": {"description": "Ký hiệu, ví dụ KH-VP"},
        "issue_date": {"description": "dd/mm/yyyy; để trống nếu còn là dự thảo"},
        "period": {"description": "Ví dụ: Quý I, 6 tháng đầu năm (không bắt buộc)"},
        "year": {"default": lambda: date.today().year},
        "kind": {"choices": [SelectChoice(k, v) for k, v in PLAN_KINDS.items()], "validate_choice": False},
        "programme": {"validate_choice": False},  # the service names the allowed programmes
    }

    def get_filter_arg(self, index, flt):
        return getattr(flt, "url_key", None) or super().get_filter_arg(index, flt)

    def get_empty_list_message(self):
        return ("Chưa có kế hoạch nào trong phạm vi của bạn" + (" khớp với bộ lọc" if request.args else "") +
                ". Bấm “Tạo mới” để lập kế hoạch (số, ký hiệu như 90/KH-VP).")

    # -- forms ---------------------------------------------------------------------------------------------------
    def _programmes(self, form):
        form.programme.choices = [SelectChoice(n, programme_label(n)) for n in programme_names(self.session())]
        return form

    def create_form(self, obj=None):
        return self._programmes(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._programmes(super().edit_form(obj))

    def on_model_change(self, form, model, is_created):
        if is_created:
            model.status = "draft"
        else:
            check_editable(model)
        validate_plan(self.session(), model)
        super().on_model_change(form, model, is_created)

    def on_model_delete(self, model):
        super().on_model_delete(model)
        check_deletable(model)

    def get_save_return_url(self, model, is_created=False):
        return url_for(".plan_view", plan_id=model.id)

    def render(self, template, **kwargs):
        if template == self.list_template:
            kwargs["year_counts"] = counts_by_year(self.session(), self.allowed_unit_ids())
            kwargs["chosen_year"] = next((v for k, v in request.args.items() if k.startswith("flt") and
                                          k.endswith("_year")), "")
        return super().render(template, **kwargs)

    # -- lookups ---------------------------------------------------------------------------------------------------
    def get_one(self, id):
        # The query string gives a str; PostgreSQL refuses ``integer = varchar`` (see the report on base.py).
        return super().get_one(int(id) if str(id).isdigit() else id)

    def _plan(self, plan_id: int, write: bool = False) -> Plan:
        plan = self.session().get(Plan, plan_id)
        if plan is None or plan.unit_id not in self.allowed_unit_ids(write):
            abort(404)
        return plan

    # -- the plan page ---------------------------------------------------------------------------------------------
    @expose("/plan/<int:plan_id>")
    def plan_view(self, plan_id: int):
        plan = self._plan(plan_id)
        session = self.session()
        today = office_today()
        calendar = calendar_for(session)
        writable = plan.unit_id in self.allowed_unit_ids(write=True)
        return self.render("admin/cchc_plan_detail.html", plan=plan, today=today, writable=writable,
                           deadlines={t.id: deadline_of(t, today, calendar) for t in plan.tasks},
                           coverage=inspection_coverage(session, plan) if plan.kind == "inspection" else None,
                           transitions=allowed_transitions(plan) if writable else [],
                           verbs=TRANSITION_VERBS, statuses=PLAN_STATUSES, kinds=PLAN_KINDS,
                           colours=STATUS_COLOURS, programme=programme_label(plan.programme),
                           editable=writable and plan.status not in ("done", "cancelled"))

    @expose("/plan/<int:plan_id>/transition", methods=["GET", "POST"])
    def plan_transition(self, plan_id: int):
        plan = self._plan(plan_id, write=True)
        target = request.values.get("to", "")
        if target not in PLAN_STATUSES:
            abort(404)
        if request.method == "GET":
            return self.render("admin/cchc_plan_transition.html", plan=plan, target=target, verbs=TRANSITION_VERBS,
                               statuses=PLAN_STATUSES, allowed=target in allowed_transitions(plan))
        session = self.session()
        try:
            transition_plan(session, plan, target, request.form.get("note", ""), today=office_today())
            session.commit()
        except ServiceError as exc:
            session.rollback()
            flash(str(exc), "error")
        else:
            flash(f"Kế hoạch {plan.reference}: {PLAN_STATUSES[target].lower()}.", "success")
        return redirect(url_for(".plan_view", plan_id=plan_id))
