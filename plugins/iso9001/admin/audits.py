"""Audits in the back office: the list, the audit page with its checklist (made for a tablet), closing, the
printable and Word reports, the team, cancelling, evidence files and raising nonconformities from findings.

Thin: the rules are in ``services.conduct`` and ``services.programme``; a refusal is flashed and, since each
post is one transaction, nothing of it is saved.
"""
from __future__ import annotations

import io

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual
from sqlalchemy import select

from core.toolkit import DayFrom, DayTo, keyed, KeyedFilters, parse_id, ScopedModelView, ServiceError
from plugins.iso9001.admin.common import IsoView, badge, link
from plugins.iso9001.clauses import full_title
from plugins.iso9001.models import Audit, ChecklistLine, Evidence, Nonconformity
from plugins.iso9001.models.audits import ANSWERS, AUDIT_STATUSES, FINDINGS
from plugins.iso9001.services import conduct, programme
from plugins.iso9001.services.common import rule
from plugins.iso9001.services.files import ALLOWED_LABEL
from plugins.iso9001.word import build_docx, report_data

READ, PLAN, CONDUCT, RAISE = "iso9001.read", "iso9001.audits.plan", "iso9001.audits.conduct", "iso9001.nc.raise"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _reference(view, context, model, name):
    return link(url_for(".audit_view", audit_id=model.id), model.reference)


