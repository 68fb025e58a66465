"""The calendar as the application sees it: public holidays + overrides from the database, cached.

A process keeps one ``WorkingCalendar`` per overrides signature (count and last change of the
override rows); adding or removing an override changes the signature, so every process rebuilds
on its next look-up.
"""
from __future__ import annotations

import threading
from datetime import date

import holidays
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import CalendarOverride, UnitWorkingHours
from core.scheduling.calendar import WorkingCalendar, WorkingHours, parse_hhmm
from core.services import ServiceError
from core.settings import Settings

_cache: dict[tuple, WorkingCalendar] = {}
_lock = threading.Lock()


def calendar_for(session: Session, settings: Settings | None = None) -> WorkingCalendar:
    signature = tuple(session.execute(
        select(func.count(CalendarOverride.id), func.max(CalendarOverride.updated_at), func.max(CalendarOverride.id))
    ).one())
    years = (settings["calendar.first_year"], settings["calendar.last_year"]) if settings else (2015, 2035)
    key = (signature, years)
    found = _cache.get(key)
    if found is None:
        overrides = dict(session.execute(select(CalendarOverride.day, CalendarOverride.is_working)).all())
        found = WorkingCalendar(overrides, *years)
        with _lock:
            _cache.clear()  # only the newest signature is worth keeping
            _cache[key] = found
    return found


def default_hours(settings: Settings) -> WorkingHours:
    morning, afternoon = settings["calendar.morning"], settings["calendar.afternoon"]
    return WorkingHours((parse_hhmm(morning[0]), parse_hhmm(morning[1])),
                        (parse_hhmm(afternoon[0]), parse_hhmm(afternoon[1])),
                        parse_hhmm(settings["calendar.receipt_cutoff"]))


def hours_for_unit(session: Session, settings: Settings, unit_id: int | None) -> WorkingHours:
    row = session.scalar(select(UnitWorkingHours).where(UnitWorkingHours.unit_id == unit_id)) if unit_id else None
    if row is None:
        return default_hours(settings)
    return WorkingHours((parse_hhmm(row.morning_start), parse_hhmm(row.morning_end)),
                        (parse_hhmm(row.afternoon_start), parse_hhmm(row.afternoon_end)),
                        parse_hhmm(row.receipt_cutoff))


def add_override(session: Session, day: date, is_working: bool, reason: str) -> CalendarOverride:
    """Record a swap or an extra day off; refused when the day already is what it asks."""
    override = CalendarOverride(day=day, is_working=is_working, reason=reason)
    check_override(session, override)
    session.add(override)
    session.flush()
    return override


def check_override(session: Session, override: CalendarOverride) -> None:
    """Refuse an override without a reason, a second one for a day, or one that changes nothing."""
    day, is_working = override.day, bool(override.is_working)
    if day is None:
        raise ServiceError("Cần chọn ngày điều chỉnh (a day is required)")
    reason = override.reason = (override.reason or "").strip()
    if not reason:
        raise ServiceError("Cần ghi lý do điều chỉnh lịch (a reason is required)")
    # A form may have added the override to the session already: judge against the calendar without it.
    with session.no_autoflush:
        clash = session.scalar(select(CalendarOverride.id).where(CalendarOverride.day == day,
                                                                 CalendarOverride.id != (override.id or 0)))
        if clash is not None:
            raise ServiceError(f"Ngày {day:%d/%m/%Y} đã có điều chỉnh; xoá điều chỉnh cũ trước (override exists)")
        calendar = calendar_for(session).covering(day)
    if calendar.is_working_day(day) == is_working:
        what = "ngày làm việc" if is_working else "ngày nghỉ"
        raise ServiceError(f"Ngày {day:%d/%m/%Y} vốn đã là {what}; không cần điều chỉnh (already {what})")


def check_hours(row: UnitWorkingHours) -> None:
    """Times as HH:MM, in order: morning, then afternoon; the cut-off within the working day."""
    labels = {"morning_start": "Bắt đầu buổi sáng", "morning_end": "Kết thúc buổi sáng",
              "afternoon_start": "Bắt đầu buổi chiều", "afternoon_end": "Kết thúc buổi chiều",
              "receipt_cutoff": "Giờ chốt tiếp nhận"}
    times = {}
    for key, label in labels.items():
        value = (getattr(row, key) or "").strip()
        try:
            times[key] = parse_hhmm(value)
        except (ValueError, TypeError):
            raise ServiceError(f"{label} phải có dạng HH:MM, ví dụ 07:00; nhận {value!r} (bad time)") from None
        setattr(row, key, times[key].strftime("%H:%M"))
    order = [times[k] for k in ("morning_start", "morning_end", "afternoon_start", "afternoon_end")]
    if order != sorted(order) or len(set(order)) < 4:
        raise ServiceError("Giờ làm việc phải theo thứ tự: sáng bắt đầu < sáng kết thúc < chiều bắt đầu < chiều kết thúc "
                           "(working hours out of order)")
    if not order[0] < times["receipt_cutoff"] <= order[3]:
        raise ServiceError("Giờ chốt tiếp nhận phải nằm trong ngày làm việc (cut-off outside working hours)")


def remove_override(session: Session, day: date) -> None:
    override = session.scalar(select(CalendarOverride).where(CalendarOverride.day == day))
    if override is None:
        raise ServiceError(f"Ngày {day:%d/%m/%Y} không có điều chỉnh nào (no override on that day)")
    session.delete(override)
    session.flush()


def days_off(session: Session, year: int, language: str = "vi") -> list[tuple[date, str]]:
    """Days off of ``year`` (holidays, observed and swapped days, overrides) named in ``language``."""
    calendar = calendar_for(session).covering(date(year, 1, 1))
    names = holidays.Vietnam(years=year, language="vi" if language == "vi" else "en_US")
    reasons = dict(session.execute(select(CalendarOverride.day, CalendarOverride.reason)).all())
    return [(day, names.get(day) or reasons.get(day, "")) for day, _ in calendar.days_off(year)]
