"""The statistics page: the standard one-stop report for a month, quarter, year or custom dates, and its export.

Numbers come only from ``services.stat_report`` (SQL ``GROUP BY`` through ``services.statistics``
and ``services.ratings``); no dossier is loaded here.
"""
from __future__ import annotations

import io

from flask import flash, request, send_file
from flask_admin import BaseView, expose

from core.toolkit import ScopedAccessMixin, ServiceError, office_today, parse_id
from plugins.onestop.admin.common import unit_choices
from plugins.onestop.services import stat_report
from plugins.onestop.services.periods import KINDS, period_of, quarter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell(value) -> str:
    """A number as Vietnamese write it: 66,7 (a decimal comma); – for none."""
    if value is None:
        return "–"
    return f"{value:g}".replace(".", ",") if isinstance(value, float) else str(value)


class StatisticsPage(ScopedAccessMixin, BaseView):
    permission = "onestop.statistics.read"

    def __init__(self, session_factory, **kwargs):
        self.session_factory = session_factory
        super().__init__(**kwargs)

    @property
    def session(self):
        return self.session_factory()

    def _params(self):
        """(period, unit ids, the chosen values to show back); a bad choice falls back to this quarter."""
        today = office_today(self.session)
        args = request.args
        chosen = {"kind": args.get("kind", "quarter"), "year": args.get("year", str(today.year)),
                  "number": args.get("number", ""), "from": args.get("from", ""), "to": args.get("to", ""),
                  "unit": args.get("unit", "")}
        try:
            period = period_of(chosen["kind"], chosen["year"], chosen["number"], chosen["from"], chosen["to"], today)
        except ServiceError as exc:
            flash(f"{exc}. Đang hiển thị quý hiện tại.", "error")
            period = quarter(today.year, (today.month - 1) // 3 + 1)
            chosen.update(kind="quarter", year=str(today.year), number="")
        allowed = self.allowed_unit_ids()
        unit_id = parse_id(chosen["unit"]) if chosen["unit"] else None
        if unit_id is not None and unit_id not in allowed:
            flash("Đơn vị không thuộc phạm vi của bạn; đang hiển thị mọi đơn vị được xem.", "error")
            unit_id, chosen["unit"] = None, ""
        return period, ({unit_id} if unit_id is not None else set(allowed)), chosen

    @expose("/")
    def index(self):
        period, unit_ids, chosen = self._params()
        report = stat_report.build(self.session, period, unit_ids)
        today = office_today(self.session)
        return self.render("onestop/admin/statistics.html", report=report, chosen=chosen, kinds=KINDS,
                           columns=stat_report.COLUMNS, units=unit_choices(self.session, self.allowed_unit_ids()),
                           years=range(today.year, today.year - 11, -1), percent=stat_report.percent, cell=cell,
                           export_args={k: v for k, v in chosen.items() if v})

    @expose("/export.xlsx")
    def export(self):
        period, unit_ids, _chosen = self._params()
        data = stat_report.to_xlsx(stat_report.build(self.session, period, unit_ids))
        name = f"thong-ke-mot-cua-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
        return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)
