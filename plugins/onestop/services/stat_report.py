"""The statistics report of a period, by field and by unit, and its ``.xlsx`` export.

Every number comes from ``statistics.compute`` (one SQL ``GROUP BY`` each) and ``ratings.averages``;
no dossier is loaded into Python.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.toolkit import Period, Unit
from plugins.onestop.services import ratings, statistics
from plugins.onestop.services.statistics import StatRow

# (group, header, value) in the order of the standard report's columns.
COLUMNS: list[tuple[str, str, Callable[[StatRow], object]]] = [
    ("Tiếp nhận", "Tổng số", lambda r: r.received),
    ("Tiếp nhận", "Kỳ trước chuyển sang", lambda r: r.carried_over),
    ("Tiếp nhận", "Mới – trực tuyến", lambda r: r.received_online),
    ("Tiếp nhận", "Mới – trực tiếp, bưu chính", lambda r: r.received_counter),
    ("Đã giải quyết", "Tổng số", lambda r: r.resolved),
    ("Đã giải quyết", "Trước hạn", lambda r: r.resolved_early),
    ("Đã giải quyết", "Đúng hạn", lambda r: r.resolved_on_time),
    ("Đã giải quyết", "Quá hạn", lambda r: r.resolved_late),
    ("Đang giải quyết", "Tổng số", lambda r: r.pending),
    ("Đang giải quyết", "Trong hạn", lambda r: r.pending_within),
    ("Đang giải quyết", "Quá hạn", lambda r: r.pending_overdue),
    ("", "Tỷ lệ đúng hạn (%)", lambda r: percent(r.on_time_rate)),
]


def percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


@dataclass
class StatReport:
    period: Period
    units: list[Unit]
    by_field: list[StatRow]
    by_unit: list[StatRow]
    total: StatRow
    ratings: ratings.RatingSummary

    def unit_label(self, unit_id: int | None) -> str:
        unit = next((u for u in self.units if u.id == unit_id), None)
        return f"{unit.code} – {unit.name}" if unit else ""

    @property
    def empty(self) -> bool:
        return self.total.received == 0 and self.total.closed == 0


def build(session: Session, period: Period, unit_ids) -> StatReport:
    ids = sorted(unit_ids)
    by_field = statistics.compute(session, period.start, period.end, ids, by=("field",))
    by_unit = statistics.compute(session, period.start, period.end, ids, by=("unit",))
    units = list(session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.code)))
    return StatReport(period, units, by_field, by_unit, statistics.total(by_unit),
                      ratings.averages(session, period.start, period.end, ids))


def to_xlsx(report: StatReport) -> bytes:
    """The report as a workbook: sheets "Theo lĩnh vực", "Theo đơn vị" and "Đánh giá"."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    bold = Font(bold=True)
    for index, (title, first, rows, label) in enumerate((
            ("Theo lĩnh vực", "Lĩnh vực", report.by_field, lambda r: r.field_name or "(không rõ)"),
            ("Theo đơn vị", "Đơn vị", report.by_unit, lambda r: report.unit_label(r.unit_id)))):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title
        sheet.append([f"Thống kê hồ sơ thủ tục hành chính – {report.period.label}"])
        sheet.append([f"Từ ngày {report.period.start:%d/%m/%Y} đến ngày {report.period.end:%d/%m/%Y}"])
        sheet.append([first, *[group for group, _, _ in COLUMNS]])
        sheet.append(["", *[header for _, header, _ in COLUMNS]])
        for row in rows:
            sheet.append([label(row), *[value(row) for _, _, value in COLUMNS]])
        sheet.append(["Tổng cộng", *[value(report.total) for _, _, value in COLUMNS]])
        for cell in (*sheet[1], *sheet[3], *sheet[4], *sheet[sheet.max_row]):
            cell.font = bold
        for cell in sheet[3] + sheet[4]:
            cell.alignment = Alignment(wrap_text=True, horizontal="center")
        sheet.column_dimensions["A"].width = 40
        sheet.freeze_panes = "B5"
    sheet = book.create_sheet("Đánh giá")
    sheet.append([f"Mức độ hài lòng – {report.period.label}"])
    sheet.append(["Số lượt đánh giá", report.ratings.count])
    sheet.append(["Điểm trung bình chung (1–5)", report.ratings.average])
    sheet.append(["Tiêu chí", "Điểm trung bình", "Số lượt"])
    for item in report.ratings.criteria:
        sheet.append([item.label, item.average, item.count])
    sheet.column_dimensions["A"].width = 40
    for cell in (*sheet[1], *sheet[4]):
        cell.font = bold
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
