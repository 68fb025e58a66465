"""Nonconformities and corrective actions in the back office.

Who does what, each in the nonconformity's unit: ``nc.raise`` records one; ``nc.respond`` (the audited unit)
writes the analysis, proposes actions and moves the first two stages; ``nc.manage`` approves the plan, closes
and cancels; ``nc.verify`` evaluates effectiveness. An action's owner reports on it. The services hold the rules.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual

from core.toolkit import DayFrom, DayTo, keyed, KeyedFilters, parse_id, ScopedModelView, ServiceError, Unit
from plugins.iso9001.admin.common import IsoView, badge, link
from plugins.iso9001.models import NcAction, Nonconformity
from plugins.iso9001.models.improvement import ACTION_KINDS, ACTION_STATUSES, ORIGINS, SEVERITIES, STAGES
from plugins.iso9001.services import nonconformity as service
from plugins.iso9001.services.common import display_name

READ, RAISE, RESPOND = "iso9001.read", "iso9001.nc.raise", "iso9001.nc.respond"
MANAGE, VERIFY = "iso9001.nc.manage", "iso9001.nc.verify"
STAGE_PERMISSION = {"analysis": (RESPOND, MANAGE), "action_plan": (RESPOND, MANAGE), "open": (MANAGE,),
                    "done": (MANAGE,), "cancelled": (MANAGE,)}


class NonconformityView(IsoView, KeyedFilters, ScopedModelView):
    permission, write_permission = READ, RAISE
    allow_create = allow_edit = allow_delete = False  # raised and moved on their own pages; cancelled, not deleted
    can_view_details = False
    list_template = "iso9001/admin/nc_list.html"
    column_list = ("reference", "raised_on", "unit", "origin", "clause", "severity", "description", "stage")
    column_labels = {"reference": "Số phiếu", "raised_on": "Ngày phát hiện", "unit": "Đơn vị", "origin": "Nguồn",
                     "clause": "Điều khoản", "severity": "Mức độ", "description": "Mô tả", "stage": "Bước"}
    column_formatters = {"reference": lambda v, c, m, n: link(url_for(".nc_view", nc_id=m.id), m.reference),
                         "origin": lambda v, c, m, n: ORIGINS.get(m.origin, m.origin),
                         "severity": lambda v, c, m, n: badge(m.severity, SEVERITIES),
                         "description": lambda v, c, m, n: m.description[:120],
                         "stage": lambda v, c, m, n: badge(m.stage, STAGES)}
    column_searchable_list = ("reference", "description")
    column_sortable_list = ("reference", "raised_on", "stage")
    column_default_sort = ("raised_on", True)
    column_filters = (keyed(FilterEqual(Nonconformity.stage, "Bước", options=list(STAGES.items())), "stage"),
                      keyed(FilterEqual(Nonconformity.severity, "Mức độ", options=list(SEVERITIES.items())), "severity"),
                      keyed(FilterEqual(Nonconformity.origin, "Nguồn", options=list(ORIGINS.items())), "origin"),
                      keyed(DayFrom(Nonconformity.raised_on, "Ngày phát hiện"), "from"),
                      keyed(DayTo(Nonconformity.raised_on, "Ngày phát hiện"), "to"))

    def search_placeholder(self):
        return "Số phiếu hoặc mô tả"

    def get_empty_list_message(self):
        if request.args:
            return "Không có điểm không phù hợp nào khớp với bộ lọc. Bỏ bớt bộ lọc để xem thêm."
        return ("Chưa có điểm không phù hợp nào. Phiếu được lập từ phát hiện của cuộc đánh giá hoặc bấm “Ghi nhận điểm "
                "không phù hợp” (phản ánh, theo dõi quá trình…).")

    def render(self, template, **kwargs):
        if template == self.list_template:
            kwargs["can_new"] = bool(self.units_with(RAISE))
        return super().render(template, **kwargs)

    @expose("/create/", methods=["GET", "POST"])
    def nc_new(self):
        units = self.units_with(RAISE)
        if not units:
            return redirect(url_for(".index_view"))
        form = request.form
        if request.method == "POST":
            unit_id = parse_id(form.get("unit_id", ""))
            try:
                if unit_id not in units:
                    raise ServiceError("Cần chọn đơn vị có điểm không phù hợp (unit required)")
                nc = service.raise_nc(self.session, self.session.get(Unit, unit_id), raised_on=form.get("raised_on"),
                                      severity=form.get("severity", "minor"), origin=form.get("origin", "other"),
                                      clause=form.get("clause", ""), description=form.get("description", ""),
                                      immediate_action=form.get("immediate_action", ""), raised_by_id=self.user_id)
                self.session.commit()
                flash(f"Đã ghi nhận {nc.reference}.", "success")
                return redirect(url_for(".nc_view", nc_id=nc.id))
            except ServiceError as exc:
                self.fail(exc)
        return self.render("iso9001/admin/nc_new.html", units=self.unit_options(units), form=form,
                           severities=SEVERITIES, origins={k: v for k, v in ORIGINS.items() if k != "audit"},
                           today=self.today())

    def _nc(self, nc_id) -> Nonconformity:
        return self.record(Nonconformity, nc_id)

    def _may(self, nc: Nonconformity, *permissions: str) -> bool:
        return any(self.can(p, nc.unit_id) for p in permissions)

    @expose("/nc/<nc_id>")
    def nc_view(self, nc_id):
        nc = self._nc(nc_id)
        users = {u.id: display_name(u) for u in self.people(READ, nc.unit_id)}
        nxt = service.NEXT.get(nc.stage)
        return self.render(
            "iso9001/admin/nc.html", nc=nc, stages=STAGES, severities=SEVERITIES, origins=ORIGINS, kinds=ACTION_KINDS,
            action_statuses=ACTION_STATUSES, badge=badge, owners=self.people(READ, nc.unit_id), users=users,
            next_stage=nxt, verbs=service.VERBS, can_next=bool(nxt) and self._may(nc, *STAGE_PERMISSION[nxt]),
            can_cancel=nc.stage not in service.FINAL and self._may(nc, MANAGE),
            can_respond=nc.stage not in service.FINAL and self._may(nc, RESPOND, MANAGE),
            can_verify=nc.stage == "open" and self._may(nc, VERIFY), user_id=self.user_id,
            history=sorted(nc.history, key=lambda h: h.id), display_name=display_name)

    def _back(self, nc: Nonconformity):
        return redirect(url_for(".nc_view", nc_id=nc.id))

    def _do(self, nc: Nonconformity, work, done: str):
        try:
            work()
            self.session.commit()
            flash(done, "success")
        except ServiceError as exc:
            self.fail(exc)
        return self._back(nc)

    @expose("/nc/<nc_id>/analysis", methods=["POST"])
    def nc_analysis(self, nc_id):
        nc = self._nc(nc_id)
        if not self._may(nc, RESPOND, MANAGE):
            abort(404)
        fields = {k: request.form.get(k, "") for k in service.ANALYSIS_FIELDS if k in request.form}
        return self._do(nc, lambda: service.update_analysis(self.session, nc, **fields), "Đã lưu phân tích.")

    @expose("/nc/<nc_id>/action", methods=["POST"])
    def nc_action_new(self, nc_id):
        nc = self._nc(nc_id)
        if not self._may(nc, RESPOND, MANAGE):
            abort(404)
        form = request.form
        return self._do(nc, lambda: service.add_action(
            self.session, nc, kind=form.get("kind", "corrective"), description=form.get("description", ""),
            owner_id=form.get("owner_id"), due_date=form.get("due_date", "")), "Đã thêm hành động.")

    @expose("/nc-action/<action_id>", methods=["POST"])
    def action_report(self, action_id):
        action = self.record(NcAction, action_id)
        nc = action.nonconformity
        if action.owner_id != self.user_id and not self._may(nc, RESPOND, MANAGE):
            abort(404)
        return self._do(nc, lambda: service.report_action(
            self.session, action, status=request.form.get("status", ""), result=request.form.get("result", ""),
            today=self.today()), "Đã cập nhật hành động.")

    @expose("/nc/<nc_id>/verify", methods=["POST"])
    def nc_verify(self, nc_id):
        nc = self._nc(nc_id)
        if not self._may(nc, VERIFY):
            abort(404)
        return self._do(nc, lambda: service.verify(
            self.session, nc, self.user_id, evaluation=request.form.get("evaluation", ""),
            effective=request.form.get("effective") == "1", today=self.today()), "Đã ghi đánh giá hiệu lực.")

    @expose("/nc/<nc_id>/stage/<target>", methods=["GET", "POST"])
    def nc_stage(self, nc_id, target):
        nc = self._nc(nc_id)
        if target not in STAGE_PERMISSION or not self._may(nc, *STAGE_PERMISSION[target]):
            abort(404)
        if request.method == "GET":  # closing and cancelling are final: confirm first
            return self.render("iso9001/admin/confirm.html", title=f"{service.VERBS[target]} {nc.reference}?",
                               message="Thao tác không hoàn tác được và được ghi vào lịch sử của phiếu.",
                               action=request.path, button=service.VERBS[target], back=url_for(".nc_view", nc_id=nc.id),
                               reason="Lý do huỷ" if target == "cancelled" else None)
        return self._do(nc, lambda: service.transition(self.session, nc, target, self.user_id,
                                                       request.form.get("reason", request.form.get("note", "")),
                                                       today=self.today()),
                        f"{nc.reference}: {service.VERBS[target].lower()} – xong.")


class ActionView(IsoView, KeyedFilters, ScopedModelView):
    """Corrective actions of the user's units (an auditee sees their own unit's): a list to follow deadlines."""

    permission = READ
    allow_create = allow_edit = allow_delete = False
    can_view_details = False
    column_list = ("nonconformity", "kind", "description", "owner", "due_date", "status")
    column_labels = {"nonconformity": "Phiếu", "kind": "Loại", "description": "Nội dung", "owner": "Người thực hiện",
                     "due_date": "Hạn", "status": "Trạng thái"}
    column_formatters = {"nonconformity": lambda v, c, m, n: link(url_for("iso9001_nonconformities.nc_view",
                                                                          nc_id=m.nc_id), m.nonconformity.reference),
                         "kind": lambda v, c, m, n: ACTION_KINDS.get(m.kind, m.kind),
                         "owner": lambda v, c, m, n: display_name(m.owner),
                         "status": lambda v, c, m, n: badge(m.status, ACTION_STATUSES)}
    column_searchable_list = ("description",)
    column_sortable_list = ("due_date", "status")
    column_default_sort = "due_date"
    column_filters = (keyed(FilterEqual(NcAction.status, "Trạng thái", options=list(ACTION_STATUSES.items())), "status"),
                      keyed(DayFrom(NcAction.due_date, "Hạn"), "due_from"), keyed(DayTo(NcAction.due_date, "Hạn"), "due_to"))

    def search_placeholder(self):
        return "Nội dung hành động"

    def get_empty_list_message(self):
        return "Chưa có hành động khắc phục nào trong phạm vi của bạn."
