"""The annual internal audit programme in the back office: the list per year, the programme page with its
audits and the units in scope still without one, and the form that plans an audit."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import IntEqualFilter
from sqlalchemy import select

from core.toolkit import keyed, KeyedFilters, parse_id, ScopedModelView, ServiceError, Unit
from plugins.iso9001.admin.common import IsoView, badge, link
from plugins.iso9001.models import Document, Programme, Template
from plugins.iso9001.models.audits import AUDIT_STATUSES
from plugins.iso9001.services import programme as service
from plugins.iso9001.services.common import subtree
from plugins.iso9001.services.scope import units_in_scope
from plugins.iso9001.services.templates import usable_templates

READ, PLAN, CONDUCT = "iso9001.read", "iso9001.audits.plan", "iso9001.audits.conduct"
PLAN_STATUSES = {"draft": "Dự thảo", "issued": "Đã ban hành", "done": "Đã hoàn thành", "cancelled": "Đã huỷ"}


def _year(view, context, model, name):
    return link(url_for(".programme_view", programme_id=model.id), f"Năm {model.year}")


class ProgrammeView(IsoView, KeyedFilters, ScopedModelView):
    permission, write_permission = READ, PLAN
    allow_create = allow_edit = allow_delete = False  # through the programme pages and the core plan
    can_view_details = False
    list_template = "iso9001/admin/programme_list.html"
    column_list = ("year", "unit", "plan", "status", "audits")
    column_labels = {"year": "Năm", "unit": "Đơn vị", "plan": "Kế hoạch", "status": "Trạng thái kế hoạch",
                     "audits": "Cuộc đánh giá"}
    column_formatters = {"year": _year, "plan": lambda v, c, m, n: link(f"/admin/plans/plan/{m.plan_id}",
                                                                          m.plan.reference),
                         "status": lambda v, c, m, n: badge(m.plan.status, PLAN_STATUSES),
                         "audits": lambda v, c, m, n: len([a for a in m.audits if a.status != "cancelled"])}
    column_sortable_list = ("year",)
    column_default_sort = ("year", True)
    column_filters = (keyed(IntEqualFilter(Programme.year, "Năm"), "year"),)

    def get_empty_list_message(self):
        return ("Chưa có chương trình đánh giá nội bộ nào. Bấm “Lập chương trình năm” để tạo kế hoạch (ví dụ "
                "18/KH-VP) và lập cuộc đánh giá cho từng đơn vị thuộc phạm vi.")

    def render(self, template, **kwargs):
        if template == self.list_template:
            kwargs["can_new"] = bool(self.units_with(PLAN))
        return super().render(template, **kwargs)

    @expose("/create/", methods=["GET", "POST"])
    def programme_new(self):
        units = self.units_with(PLAN)
        if not units:
            return redirect(url_for(".index_view"))
        if request.method == "POST":
            form = request.form
            unit_id = parse_id(form.get("unit_id", ""))
            try:
                if unit_id not in units:
                    raise ServiceError("Cần chọn đơn vị lập chương trình (unit required)")
                programme = service.create_programme(
                    self.session, self.session.get(Unit, unit_id), year=form.get("year", ""),
                    number=form.get("number", ""), symbol=form.get("symbol", ""), title=form.get("title", ""),
                    issue_date=form.get("issue_date", ""))
                self.session.commit()
                flash(f"Đã lập chương trình đánh giá nội bộ năm {programme.year} (kế hoạch {programme.plan.reference}).",
                      "success")
                return redirect(url_for(".programme_view", programme_id=programme.id))
            except ServiceError as exc:
                self.fail(exc)
        return self.render("iso9001/admin/programme_new.html", units=self.unit_options(units), form=request.form,
                           year=self.today().year)

    @expose("/programme/<programme_id>")
    def programme_view(self, programme_id):
        programme = self.record(Programme, programme_id)
        return self.render("iso9001/admin/programme.html", programme=programme,
                           coverage=service.coverage(self.session, programme), statuses=AUDIT_STATUSES,
                           plan_statuses=PLAN_STATUSES, badge=badge, can_plan=self.can(PLAN, programme.unit_id))

    @expose("/programme/<programme_id>/issue", methods=["POST"])
    def programme_issue(self, programme_id):
        programme = self.record(Programme, programme_id)
        self.require(PLAN, programme.unit_id)
        try:
            service.issue_programme(self.session, programme, self.today())
            self.session.commit()
            flash(f"Đã ban hành kế hoạch {programme.plan.reference}.", "success")
        except ServiceError as exc:
            self.fail(exc)
        return redirect(url_for(".programme_view", programme_id=programme.id))

    @expose("/programme/<programme_id>/audit/new", methods=["GET", "POST"])
    def audit_new(self, programme_id):
        programme = self.record(Programme, programme_id)
        self.require(PLAN, programme.unit_id)
        session = self.session
        candidates = units_in_scope(session, subtree(session, programme.unit_id))
        form = request.form if request.method == "POST" else request.args
        if request.method == "POST":
            unit = next((u for u in candidates if u.id == parse_id(form.get("unit_id", ""))), None)
            template = session.get(Template, parse_id(form.get("template_id", "")) or 0)
            try:
                if unit is None:
                    raise ServiceError("Cần chọn đơn vị được đánh giá trong phạm vi HTQLCL (unit required)")
                if template is None:
                    raise ServiceError("Cần chọn bộ câu hỏi đánh giá (template required)")
                audit = service.create_audit(
                    session, programme, unit, template=template, lead_auditor_id=form.get("lead_auditor_id"),
                    auditor_ids=form.getlist("auditor_ids"), starts_on=form.get("starts_on", ""),
                    ends_on=form.get("ends_on", ""), title=form.get("title", ""), auditees=form.get("auditees", ""),
                    scope_clauses=form.get("scope_clauses", ""), procedure_ids=form.getlist("procedure_ids"))
                session.commit()
                flash(f"Đã lập cuộc đánh giá {audit.reference} với {len(audit.lines)} câu hỏi.", "success")
                return redirect(url_for("iso9001_audits.audit_view", audit_id=audit.id))
            except ServiceError as exc:
                self.fail(exc)
                programme = self.record(Programme, programme_id)
        auditors = self.people_in([u.id for u in candidates], CONDUCT)
        procedures = list(session.scalars(select(Document).where(
            Document.unit_id.in_(subtree(session, programme.unit_id)), Document.kind == "procedure")
            .order_by(Document.code)))
        return self.render("iso9001/admin/audit_new.html", programme=programme, units=candidates, auditors=auditors,
                           procedures=procedures, templates=usable_templates(session, programme.unit_id), form=form)
