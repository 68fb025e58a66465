"""The administrative reform report page: enabled plugins' sections for a quarter and the user's units."""
from __future__ import annotations

from flask import flash, request
from flask_admin import BaseView, expose
from sqlalchemy import select

from core.admin.base import ScopedAccessMixin
from core.admin.plan_views import office_today
from core.app import current_state
from core.models import Unit
from core.reports import build_report, quarter, quarter_of


class ReportPage(ScopedAccessMixin, BaseView):
    permission = "core.reports.read"

    def _period(self):
        today = quarter_of(office_today())  # the office's date: near midnight UTC is another day
        year, number = request.args.get("year", ""), request.args.get("quarter", "")
        if not year and not number:
            return today
        try:
            return quarter(int(year), int(number))
        except ValueError:
            flash("Kỳ báo cáo không hợp lệ; đang hiển thị quý hiện tại (invalid period).", "error")
            return today

    @expose("/")
    def index(self):
        session = current_state().db.session()
        allowed = self.allowed_unit_ids()
        units = list(session.scalars(select(Unit).where(Unit.id.in_(allowed)).order_by(Unit.code)))
        chosen = request.args.get("unit", "")
        covered = [u for u in units if str(u.id) == chosen] or units
        period = self._period()
        report = build_report(session, period, covered)
        this_year = office_today().year
        return self.render("admin/cchc_report.html", report=report, units=units, chosen=chosen,
                           years=range(this_year - 5, this_year + 1), period=period)
