"""Value types that plugins return from the report and dashboard hooks, and the report assembler."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Sequence

from sqlalchemy.orm import Session

from core.plugins import dispatch_for_units


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str = ""

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("Ngày kết thúc phải sau ngày bắt đầu (period end before start)")


@dataclass(frozen=True)
class ReportSection:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    order: int = 100
    plugin: str = ""


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    value: float | int | str
    unit: str = ""


@dataclass(frozen=True)
class DashboardCard:
    title: str
    value: str | int | float
    hint: str = ""
    url: str | None = None
    level: str = "info"  # info, success, warning, danger


def quarter(year: int, number: int) -> Period:
    """Quarter ``number`` (1–4) of ``year`` as a period."""
    if number not in (1, 2, 3, 4):
        raise ValueError("Quý phải từ 1 đến 4 (quarter must be 1-4)")
    start = date(year, 3 * number - 2, 1)
    next_start = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return Period(start, next_start - timedelta(days=1), f"Quý {number}/{year}")


def quarter_of(day: date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


@dataclass(frozen=True)
class Report:
    period: Period
    units: list[Any]
    sections: list[ReportSection]


def build_report(session: Session, period: Period, units: Sequence[Any]) -> Report:
    """The administrative reform report: the sections of the plugins enabled for ``units``, in order."""
    sections = dispatch_for_units(session, "report_sections", list(units), period=period)
    ordered = sorted(sections, key=lambda s: (s.order, s.plugin, s.title))
    return Report(period, list(units), ordered)
