"""Value types that plugins return from the report and dashboard hooks, and the report assembler."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


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