class AuditView(IsoView, KeyedFilters, ScopedModelView):
    permission, write_permission = READ, PLAN
    allow_create = allow_edit = allow_delete = False  # planned from the programme page, cancelled not deleted
    can_view_details = False
    column_list = ("reference", "title", "unit", "starts_on", "ends_on", "lead_auditor", "status", "findings")
    column_labels = {"reference": "Số hiệu", "title": "Cuộc đánh giá", "unit": "Đơn vị được đánh giá",
                     "starts_on": "Bắt đầu", "ends_on": "Kết thúc", "lead_auditor": "Trưởng đoàn", "status": "Trạng thái",
                     "findings": "Không phù hợp"}
    column_formatters = {"reference": _reference, "status": lambda v, c, m, n: badge(m.status, AUDIT_STATUSES),
                         "findings": lambda v, c, m, n: len(conduct.findings(m)),
                         "lead_auditor": lambda v, c, m, n: m.lead_auditor.full_name or m.lead_auditor.username}
    column_searchable_list = ("reference", "title")
    column_sortable_list = ("reference", "starts_on", "status")
    column_default_sort = ("starts_on", True)
    column_filters = (keyed(FilterEqual(Audit.status, "Trạng thái", options=list(AUDIT_STATUSES.items())), "status"),
                      keyed(DayFrom(Audit.starts_on, "Ngày bắt đầu"), "from"),
                      keyed(DayTo(Audit.starts_on, "Ngày bắt đầu"), "to"))

    def search_placeholder(self):
        return "Số hiệu hoặc tên cuộc đánh giá"

    def get_empty_list_message(self):
        return ("Chưa có cuộc đánh giá nào trong phạm vi của bạn. Trưởng đoàn lập cuộc đánh giá từ trang “Chương "
                "trình đánh giá”.")

    def _audit(self, audit_id) -> Audit:
        return self.record(Audit, audit_id)

    def _can_answer(self, audit: Audit) -> bool:
        return (audit.status in ("planned", "in_progress") and self.user_id in audit.team_ids
                and self.can(CONDUCT, audit.unit_id))

    # -- the audit page and the checklist --------------------------------------------------------------------
    @expose("/audit/<audit_id>", methods=["GET", "POST"])
    def audit_view(self, audit_id):
        audit = self._audit(audit_id)
        if request.method == "POST":
            if not self._can_answer(audit):
                abort(404)
            answers, uploads = {}, []
            for line in audit.lines:
                if f"answer_{line.id}" in request.form or f"evidence_{line.id}" in request.form:
                    answers[line.id] = (request.form.get(f"answer_{line.id}", line.answer or ""),
                                        request.form.get(f"evidence_{line.id}", line.evidence or ""))
                uploads += [conduct.Upload(line.id, f.filename, f.read())
                            for f in request.files.getlist(f"file_{line.id}") if f and f.filename]
            try:
                changed = conduct.record_answers(self.session, audit, self.user_id, answers, uploads,
                                                 today=self.today())
                self.session.commit()
                left = len(conduct.unanswered(audit))
                flash(f"Đã lưu {changed} thay đổi; còn {left} câu chưa trả lời." if left else
                      f"Đã lưu {changed} thay đổi; mọi câu đã có kết quả, trưởng đoàn có thể kết thúc.", "success")
                return redirect(url_for(".audit_view", audit_id=audit.id) + "#iso-close")
            except ServiceError as exc:
                self.fail(exc)
                audit = self._audit(audit_id)
        raised = {nc.line_id: nc for nc in self.session.scalars(select(Nonconformity).where(
            Nonconformity.audit_id == audit.id))}
        data = report_data(self.session, audit)
        return self.render("iso9001/admin/audit.html", audit=audit, data=data, answers=ANSWERS, findings=FINDINGS,
                           statuses=AUDIT_STATUSES, badge=badge, raised=raised, full_title=full_title,
                           can_answer=self._can_answer(audit), form=request.form,
                           is_lead=audit.lead_auditor_id == self.user_id and audit.status in ("planned", "in_progress"),
                           can_plan=self.can(PLAN, audit.programme.unit_id) and audit.status in ("planned", "in_progress"),
                           can_raise=self.can(RAISE, audit.unit_id), unanswered=len(conduct.unanswered(audit)),
                           max_mb=rule("evidence_max_mb", self.today()), allowed=ALLOWED_LABEL)

    @expose("/audit/<audit_id>/close", methods=["POST"])
    def audit_close(self, audit_id):
        audit = self._audit(audit_id)
        if not self.can(CONDUCT, audit.unit_id):
            abort(404)
        try:
            raised = conduct.close_audit(self.session, audit, self.user_id, today=self.today(),
                                         strong_points=request.form.get("strong_points", ""),
                                         summary=request.form.get("summary", ""))
            self.session.commit()
            flash(f"Đã kết thúc cuộc đánh giá {audit.reference}; lập {len(raised)} phiếu điểm không phù hợp từ các "
                  "phát hiện.", "success")
        except ServiceError as exc:
            self.fail(exc)
        return redirect(url_for(".audit_view", audit_id=audit_id))

    @expose("/audit/<audit_id>/line/<line_id>/nc", methods=["POST"])
    def line_raise(self, audit_id, line_id):
        audit = self._audit(audit_id)
        self.require(RAISE, audit.unit_id)
        line = next((item for item in audit.lines if item.id == parse_id(line_id)), None)
        if line is None:
            abort(404)
        try:
            nc = conduct.raise_from_line(self.session, audit, line, self.user_id, self.today())
            self.session.commit()
            flash(f"Đã lập phiếu {nc.reference}.", "success")
            return redirect(url_for("iso9001_nonconformities.nc_view", nc_id=nc.id))
        except ServiceError as exc:
            self.fail(exc)
        return redirect(url_for(".audit_view", audit_id=audit_id))

    # -- reports ---------------------------------------------------------------------------------------------
    @expose("/audit/<audit_id>/report")
    def audit_report(self, audit_id):
        audit = self._audit(audit_id)
        return self.render("iso9001/admin/audit_report.html", data=report_data(self.session, audit), answers=ANSWERS,
                           statuses=AUDIT_STATUSES, full_title=full_title)

    @expose("/audit/<audit_id>/report.docx")
    def audit_docx(self, audit_id):
        audit = self._audit(audit_id)
        content = build_docx(report_data(self.session, audit))
        return send_file(io.BytesIO(content), mimetype=DOCX, as_attachment=True,
                         download_name=f"bao-cao-danh-gia-{audit.id}.docx")

    # -- team and cancellation -------------------------------------------------------------------------------
    @expose("/audit/<audit_id>/team", methods=["GET", "POST"])
    def audit_team(self, audit_id):
        audit = self._audit(audit_id)
        self.require(PLAN, audit.programme.unit_id)
        form = request.form
        if request.method == "POST":
            try:
                programme.update_team(self.session, audit, lead_auditor_id=form.get("lead_auditor_id"),
                                      auditor_ids=form.getlist("auditor_ids"), starts_on=form.get("starts_on", ""),
                                      ends_on=form.get("ends_on", ""), auditees=form.get("auditees", ""))
                self.session.commit()
                flash("Đã lưu đoàn đánh giá và thời gian.", "success")
                return redirect(url_for(".audit_view", audit_id=audit.id))
            except ServiceError as exc:
                self.fail(exc)
                audit = self._audit(audit_id)
        return self.render("iso9001/admin/audit_team.html", audit=audit, form=form,
                           auditors=self.people(CONDUCT, audit.unit_id))

    @expose("/audit/<audit_id>/cancel", methods=["GET", "POST"])
    def audit_cancel(self, audit_id):
        audit = self._audit(audit_id)
        self.require(PLAN, audit.programme.unit_id)
        back = url_for(".audit_view", audit_id=audit.id)
        if request.method == "GET":
            return self.render("iso9001/admin/confirm.html", title=f"Huỷ cuộc đánh giá {audit.reference}?",
                               message="Cuộc đánh giá và kết quả đã ghi được giữ lại nhưng không tiếp tục được; nhiệm "
                                       "vụ tương ứng trong kế hoạch chuyển sang “Đã huỷ”.",
                               action=request.path, button="Huỷ cuộc đánh giá", back=back, reason="Lý do huỷ")
        try:
            programme.cancel_audit(self.session, audit, request.form.get("reason", ""))
            self.session.commit()
            flash(f"Đã huỷ cuộc đánh giá {audit.reference}.", "success")
        except ServiceError as exc:
            self.fail(exc)
        return redirect(back)

    # -- evidence files --------------------------------------------------------------------------------------
    def _evidence(self, evidence_id) -> Evidence:
        number = parse_id(evidence_id)
        evidence = self.session.get(Evidence, number) if number is not None else None
        if evidence is None or evidence.unit_id not in self.allowed_unit_ids():
            abort(404)
        return evidence

    @expose("/evidence/<evidence_id>")
    def evidence_file(self, evidence_id):
        evidence = self._evidence(evidence_id)
        return send_file(io.BytesIO(evidence.data), mimetype=evidence.content_type, as_attachment=True,
                         download_name=evidence.filename)

    @expose("/evidence/<evidence_id>/delete", methods=["GET", "POST"])
    def evidence_delete(self, evidence_id):
        evidence = self._evidence(evidence_id)
        audit = self.session.get(ChecklistLine, evidence.line_id).audit
        back = url_for(".audit_view", audit_id=audit.id)
        if request.method == "GET":
            return self.render("iso9001/admin/confirm.html", title=f"Xoá tệp “{evidence.filename}”?",
                               message="Tệp bằng chứng sẽ bị xoá khỏi câu hỏi; thao tác được ghi nhật ký.",
                               action=request.path, button="Xoá tệp", back=back)
        try:
            conduct.remove_evidence(self.session, audit, evidence, self.user_id)
            self.session.commit()
            flash("Đã xoá tệp.", "success")
        except ServiceError as exc:
            self.fail(exc)
        return redirect(back)
