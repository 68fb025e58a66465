"""Report periods: a month, a quarter, a year or custom dates, with their Vietnamese labels."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from core.toolkit import Period, ServiceError

KINDS = {"month": "Tháng", "quarter": "Quý", "year": "Năm", "custom": "Tùy chọn"}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def parse_day(text: str, label: str = "Ngày") -> date:
    """dd/mm/yyyy (or yyyy-mm-dd); a clear Vietnamese error otherwise."""
    text = (text or "").strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ServiceError(f"{label} không hợp lệ: {text!r}; nhập theo dạng dd/mm/yyyy")


def _int(value, label: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ServiceError(f"{label} phải là số từ {low} đến {high}") from None
    if not low <= number <= high:
        raise ServiceError(f"{label} phải là số từ {low} đến {high}")
    return number


def month(year: int, number: int) -> Period:
    start = date(year, number, 1)
    following = date(year + 1, 1, 1) if number == 12 else date(year, number + 1, 1)
    return Period(start, following - timedelta(days=1), f"Tháng {number:02d}/{year}")


def quarter(year: int, number: int) -> Period:
    start = date(year, 3 * number - 2, 1)
    following = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return Period(start, following - timedelta(days=1), f"Quý {ROMAN[number]}/{year}")


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), f"Năm {year}")


def period_of(kind: str, year=None, number=None, start: str = "", end: str = "", today: date | None = None) -> Period:
    """The period chosen on a form: ``kind`` is month, quarter, year or custom (dates as dd/mm/yyyy)."""
    today = today or date.today()
    if kind not in KINDS:
        raise ServiceError(f"Loại kỳ báo cáo không hợp lệ: {kind!r}")
    if kind == "custom":
        first, last = parse_day(start, "Từ ngày"), parse_day(end, "Đến ngày")
        if last < first:
            raise ServiceError("“Đến ngày” phải sau hoặc bằng “Từ ngày”")
        if (last - first).days > 366 * 10:
            raise ServiceError("Kỳ báo cáo tùy chọn dài tối đa 10 năm")
        return Period(first, last, f"Từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}")
    year = _int(year if year not in (None, "") else today.year, "Năm", 1990, 2100)
    if kind == "year":
        return year_period(year)
    if kind == "quarter":
        default = (today.month - 1) // 3 + 1
        return quarter(year, _int(number if number not in (None, "") else default, "Quý", 1, 4))
    return month(year, _int(number if number not in (None, "") else today.month, "Tháng", 1, 12))
